package web

import (
	"context"
	"html/template"
	"net/http"
	"strings"
	"sync"
	"time"

	"carrel/app"
	"carrel/app/formats"
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
	Marked   template.HTML // a snippet with the words searched for marked, instead of Snippet
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
	Featured   []card
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
	if p.Featured, err = s.featuredCards(ctx, v); err != nil {
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
