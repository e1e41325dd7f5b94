package api

import (
	"context"
	"net/http"
	"sync"

	"carrel/app"
)

// vocabulary is a cached copy of the catalog's item types, licenses and
// categories (retired terms too, which items that have them still show),
// loaded again when administrators change them.
type vocabulary struct {
	types      map[int]app.ItemType
	typeByName map[string]app.ItemType
	licenses   map[int]app.License
	categories map[int64]app.Category
	lists      struct {
		types      []app.ItemType
		licenses   []app.License
		categories []app.Category
	}
}

type vocabCache struct {
	mu  sync.Mutex
	v   *vocabulary
	gen int64 // the catalog's vocabulary generation v was loaded at
}

// vocab returns the cached vocabularies, loading them on first use.
func (s *Server) vocab(ctx context.Context) (*vocabulary, error) {
	s.vc.mu.Lock()
	defer s.vc.mu.Unlock()
	gen := s.cat.VocabularyGeneration()
	if s.vc.v != nil && s.vc.gen == gen {
		return s.vc.v, nil
	}
	v := &vocabulary{types: map[int]app.ItemType{}, typeByName: map[string]app.ItemType{}, licenses: map[int]app.License{},
		categories: map[int64]app.Category{}}
	var err error
	if v.lists.types, err = s.cat.ItemTypes(ctx); err != nil {
		return nil, err
	}
	if v.lists.licenses, err = s.cat.Licenses(ctx); err != nil {
		return nil, err
	}
	if v.lists.categories, err = s.cat.Categories(ctx); err != nil {
		return nil, err
	}
	for _, t := range v.lists.types {
		v.types[t.ID] = t
		v.typeByName[t.StringID] = t
		v.typeByName[t.Name] = t
	}
	for _, l := range v.lists.licenses {
		v.licenses[l.ID] = l
	}
	for _, c := range v.lists.categories {
		v.categories[c.ID] = c
	}
	s.vc.v, s.vc.gen = v, gen
	return v, nil
}

func (s *Server) handleItemTypes(w http.ResponseWriter, r *http.Request) {
	v, err := s.vocab(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, nonNil(app.Offered(v.lists.types)))
}

func (s *Server) handleLicenses(w http.ResponseWriter, r *http.Request) {
	v, err := s.vocab(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type license struct {
		Value int    `json:"value"`
		Name  string `json:"name"`
		URL   string `json:"url"`
	}
	out := make([]license, 0, len(v.lists.licenses))
	for _, l := range app.Offered(v.lists.licenses) {
		out = append(out, license{l.ID, l.Name, l.URL})
	}
	s.writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleCategories(w http.ResponseWriter, r *http.Request) {
	v, err := s.vocab(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cats := app.Offered(v.lists.categories)
	parents := map[int64]bool{}
	for _, c := range cats {
		parents[c.ParentID] = true
	}
	type categoryList struct {
		app.Category
		HasChildren  bool `json:"has_children"`
		IsSelectable bool `json:"is_selectable"`
	}
	out := make([]categoryList, 0, len(cats))
	for _, c := range cats {
		out = append(out, categoryList{Category: c, HasChildren: parents[c.ID], IsSelectable: true})
	}
	s.writeJSON(w, http.StatusOK, out)
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
