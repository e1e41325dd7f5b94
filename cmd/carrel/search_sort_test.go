package main

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestSearchSortByUsage replays views and downloads through the real
// server, rolls them up, and checks that search sorts by them (API and
// search page), and that the counts of items the public may not see move
// neither the order nor the facet counts.
func TestSearchSortByUsage(t *testing.T) {
	s := startServerWith(t, statsConfig)
	owner := s.account("owner@example.edu", false)
	publish := func(title string, before func(id int64)) int64 { return s.publishItem(t, owner, title, before) }
	quiet := publish("Soil cores quiet", nil)
	viewed := publish("Soil cores viewed", nil)
	fetched := publish("Soil cores fetched", func(id int64) { s.upload(t, owner, id, "cores.csv", []byte("d,m\n1,2\n"), nil) })
	secret := publish("Soil cores secret", nil)
	embargoed := publish("Soil cores embargoed", nil)
	var log []hit
	views := func(id int64, title string, n int) {
		for i := range n {
			log = append(log, hit{fmt.Sprintf("10.1.%d.%d", id, i), firefox, "GET", fmt.Sprintf("/articles/%s/%d", strings.ReplaceAll(title, " ", "_"), id), nil, 200})
		}
	}
	views(quiet, "Soil cores quiet", 1)
	views(viewed, "Soil cores viewed", 3)
	views(secret, "Soil cores secret", 9)       // read while public, then made confidential
	views(embargoed, "Soil cores embargoed", 8) // read while public, then embargoed
	for i := range 2 {
		log = append(log, hit{fmt.Sprintf("10.2.0.%d", i), firefox, "GET", fmt.Sprintf("/v2/articles/%d/download", fetched), nil, 200})
	}
	s.replay(t, log)
	s.do("PUT", fmt.Sprintf("/v2/account/articles/%d/confidentiality", secret), owner, map[string]string{"reason": "interviews"}).want(t, 205)
	s.do("PUT", fmt.Sprintf("/v2/account/articles/%d/embargo", embargoed), owner, map[string]any{
		"is_embargoed": true, "embargo_type": "article", "embargo_date": "2099-01-01", "embargo_reason": "patent"}).want(t, 205)

	order := func(tok, path, by string) []int64 {
		var res []struct{ ID int64 }
		s.do("POST", path, tok, map[string]any{"search_for": "soil cores", "order": by}).want(t, 200).JSON(t, &res)
		var ids []int64
		for _, r := range res {
			ids = append(ids, r.ID)
		}
		return ids
	}
	byViews := []int64{viewed, quiet, fetched}
	eventually(t, "the roll-up to reach the index", func() bool {
		s.rollUp(t) // the recorder writes events within a second; roll up what has arrived
		return slices.Equal(order("", "/v2/articles/search", "views"), byViews)
	})
	if got := order("", "/v2/articles/search", "downloads"); len(got) != 3 || got[0] != fetched {
		t.Errorf("by downloads: %v, want %d first", got, fetched)
	}
	// The owner's own search sorts all their items, private counts included.
	if got := order(owner, "/v2/account/articles/search", "views"); len(got) != 5 || got[0] != secret || got[1] != embargoed {
		t.Errorf("own search by views: %v, want %d and %d first", got, secret, embargoed)
	}

	// Facets count what the public may see, whatever the order.
	var facets struct {
		Total  int
		Facets map[string][]struct{ Count int }
	}
	s.do("POST", "/v2/articles/search/facets", "", map[string]any{"search_for": "soil cores", "order": "views", "facets": []string{"item_type", "keyword"}}).
		want(t, 200).JSON(t, &facets)
	if facets.Total != 3 || len(facets.Facets["item_type"]) != 1 || facets.Facets["item_type"][0].Count != 3 {
		t.Errorf("public facets: %+v", facets)
	}

	// The search page offers the same orders.
	page := string(s.do("GET", "/search?q=soil+cores&sort=views", "", nil).want(t, 200).Body)
	titles := regexp.MustCompile(`Soil cores (\w+)</a>`).FindAllStringSubmatch(page, -1)
	var got []string
	for _, m := range titles {
		got = append(got, m[1])
	}
	if strings.Join(got, " ") != "viewed quiet fetched" || !strings.Contains(page, `<option value="views" selected>Most viewed</option>`) {
		t.Errorf("search page by views: %v\n%.2000s", got, page)
	}
	page = string(s.do("GET", "/search?q=soil+cores&sort=downloads", "", nil).want(t, 200).Body)
	if i, j := strings.Index(page, "Soil cores fetched"), strings.Index(page, "Soil cores viewed"); i < 0 || j < 0 || i > j {
		t.Errorf("search page by downloads does not list the downloaded item first")
	}
	s.do("GET", "/search?q=soil+cores&sort=colour", "", nil).want(t, 200) // an unknown order is relevance
}
