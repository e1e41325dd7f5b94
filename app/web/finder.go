package web

import (
	"context"
	"strings"
	"time"

	"carrel/app"
	"carrel/app/formats"
	"carrel/search"
)

// Finder answers the search page. Implementations must return only items
// the viewer may see publicly.
type Finder interface {
	// Find returns one page of matching items, each with its latest
	// public version, and the total number of matches. EINVALID for a
	// query it cannot parse (the message says why).
	Find(ctx context.Context, q SearchQuery) (*SearchResult, error)
}

// SearchQuery is one search request from the search page.
type SearchQuery struct {
	Text   string
	Viewer app.Actor
	Offset int
	Limit  int
	Sort   string // a search.Sort* order; "" = relevance, or newest without text
	Desc   bool
	// Terms and ORCID filter as search.Query's do; Groups keeps items of
	// any of these groups.
	Terms  map[string][]string
	ORCID  string
	Groups []int64
	Facets bool // count the facets over every match
}

// SearchResult is one page of search results.
type SearchResult struct {
	Total  int
	Items  []app.ListedItem
	Facets map[string][]search.FacetCount
	// Snippets has, by item id, a fragment of the description (or title)
	// with the searched words in <mark> elements, the rest escaped.
	Snippets map[int64]string
	// NamesUncounted says the author and keyword facets were left out
	// because more than NameFacetLimit items matched.
	NamesUncounted bool
}

// NameFacetLimit is the most matches over which the author and keyword
// facets are counted. They hold a term per name, so over a broad result
// they cost as much as the other facets together and list names that
// one item each carries.
const NameFacetLimit = 10_000

// CatalogFinder searches by scanning the newest public items of the catalog
// for the words of the query; it stands in where no search index is wired
// (the web package's own tests), so it counts no facets and takes no filters.
type CatalogFinder struct {
	Catalog Catalog
	// Scan bounds how many recent items are examined; 0 means 5000.
	Scan int
}

// Find matches every word of q.Text, case-insensitively, against title,
// authors, keywords and description.
func (f CatalogFinder) Find(ctx context.Context, q SearchQuery) (*SearchResult, error) {
	scan := f.Scan
	if scan == 0 {
		scan = 5000
	}
	if len(q.Terms) > 0 || q.ORCID != "" || len(q.Groups) > 0 {
		return nil, app.Errorf(app.EUNPROCESSABLE, "filters need the search index")
	}
	words := strings.Fields(strings.ToLower(q.Text))
	res := &SearchResult{}
	const batch = 500
	for off := 0; off < scan; off += batch {
		items, err := f.Catalog.ListItems(ctx, app.ItemFilter{Order: "published_date", Desc: true, Offset: off, Limit: batch})
		if err != nil {
			return nil, err
		}
		for _, li := range items {
			if li.Version == nil || !app.FindableByAll(li.Item, time.Now()) || !matches(&li.Version.Metadata, words) {
				continue
			}
			if res.Total >= q.Offset && len(res.Items) < q.Limit {
				res.Items = append(res.Items, li)
			}
			res.Total++
		}
		if len(items) < batch {
			break
		}
	}
	return res, nil
}

func matches(md *app.Metadata, words []string) bool {
	if len(words) == 0 {
		return true
	}
	var b strings.Builder
	b.WriteString(md.Title)
	for _, a := range md.Authors {
		b.WriteString(" " + a.FullName)
	}
	b.WriteString(" " + strings.Join(md.Keywords, " "))
	b.WriteString(" " + formats.PlainText(md.Description))
	hay := strings.ToLower(b.String())
	for _, w := range words {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}

// Searcher runs searches on the index.
type Searcher interface {
	Search(ctx context.Context, q search.Query) (*search.Result, error)
}

// IndexFinder answers searches from the Bleve index, reading each hit's
// latest public version from the catalog.
type IndexFinder struct {
	Index   Searcher
	Catalog Catalog
	// NameLimit is the most matches over which authors and keywords are
	// counted; 0 means NameFacetLimit.
	NameLimit int
}

// Find runs the query in the public scope of the index.
func (f IndexFinder) Find(ctx context.Context, q SearchQuery) (*SearchResult, error) {
	if browsing(q) {
		return f.browse(ctx, q)
	}
	sq := search.Query{Text: q.Text, Viewer: q.Viewer, Scope: search.ScopePublic,
		Offset: q.Offset, Limit: q.Limit, Sort: q.Sort, Desc: q.Desc, Terms: q.Terms, ORCID: q.ORCID, Groups: q.Groups,
		Facets: q.Facets, FacetNames: search.TotalledFacets(), Highlight: strings.TrimSpace(q.Text) != ""}
	res, err := f.Index.Search(ctx, sq)
	if err != nil {
		return nil, err
	}
	out := &SearchResult{Total: int(res.Total), Facets: res.Facets, Snippets: map[int64]string{}}
	if q.Facets {
		if err := f.countNames(ctx, sq, out); err != nil {
			return nil, err
		}
	}
	for _, h := range res.Hits {
		for _, field := range []string{"description", "title"} {
			if frags := h.Snippets[field]; len(frags) > 0 && out.Snippets[h.ItemID] == "" {
				out.Snippets[h.ItemID] = frags[0]
			}
		}
		it, err := f.Catalog.Item(ctx, h.ItemID)
		if app.ErrorCode(err) == app.ENOTFOUND {
			continue // deleted since it was indexed
		} else if err != nil {
			return nil, err
		}
		if !app.FindableByAll(it, time.Now()) {
			continue
		}
		v, err := f.Catalog.Version(ctx, it.ID, it.Version)
		if err != nil {
			return nil, err
		}
		it.Draft = app.Metadata{}
		out.Items = append(out.Items, app.ListedItem{Item: it, Version: v})
	}
	return out, nil
}

// countNames adds the author and keyword facets of sq to out, when few
// enough items match.
func (f IndexFinder) countNames(ctx context.Context, sq search.Query, out *SearchResult) error {
	limit := f.NameLimit
	if limit == 0 {
		limit = NameFacetLimit
	}
	if out.Total > limit {
		out.NamesUncounted = true
		return nil
	}
	sq.CountOnly, sq.Highlight, sq.Offset, sq.Limit, sq.Sort, sq.Desc = true, false, 0, 0, "", false
	sq.FacetNames = []string{search.FacetAuthor, search.FacetKeyword}
	res, err := f.Index.Search(ctx, sq)
	if err != nil {
		return err
	}
	if out.Facets == nil {
		out.Facets = map[string][]search.FacetCount{}
	}
	for name, counts := range res.Facets {
		out.Facets[name] = counts
	}
	return nil
}

// browsing reports whether q asks for everything, newest first: the page
// the search box leads to when empty.
func browsing(q SearchQuery) bool {
	return strings.TrimSpace(q.Text) == "" && len(q.Terms) == 0 && q.ORCID == "" && len(q.Groups) == 0 &&
		(q.Sort == "" || q.Sort == search.SortPublished) && q.Desc
}

// browse answers a browse of everything: the index counts the matches and
// the facets, which costs no sort (and is cached until the index changes);
// the catalog lists the page in published order from its own index, where
// the search index would have to sort every public item for each page.
func (f IndexFinder) browse(ctx context.Context, q SearchQuery) (*SearchResult, error) {
	// The facets the index keeps counted for everything, so a browse costs
	// no count; authors and keywords only in a small repository.
	sq := search.Query{Viewer: q.Viewer, Scope: search.ScopePublic, CountOnly: true, Facets: q.Facets,
		FacetNames: search.TotalledFacets()}
	res, err := f.Index.Search(ctx, sq)
	if err != nil {
		return nil, err
	}
	if q.Offset > search.MaxOffset {
		return nil, app.Errorf(app.EINVALID, "offset must be between 0 and %d", search.MaxOffset)
	}
	items, err := f.Catalog.ListItems(ctx, app.ItemFilter{FindableOnly: true, Order: "published_date", Desc: true,
		Offset: q.Offset, Limit: q.Limit})
	if err != nil {
		return nil, err
	}
	out := &SearchResult{Total: int(res.Total), Facets: res.Facets}
	if q.Facets {
		if err := f.countNames(ctx, sq, out); err != nil {
			return nil, err
		}
	}
	now := time.Now()
	for _, li := range items {
		if li.Version != nil && app.FindableByAll(li.Item, now) {
			out.Items = append(out.Items, li)
		}
	}
	return out, nil
}
