package main

import (
	"fmt"
	"maps"
	"slices"
	"testing"
)

// TestXCursorListings walks the public collection and project listings
// and the collection search one row a page with X-Cursor: every row comes
// exactly once, in order, and the walk ends.
func TestXCursorListings(t *testing.T) {
	s := startServer(t)
	owner := s.account("owner@example.edu", false)
	item := s.createItem(t, owner, "Cursor member")
	var collections, projects []int64
	for i := range 3 {
		var c struct {
			EntityID int64 `json:"entity_id"`
		}
		s.do("POST", "/v2/account/collections", owner, map[string]any{"title": fmt.Sprintf("Cursor collection %d", i),
			"description": "Walked by a cursor.", "authors": []map[string]any{{"name": "Grace Hopper"}}, "categories": []int{3001},
			"articles": []int64{item}}).want(t, 201).JSON(t, &c)
		s.do("POST", fmt.Sprintf("/v2/account/collections/%d/publish", c.EntityID), owner, nil).want(t, 201)
		collections = append(collections, c.EntityID)
		var p struct {
			EntityID int64 `json:"entity_id"`
		}
		s.do("POST", "/v2/account/projects", owner, map[string]any{"title": fmt.Sprintf("Cursor project %d", i),
			"description": "Walked by a cursor."}).want(t, 201).JSON(t, &p)
		s.do("POST", fmt.Sprintf("/v2/account/projects/%d/publish", p.EntityID), owner, nil).want(t, 200)
		projects = append(projects, p.EntityID)
	}
	walk := func(method, path string, body any) []int64 {
		t.Helper()
		var ids []int64
		cursor := ""
		for range 10 {
			var page []struct{ ID int64 }
			res := s.do(method, path, "", body, "X-Cursor", cursor).want(t, 200)
			res.JSON(t, &page)
			for _, r := range page {
				ids = append(ids, r.ID)
			}
			if cursor = res.Header.Get("X-Cursor"); cursor == "" {
				return ids
			}
		}
		t.Fatalf("%s %s: the cursor walk did not end: %v", method, path, ids)
		return nil
	}
	newestFirst := func(ids []int64) []int64 { out := slices.Clone(ids); slices.Reverse(out); return out }
	if got := walk("GET", "/v2/collections?limit=1", nil); !slices.Equal(got, newestFirst(collections)) {
		t.Errorf("collections walked %v, want %v", got, newestFirst(collections))
	}
	if got := walk("GET", "/v2/collections?page_size=1&order=created_date&order_direction=asc", nil); !slices.Equal(got, collections) {
		t.Errorf("collections by creation walked %v, want %v", got, collections)
	}
	if got := walk("GET", "/v2/projects?limit=1", nil); !slices.Equal(got, newestFirst(projects)) {
		t.Errorf("projects walked %v, want %v", got, newestFirst(projects))
	}
	if got := walk("POST", "/v2/collections/search", map[string]any{"search_for": "cursor", "limit": 1}); len(got) != 3 {
		t.Errorf("collection search walked %v, want 3 collections", got)
	}
	if got := walk("POST", "/v2/projects/search", map[string]any{"search_for": "cursor", "limit": 1, "order": "created_date", "order_direction": "asc"}); !slices.Equal(got, projects) {
		t.Errorf("project search walked %v, want %v", got, projects)
	}

	// Article search walks by keyset too, in relevance and in a field
	// order, with no offset limit; each item once, in the one-page order.
	var articles []int64
	for i := range 3 {
		id := s.createItem(t, owner, fmt.Sprintf("Cursor article %d", i))
		s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", id), owner, nil).want(t, 201)
		articles = append(articles, id)
	}
	for _, body := range []map[string]any{{"search_for": "cursor article"}, {"search_for": "cursor", "order": "published_date", "order_direction": "asc"}} {
		var all []struct{ ID int64 }
		s.do("POST", "/v2/articles/search", "", body).want(t, 200).JSON(t, &all)
		var want []int64
		for _, a := range all {
			want = append(want, a.ID)
		}
		paged := map[string]any{"limit": 1}
		maps.Copy(paged, body)
		if got := walk("POST", "/v2/articles/search", paged); !slices.Equal(got, want) || len(got) != 3 {
			t.Errorf("article search %v walked %v, want %v", body, got, want)
		}
	}
	if got := walk("POST", "/v2/articles/search", map[string]any{"search_for": "cursor", "order": "published_date", "order_direction": "asc", "page_size": 2}); !slices.Equal(got, articles) {
		t.Errorf("article search by date walked %v, want %v", got, articles)
	}
	searchCursor := s.do("POST", "/v2/articles/search", "", map[string]any{"search_for": "cursor", "limit": 1}).want(t, 200).Header.Get("X-Cursor")
	s.do("POST", "/v2/articles/search", "", map[string]any{"search_for": "cursor", "limit": 1, "offset": 1}, "X-Cursor", searchCursor).want(t, 422)
	s.do("POST", "/v2/articles/search", "", map[string]any{"search_for": "cursor", "limit": 1, "order": "title"}, "X-Cursor", searchCursor).want(t, 422)

	first := s.do("GET", "/v2/collections?limit=1", "", nil).want(t, 200).Header.Get("X-Cursor")
	// A listing's cursor does not continue a search.
	s.do("POST", "/v2/articles/search", "", map[string]any{"limit": 1, "order": "published_date"}, "X-Cursor", first).want(t, 422)
	s.do("GET", "/v2/collections?limit=1&order=created_date", "", nil, "X-Cursor", first).want(t, 422)
	s.do("GET", "/v2/collections?limit=1&offset=1", "", nil, "X-Cursor", first).want(t, 422)
	s.do("GET", "/v2/projects?limit=1", "", nil, "X-Cursor", "not-a-cursor").want(t, 422)
}
