package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"carrel/app"
	"carrel/app/formats"
	"carrel/search"
)

// card is an item in a listing.
type card struct {
	URL      string
	Title    string
	Authors  []string
	Type     string
	Date     string
	Status   string
	Version  int
	Snippet  string
	Keywords []string
}

// cardOf summarises a listed public item.
func cardOf(v *vocabulary, li app.ListedItem) card {
	md := &li.Version.Metadata
	c := card{URL: itemURL(md.Title, li.Item.ID, 0), Title: md.Title, Type: v.typeByID[md.ItemType].Name,
		Date: li.Version.Published.UTC().Format("2 January 2006"), Version: li.Version.Number, Keywords: md.Keywords}
	for _, a := range md.Authors {
		c.Authors = append(c.Authors, a.FullName)
	}
	c.Snippet = formats.PlainText(md.Description)
	if r := []rune(c.Snippet); len(r) > 240 {
		c.Snippet = strings.TrimSpace(string(r[:240])) + "…"
	}
	if c.Title == "" {
		c.Title = "Untitled"
	}
	return c
}

// homePage is the data of the home page.
type homePage struct {
	Items      int64
	Files      int64
	Recent     []card
	SearchHint string
}

func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v, err := s.vocab(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := homePage{}
	if p.Items, p.Files, err = s.counts.get(ctx, s.cat.PublicCounts); err != nil {
		s.fail(w, r, err)
		return
	}
	recent, err := s.cat.ListItems(ctx, app.ItemFilter{Order: "published_date", Desc: true, Limit: 10})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, li := range recent {
		if li.Version != nil && app.FindableByAll(li.Item, time.Now()) {
			p.Recent = append(p.Recent, cardOf(v, li))
		}
	}
	s.render(w, r, http.StatusOK, "home", view{Page: p})
}

// searchPage is the data of the search page.
type searchPage struct {
	Query      string
	Sort       string
	Sorts      []sortOption
	Total      int
	Results    []card
	Error      string
	From, To   int
	Prev, Next string
}

// sortOption is one choice of the search page's sort menu.
type sortOption struct{ Value, Label string }

// searchSorts are the orders the search page offers, best first; "" is
// relevance (newest first when there are no words).
func searchSorts() []sortOption {
	return []sortOption{{"", "Relevance"}, {search.SortPublished, "Newest"}, {search.SortViews, "Most viewed"},
		{search.SortDownloads, "Most downloaded"}}
}

// searchPageSize is the number of results per page.
const searchPageSize = 20

func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if page < 1 || page > 500 {
		page = 1
	}
	p := searchPage{Query: q, Sort: r.URL.Query().Get("sort"), Sorts: searchSorts()}
	if !slices.ContainsFunc(p.Sorts, func(o sortOption) bool { return o.Value == p.Sort }) {
		p.Sort = "" // an unknown order falls back to relevance, like an unknown page number
	}
	res, err := s.finder.Find(ctx, SearchQuery{Text: q, Viewer: actor(ctx), Sort: p.Sort, Offset: (page - 1) * searchPageSize, Limit: searchPageSize})
	status := http.StatusOK
	switch code := app.ErrorCode(err); code {
	case "":
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
		p.From, p.To = (page-1)*searchPageSize+1, (page-1)*searchPageSize+len(p.Results)
		link := "/search?q=" + urlQueryEscape(q) + "&page="
		if p.Sort != "" {
			link = "/search?q=" + urlQueryEscape(q) + "&sort=" + p.Sort + "&page="
		}
		if page > 1 {
			p.Prev = link + strconv.Itoa(page-1)
		}
		if p.To < p.Total {
			p.Next = link + strconv.Itoa(page+1)
		}
	case app.EINVALID, app.EUNPROCESSABLE:
		p.Error, status = app.ErrorMessage(err), statusOf[code]
	default:
		s.fail(w, r, err)
		return
	}
	title := "Search"
	if q != "" {
		title = "Search: " + q
	}
	s.render(w, r, status, "search", view{Title: title, Page: p})
}

// countsCache keeps the home page's counts for a minute: counting every
// file of every public item costs a scan of the catalog, and the numbers
// need not be exact to the second.
type countsCache struct {
	mu           sync.Mutex
	at           time.Time
	items, files int64
}

func (c *countsCache) get(ctx context.Context, count func(context.Context) (int64, int64, error)) (int64, int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Since(c.at) < time.Minute {
		return c.items, c.files, nil
	}
	items, files, err := count(ctx)
	if err != nil {
		return 0, 0, err
	}
	c.items, c.files, c.at = items, files, time.Now()
	return items, files, nil
}
