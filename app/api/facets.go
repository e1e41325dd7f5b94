package api

import (
	"net/http"
	"strconv"

	"carrel/search"
)

// facetSearch is a search with facet counts: Figshare's ArticleSearch plus
// which facets to count and how many terms of each. A Carrel extension,
// for faceted search pages such as Carrel's own.
type facetSearch struct {
	articleSearch
	Facets    []string `json:"facets"`
	FacetSize int      `json:"facet_size"`
}

// facetResult is one page of hits with the total and the facet counts over
// every matching item the caller may see.
type facetResult struct {
	Total  uint64                  `json:"total"`
	Items  []articleWithProject    `json:"items"`
	Facets map[string][]facetValue `json:"facets"`
}

// facetValue is one term of a facet: its value as a filter or query takes
// it (an id for item types, categories, licenses and groups), a name to
// show, and how many matching items carry it.
type facetValue struct {
	Value string `json:"value"`
	Name  string `json:"name"`
	Count int    `json:"count"`
}

func (s *Server) handlePublicFacets(w http.ResponseWriter, r *http.Request) {
	s.runFacets(w, r, search.ScopePublic)
}

func (s *Server) handleOwnFacets(w http.ResponseWriter, r *http.Request) {
	s.runFacets(w, r, search.ScopeOwn)
}

func (s *Server) runFacets(w http.ResponseWriter, r *http.Request, scope search.Scope) {
	var in facetSearch
	if err := s.decode(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	q, err := in.searchQuery()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q.Viewer, q.Scope = actor(r.Context()), scope
	q.Facets, q.FacetNames, q.FacetSize = true, in.Facets, in.FacetSize
	res, items, err := s.searchArticles(r, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	names, err := s.facetNamer(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := facetResult{Total: res.Total, Items: items, Facets: make(map[string][]facetValue, len(res.Facets))}
	for facet, counts := range res.Facets {
		vals := make([]facetValue, 0, len(counts))
		for _, c := range counts {
			vals = append(vals, facetValue{Value: c.Term, Name: names(facet, c.Term), Count: c.Count})
		}
		out.Facets[facet] = vals
	}
	s.writeJSON(w, http.StatusOK, out)
}

// facetNamer returns a function naming a facet term: vocabulary and group
// ids by their names, other terms as they are.
func (s *Server) facetNamer(r *http.Request) (func(facet, term string) string, error) {
	v, err := s.vocab(r.Context())
	if err != nil {
		return nil, err
	}
	groups, err := s.cat.Groups(r.Context())
	if err != nil {
		return nil, err
	}
	groupNames := make(map[int64]string, len(groups))
	for _, g := range groups {
		groupNames[g.ID] = g.Name
	}
	return func(facet, term string) string {
		id, err := strconv.ParseInt(term, 10, 64)
		if err != nil {
			return term
		}
		var name string
		switch facet {
		case search.FacetItemType:
			name = v.types[int(id)].Name
		case search.FacetLicense:
			name = v.licenses[int(id)].Name
		case search.FacetCategory:
			name = v.categories[id].Title
		case search.FacetGroup:
			name = groupNames[id]
		}
		if name == "" {
			return term
		}
		return name
	}, nil
}
