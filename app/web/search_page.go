package web

import (
	"context"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"carrel/app"
	"carrel/search"
)

// The search page: a query, filters chosen from the facets beside the
// results, a sort order and pages, all in the query string so that every
// state of the page is a link.

// searchPageSize is the number of results per page.
const searchPageSize = 20

// searchSorts are the orders the page offers, by their query-string value.
var searchSorts = []struct{ Value, Label, By string }{
	{"", "Relevance", ""},
	{"newest", "Newest first", search.SortPublished},
	{"oldest", "Oldest first", search.SortPublished},
	{"title", "Title A–Z", search.SortTitle},
	{"views", "Most viewed", search.SortViews},
	{"downloads", "Most downloaded", search.SortDownloads},
}

// facetLabels name the facets the page shows, in the order shown.
var facetLabels = []struct{ Name, Label string }{
	{search.FacetItemType, "Item type"},
	{search.FacetCategory, "Category"},
	{search.FacetYear, "Year published"},
	{search.FacetLicense, "Licence"},
	{search.FacetGroup, "Group"},
	{search.FacetAuthor, "Author"},
	{search.FacetKeyword, "Keyword"},
	{search.FacetExtension, "File type"},
}

// searchParams is the search page's state as its query string holds it.
type searchParams struct {
	Q     string
	Page  int
	Sort  string              // a searchSorts value
	Terms map[string][]string // facet name → chosen terms
}

// parseSearchParams reads the query string; bad values are reported, the
// rest of the state is kept so the page can show what was asked.
func parseSearchParams(v url.Values) (searchParams, string) {
	p := searchParams{Q: strings.TrimSpace(v.Get("q")), Page: 1, Sort: v.Get("sort"), Terms: map[string][]string{}}
	problem := ""
	if n, err := strconv.Atoi(v.Get("page")); err == nil && n >= 1 && n <= 500 {
		p.Page = n
	}
	if !slices.ContainsFunc(searchSorts, func(s struct{ Value, Label, By string }) bool { return s.Value == p.Sort }) {
		problem = "Unknown sort order; showing the most relevant first."
		p.Sort = ""
	}
	for _, f := range facetLabels {
		for _, t := range v[f.Name] {
			if t = strings.TrimSpace(t); t != "" && !slices.Contains(p.Terms[f.Name], t) {
				p.Terms[f.Name] = append(p.Terms[f.Name], t)
			}
		}
	}
	return p, problem
}

// url is the page's link for state p.
func (p searchParams) url() string {
	v := url.Values{}
	if p.Q != "" {
		v.Set("q", p.Q)
	}
	for _, f := range facetLabels {
		for _, t := range p.Terms[f.Name] {
			v.Add(f.Name, t)
		}
	}
	if p.Sort != "" {
		v.Set("sort", p.Sort)
	}
	if p.Page > 1 {
		v.Set("page", strconv.Itoa(p.Page))
	}
	if len(v) == 0 {
		return "/search"
	}
	return "/search?" + v.Encode()
}

// with returns p with the term of a facet added or, if chosen, removed,
// back on the first page.
func (p searchParams) toggle(facet, term string) searchParams {
	terms := make(map[string][]string, len(p.Terms))
	for k, v := range p.Terms {
		terms[k] = slices.Clone(v)
	}
	if i := slices.Index(terms[facet], term); i >= 0 {
		terms[facet] = slices.Delete(terms[facet], i, i+1)
	} else {
		terms[facet] = append(terms[facet], term)
	}
	p.Terms, p.Page = terms, 1
	return p
}

// searchQuery is the finder's query for p.
func (p searchParams) searchQuery(viewer app.Actor) SearchQuery {
	q := SearchQuery{Text: p.Q, Viewer: viewer, Offset: (p.Page - 1) * searchPageSize, Limit: searchPageSize,
		Terms: p.Terms, Facets: true}
	for _, s := range searchSorts {
		if s.Value == p.Sort {
			q.Sort, q.Desc = s.By, s.Value != "oldest" && s.Value != "title"
		}
	}
	return q
}

// searchPage is the data of the search page.
type searchPage struct {
	Query    string
	Total    int
	Results  []card
	Error    string
	Notice   string
	From, To int
	Prev     string
	Next     string
	Sort     string
	Sorts    []struct{ Value, Label, By string }
	Hidden   []hiddenField // the filters, kept when the form changes the query or order
	Chosen   []facetLink   // filters in force, each a link that removes it
	Facets   []facetBlock
	// NamesUncounted: the author and keyword facets were left out of a
	// broad result (see NameFacetLimit).
	NamesUncounted bool
	NameLimit      int
}

type hiddenField struct{ Name, Value string }

// facetBlock is one facet beside the results.
type facetBlock struct {
	Label string
	Links []facetLink
}

// facetLink is one term of a facet: following it adds or removes the filter.
type facetLink struct {
	Facet  string // the facet's label
	Label  string
	Count  int
	URL    string
	Chosen bool
}

func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	params, notice := parseSearchParams(r.URL.Query())
	p := searchPage{Query: params.Q, Notice: notice, Sort: params.Sort, Sorts: searchSorts, NameLimit: NameFacetLimit}
	for _, f := range facetLabels {
		for _, t := range params.Terms[f.Name] {
			p.Hidden = append(p.Hidden, hiddenField{f.Name, t})
		}
	}
	res, err := s.finder.Find(ctx, params.searchQuery(actor(ctx)))
	status := http.StatusOK
	switch code := app.ErrorCode(err); code {
	case "":
		if err := s.fillSearchPage(ctx, &p, params, res); err != nil {
			s.fail(w, r, err)
			return
		}
	case app.EINVALID, app.EUNPROCESSABLE:
		p.Error, status = app.ErrorMessage(err), statusOf[code]
	default:
		s.fail(w, r, err)
		return
	}
	title := "Search"
	if params.Q != "" {
		title = "Search: " + params.Q
	}
	s.render(w, r, status, "search", view{Title: title, Page: p, Meta: []metaTag{{"robots", "noindex"}}})
}

// fillSearchPage puts one page of results, the pager and the facets on p.
func (s *Server) fillSearchPage(ctx context.Context, p *searchPage, params searchParams, res *SearchResult) error {
	v, err := s.vocab(ctx)
	if err != nil {
		return err
	}
	p.Total, p.NamesUncounted = res.Total, res.NamesUncounted
	for _, li := range res.Items {
		if li.Version != nil {
			c := cardOf(v, li)
			if frag, ok := res.Snippets[li.Item.ID]; ok {
				c.Marked = markedSnippet(frag)
			}
			p.Results = append(p.Results, c)
		}
	}
	first := (params.Page-1)*searchPageSize + 1
	p.From, p.To = first, first+len(p.Results)-1
	if params.Page > 1 {
		prev := params
		prev.Page--
		p.Prev = prev.url()
	}
	if p.To < p.Total {
		next := params
		next.Page++
		p.Next = next.url()
	}
	name, err := s.termNamer(ctx, v)
	if err != nil {
		return err
	}
	for _, f := range facetLabels {
		for _, t := range params.Terms[f.Name] {
			p.Chosen = append(p.Chosen, facetLink{Facet: f.Label, Label: name(f.Name, t), URL: params.toggle(f.Name, t).url(), Chosen: true})
		}
		b := facetBlock{Label: f.Label}
		for _, c := range res.Facets[f.Name] {
			chosen := slices.Contains(params.Terms[f.Name], c.Term)
			b.Links = append(b.Links, facetLink{Facet: f.Label, Label: name(f.Name, c.Term), Count: c.Count,
				URL: params.toggle(f.Name, c.Term).url(), Chosen: chosen})
		}
		if len(b.Links) > 0 {
			p.Facets = append(p.Facets, b)
		}
	}
	return nil
}

// termNamer names facet terms: vocabulary entries and groups by their
// names, other terms as they are.
func (s *Server) termNamer(ctx context.Context, v *vocabulary) (func(facet, term string) string, error) {
	groups, err := s.cat.Groups(ctx)
	if err != nil {
		return nil, err
	}
	groupName := make(map[string]string, len(groups))
	for _, g := range groups {
		groupName[strconv.FormatInt(g.ID, 10)] = g.Name
	}
	return func(facet, term string) string {
		id, _ := strconv.ParseInt(term, 10, 64)
		var name string
		switch facet {
		case search.FacetItemType:
			name = v.typeByID[int(id)].Name
		case search.FacetCategory:
			name = v.catByID[id].Title
		case search.FacetLicense:
			name = v.licByID[int(id)].Name
		case search.FacetGroup:
			name = groupName[term]
		case search.FacetExtension:
			name = "." + term
		}
		if name == "" {
			return term
		}
		return name
	}, nil
}

// markedSnippet turns a highlighted fragment from the index into HTML that
// can only contain text and <mark> elements: the fragment is split at its
// marks, and every piece between them is unescaped and escaped again, so
// nothing the index returns is trusted as markup.
func markedSnippet(frag string) template.HTML {
	var b strings.Builder
	for i, part := range strings.Split(frag, "<mark>") {
		text, marked, hasEnd := part, "", false
		if i > 0 {
			marked, text, hasEnd = strings.Cut(part, "</mark>")
			if !hasEnd {
				text, marked = marked, ""
			}
		}
		if marked != "" {
			b.WriteString("<mark>" + template.HTMLEscapeString(html.UnescapeString(marked)) + "</mark>")
		}
		b.WriteString(template.HTMLEscapeString(html.UnescapeString(text)))
	}
	return template.HTML(b.String())
}
