package web

import (
	"context"
	"html/template"
	"strings"
	"sync"
	"time"

	"github.com/microcosm-cc/bluemonday"

	"carrel/app"
)

// vocabulary is the item types, licenses and categories by id.
type vocabulary struct {
	types      []app.ItemType
	licenses   []app.License
	categories []app.Category
	typeByID   map[int]app.ItemType
	licByID    map[int]app.License
	catByID    map[int64]app.Category
}

// vocabCache keeps the vocabularies until an administrator changes one
// (the catalog's vocabulary generation moves), and for a minute at most.
type vocabCache struct {
	mu      sync.Mutex
	v       *vocabulary
	fetched time.Time
	gen     int64
}

func (s *Server) vocab(ctx context.Context) (*vocabulary, error) {
	s.vc.mu.Lock()
	defer s.vc.mu.Unlock()
	gen := s.cat.VocabularyGeneration()
	if s.vc.v != nil && s.vc.gen == gen && time.Since(s.vc.fetched) < time.Minute {
		return s.vc.v, nil
	}
	v := &vocabulary{typeByID: map[int]app.ItemType{}, licByID: map[int]app.License{}, catByID: map[int64]app.Category{}}
	var err error
	if v.types, err = s.cat.ItemTypes(ctx); err != nil {
		return nil, err
	}
	if v.licenses, err = s.cat.Licenses(ctx); err != nil {
		return nil, err
	}
	if v.categories, err = s.cat.Categories(ctx); err != nil {
		return nil, err
	}
	for _, t := range v.types {
		v.typeByID[t.ID] = t
	}
	for _, l := range v.licenses {
		v.licByID[l.ID] = l
	}
	for _, c := range v.categories {
		v.catByID[c.ID] = c
	}
	s.vc.v, s.vc.fetched, s.vc.gen = v, time.Now(), gen
	return v, nil
}

// cats resolves category ids, skipping unknown ones.
func (v *vocabulary) cats(ids []int64) []app.Category {
	var out []app.Category
	for _, id := range ids {
		if c, ok := v.catByID[id]; ok {
			out = append(out, c)
		}
	}
	return out
}

// newDescriptionPolicy is the sanitiser for stored descriptions:
// bluemonday's policy for user-generated content.
func newDescriptionPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoReferrerOnLinks(true)
	return p
}

// looksLikeHTML reports whether a description holds markup (as the API
// stores it) rather than plain text typed into a form, in which a stray
// "<word>" must stay visible.
func looksLikeHTML(d string) bool {
	d = strings.ToLower(d)
	for _, tag := range []string{"<p>", "<p ", "<br", "<a ", "<ul", "<ol", "<li", "<b>", "<i>", "<em>", "<strong", "<div",
		"<h1", "<h2", "<h3", "<h4", "<span", "<code", "<pre", "<blockquote", "<table", "<img", "<sup", "<sub", "<u>"} {
		if strings.Contains(d, tag) {
			return true
		}
	}
	return false
}

// description renders a stored description as safe HTML: sanitised markup,
// or plain text split into paragraphs.
func (s *Server) description(d string) template.HTML {
	if !looksLikeHTML(d) {
		var b strings.Builder
		for para := range strings.SplitSeq(strings.ReplaceAll(d, "\r\n", "\n"), "\n\n") {
			if strings.TrimSpace(para) == "" {
				continue
			}
			b.WriteString("<p>" + strings.ReplaceAll(template.HTMLEscapeString(strings.TrimSpace(para)), "\n", "<br>") + "</p>")
		}
		return template.HTML(b.String())
	}
	return template.HTML(s.policy.Sanitize(d))
}
