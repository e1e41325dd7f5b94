package main

import (
	"fmt"
	"strings"
	"testing"
)

// TestSitemap checks what crawlers are offered: robots.txt points at the
// sitemap, which lists public landing pages and never drafts or items
// under a whole-item embargo.
func TestSitemap(t *testing.T) {
	s := startServer(t)
	tok := s.account("owner@example.edu", false)
	public := s.createItem(t, tok, "Open river data")
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", public), tok, nil).want(t, 201)
	embargoed := s.createItem(t, tok, "Embargoed river data")
	s.do("PUT", fmt.Sprintf("/v2/account/articles/%d/embargo", embargoed), tok, map[string]any{
		"is_embargoed": true, "embargo_type": "article", "embargo_date": "2099-01-01", "embargo_reason": "patent"}).want(t, 205)
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", embargoed), tok, nil).want(t, 201)
	s.createItem(t, tok, "Draft river data")

	robots := string(s.do("GET", "/robots.txt", "", nil).want(t, 200).Body)
	if !strings.Contains(robots, "Sitemap: "+s.URL+"/sitemap.xml") || !strings.Contains(robots, "Disallow: /account") {
		t.Fatalf("robots.txt:\n%s", robots)
	}
	index := string(s.do("GET", "/sitemap.xml", "", nil).want(t, 200).Body)
	if !strings.Contains(index, "<loc>"+s.URL+"/sitemap-1.xml</loc>") || !strings.Contains(index, "sitemapindex") {
		t.Fatalf("sitemap index:\n%s", index)
	}
	set := string(s.do("GET", "/sitemap-1.xml", "", nil).want(t, 200).Body)
	if !strings.Contains(set, fmt.Sprintf("/articles/Open_river_data/%d</loc>", public)) {
		t.Fatalf("the public item is not in the sitemap:\n%s", set)
	}
	if strings.Contains(set, "Embargoed") || strings.Contains(set, "Draft") || strings.Count(set, "<url>") != 1 {
		t.Fatalf("the sitemap lists what is not public:\n%s", set)
	}
	s.do("GET", "/sitemap-2.xml", "", nil).want(t, 404)
	s.do("GET", "/sitemap-x.xml", "", nil).want(t, 404)
	s.do("GET", "/nothing-here", "", nil).want(t, 404)
}
