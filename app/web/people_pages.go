package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"carrel/app"
	"carrel/search"
)

// Author and group pages: who made what, and what each part of the
// institution has published. Both list only public items, through the same
// finder and access filter as the search page; an author named on no public
// item has no page.

// listingPage is the data of an author or group page.
type listingPage struct {
	Name      string
	ORCID     string
	Parents   []groupLink // a group's ancestors, outermost first
	Subgroups []groupLink
	Total     int
	Results   []card
	From, To  int
	Prev      string
	Next      string
	SearchURL string // the search page, filtered to this author or group
}

type groupLink struct {
	Name string
	URL  string
}

// authorURL is the page of a recorded author.
func authorURL(a app.Author) string {
	return "/authors/" + url.PathEscape(app.Slug(a.FullName)) + "/" + strconv.FormatInt(a.ID, 10)
}

// groupURL is the page of a group.
func groupURL(g app.Group) string {
	return "/groups/" + url.PathEscape(app.Slug(g.Name)) + "/" + strconv.FormatInt(g.ID, 10)
}

func (s *Server) handleAuthor(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := s.cat.AuthorByID(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if r.PathValue("slug") != app.Slug(a.FullName) {
		http.Redirect(w, r, authorURL(*a), http.StatusMovedPermanently)
		return
	}
	q := SearchQuery{Sort: search.SortPublished, Desc: true}
	p := listingPage{Name: a.FullName, ORCID: a.ORCID}
	// An ORCID iD names one person whatever spelling each item uses; a
	// name alone gathers everyone who shares it, as a search would.
	if a.ORCID != "" {
		q.ORCID = a.ORCID
		p.SearchURL = "/search?q=" + url.QueryEscape(":orcid: "+a.ORCID)
	} else {
		q.Terms = map[string][]string{search.FacetAuthor: {a.FullName}}
		p.SearchURL = "/search?" + url.Values{search.FacetAuthor: {a.FullName}}.Encode()
	}
	s.renderListing(w, r, "author", a.FullName, q, p)
}

func (s *Server) handleGroup(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	groups, err := s.cat.Groups(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	byID := make(map[int64]app.Group, len(groups))
	children := map[int64][]app.Group{}
	for _, g := range groups {
		byID[g.ID] = g
		children[g.ParentID] = append(children[g.ParentID], g)
	}
	g, ok := byID[id]
	if !ok {
		s.fail(w, r, app.Errorf(app.ENOTFOUND, "group %d not found", id))
		return
	}
	if r.PathValue("slug") != app.Slug(g.Name) {
		http.Redirect(w, r, groupURL(g), http.StatusMovedPermanently)
		return
	}
	p := listingPage{Name: g.Name, SearchURL: "/search?" + url.Values{search.FacetGroup: {strconv.FormatInt(id, 10)}}.Encode()}
	for at, seen := byID[g.ParentID], 0; at.ID != 0 && seen < len(groups); at, seen = byID[at.ParentID], seen+1 {
		p.Parents = append([]groupLink{{at.Name, groupURL(at)}}, p.Parents...)
	}
	for _, c := range children[id] {
		p.Subgroups = append(p.Subgroups, groupLink{c.Name, groupURL(c)})
	}
	// The group's items are those of its whole subtree, as its quota and
	// review settings are.
	subtree := []int64{id}
	for i := 0; i < len(subtree) && len(subtree) <= search.MaxGroupFilters; i++ {
		for _, c := range children[subtree[i]] {
			subtree = append(subtree, c.ID)
		}
	}
	if len(subtree) > search.MaxGroupFilters {
		subtree = subtree[:search.MaxGroupFilters]
	}
	s.renderListing(w, r, "group", g.Name, SearchQuery{Sort: search.SortPublished, Desc: true, Groups: subtree}, p)
}

// renderListing fills p with one page of q's public items and renders it.
// An author with no public item is not found: their name alone would say
// that a private item exists.
func (s *Server) renderListing(w http.ResponseWriter, r *http.Request, page, name string, q SearchQuery, p listingPage) {
	ctx := r.Context()
	n, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if n < 1 || n > 500 {
		n = 1
	}
	q.Viewer, q.Offset, q.Limit = actor(ctx), (n-1)*searchPageSize, searchPageSize
	res, err := s.finder.Find(ctx, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if page == "author" && res.Total == 0 {
		s.fail(w, r, app.Errorf(app.ENOTFOUND, "not found"))
		return
	}
	v, err := s.vocab(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Total = res.Total
	for _, li := range res.Items {
		if li.Version != nil {
			p.Results = append(p.Results, cardOf(v, li))
		}
	}
	p.From, p.To = q.Offset+1, q.Offset+len(p.Results)
	base := strings.SplitN(r.URL.RequestURI(), "?", 2)[0] + "?page="
	if n > 1 {
		p.Prev = base + strconv.Itoa(n-1)
	}
	if p.To < p.Total {
		p.Next = base + strconv.Itoa(n+1)
	}
	s.render(w, r, http.StatusOK, "listing", view{Title: name, Page: p, Canonical: s.baseURL(r) + r.URL.Path})
}
