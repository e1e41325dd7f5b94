package main

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// TestFeaturedItems: an administrator features a published item from its
// landing page; the home page shows it until it is unfeatured or
// withdrawn; nobody else may feature, and drafts cannot be featured.
func TestFeaturedItems(t *testing.T) {
	s := startServer(t)
	tok := s.account("dep@example.edu", false)
	item := s.createItem(t, tok, "Harbour seal counts")
	s.upload(t, tok, item, "seals.csv", []byte("year,count\n2020,12\n"), nil)
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", item), tok, nil).want(t, 201)
	draft := s.createItem(t, tok, "Unpublished notes")
	admin := browserSignIn(t, s, "lib@example.edu", true)
	other := browserSignIn(t, s, "someone@example.edu", false)
	landing := fmt.Sprintf("/articles/Harbour_seal_counts/%d", item)
	feature := fmt.Sprintf("/articles/%d/feature", item)

	featuredSection := func() string {
		_, home := admin.get("/")
		_, after, _ := strings.Cut(home, `id="featured-h"`)
		before, _, _ := strings.Cut(after, `id="recent-h"`)
		return before
	}
	if strings.Contains(featuredSection(), "Harbour seal counts") {
		t.Fatal("featured before anyone featured it")
	}
	if _, page := other.get(landing); strings.Contains(page, "Feature on the home page") {
		t.Fatal("a non-administrator is offered the feature button")
	}
	if code, _ := other.post(feature, url.Values{"feature": {"on"}}); code != 404 {
		t.Fatalf("non-administrator featuring: %d, want 404", code)
	}
	admin.want(landing, 200, "Feature on the home page")
	if code, _ := admin.post(feature, url.Values{"feature": {"maybe"}}); code != 400 {
		t.Fatalf("feature=maybe: %d, want 400", code)
	}
	if code, _ := admin.post(fmt.Sprintf("/articles/%d/feature", draft), url.Values{"feature": {"on"}}); code != 422 {
		t.Fatalf("featuring a draft: %d, want 422", code)
	}
	if code, _ := admin.post("/articles/999999/feature", url.Values{"feature": {"on"}}); code != 404 {
		t.Fatalf("featuring an unknown item: %d, want 404", code)
	}
	if code, page := admin.post(feature, url.Values{"feature": {"on"}}); code != 200 || !strings.Contains(page, "Stop featuring on the home page") {
		t.Fatalf("featuring: %d\n%.2000s", code, page)
	}
	if !strings.Contains(featuredSection(), "Harbour seal counts") {
		t.Fatal("the home page does not feature the item")
	}
	admin.want("/admin/audit?action=item.feature", 200, fmt.Sprintf("item:%d", item))

	// Withdrawn, it leaves the home page without being unfeatured.
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/unpublish", item), s.account("boss@example.edu", true), map[string]string{"reason": "Consent withdrawn"}).want(t, 204)
	if strings.Contains(featuredSection(), "Harbour seal counts") {
		t.Fatal("a withdrawn item is still featured")
	}
	// Unfeaturing lands on the item's tombstone, which answers 410 Gone.
	if code, _ := admin.post(feature, url.Values{"feature": {"off"}}); code != 410 {
		t.Fatalf("unfeaturing: %d, want the tombstone's 410", code)
	}
	admin.want("/admin/audit?action=item.unfeature", 200, fmt.Sprintf("item:%d", item))
}
