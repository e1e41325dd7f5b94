package main

import (
	"fmt"
	"strings"
	"testing"
)

// TestCollectionLifeCycle drives a collection through create, members,
// publish, a second version, search and listing over the real server, and
// checks that a private item in a public collection never shows.
func TestCollectionLifeCycle(t *testing.T) {
	s := startServer(t)
	ada := s.account("ada@example.edu", false)
	bob := s.account("bob@example.edu", false)

	public := s.createItem(t, ada, "Soil moisture 2024")
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", public), ada, nil).want(t, 201)
	private := s.createItem(t, ada, "Unpublished field notes")
	bobsDraft := s.createItem(t, bob, "Bob's secret draft")
	bobsPublic := s.createItem(t, bob, "Bob's rainfall series")
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", bobsPublic), bob, nil).want(t, 201)

	var created struct {
		EntityID int64  `json:"entity_id"`
		Location string `json:"location"`
	}
	s.do("POST", "/v2/account/collections", ada, map[string]any{
		"title": "Hydrology of the upper valley", "description": "Everything we measured.",
		"authors": []map[string]string{{"name": "Ada Lovelace"}}, "keywords": []string{"hydrology"},
		"categories": []int{3001}, "articles": []int64{public, private},
	}).want(t, 201).JSON(t, &created)
	id := created.EntityID
	if !strings.HasSuffix(created.Location, fmt.Sprintf("/v2/account/collections/%d", id)) {
		t.Fatalf("location %q", created.Location)
	}
	own := fmt.Sprintf("/v2/account/collections/%d", id)

	t.Run("DraftIsPrivate", func(t *testing.T) {
		s.do("GET", fmt.Sprintf("/v2/collections/%d", id), "", nil).want(t, 404)
		s.do("GET", own, bob, nil).want(t, 404)
		s.do("PUT", own, bob, map[string]any{"title": "Mine now"}).want(t, 404)
		s.do("DELETE", own, bob, nil).want(t, 404)
		var got map[string]any
		s.do("GET", own, ada, nil).want(t, 200).JSON(t, &got)
		if got["articles_count"] != float64(2) || got["public"] != false || got["account_id"] == nil {
			t.Fatalf("draft record: %v", got)
		}
	})

	t.Run("BadInput", func(t *testing.T) {
		s.do("POST", "/v2/account/collections", ada, map[string]any{"title": "Valid title", "colour": "red"}).want(t, 422)
		s.do("POST", "/v2/account/collections", ada, map[string]any{"title": "ab"}).want(t, 422)
		s.do("POST", "/v2/account/collections", ada, map[string]any{"description": "no title"}).want(t, 422)
		s.do("POST", "/v2/account/collections", ada, map[string]any{"title": "Valid title", "articles": []int64{bobsDraft}}).want(t, 422)
		s.do("POST", "/v2/account/collections", ada, map[string]any{"title": "Valid title", "categories": []int{999999}}).want(t, 422)
		s.do("POST", own+"/articles", ada, map[string]any{"articles": []int64{bobsDraft}}).want(t, 422)
		s.do("POST", own+"/articles", ada, map[string]any{"articles": []int64{-4}}).want(t, 422)
		s.do("POST", own+"/articles", ada, `{"articles": "all"}`).want(t, 422)
		s.do("DELETE", own+"/articles/999999", ada, nil).want(t, 404)
		s.do("GET", "/v2/account/collections?page=0", ada, nil).want(t, 422)
		s.do("POST", "/v2/collections/search", "", map[string]any{"order": "sideways"}).want(t, 422)
		s.do("POST", own+"/publish", bob, nil).want(t, 404)
	})

	t.Run("Parts", func(t *testing.T) {
		s.do("POST", own+"/articles", ada, map[string]any{"articles": []int64{bobsPublic}}).want(t, 201)
		s.do("POST", own+"/authors", ada, map[string]any{"authors": []map[string]string{{"name": "Mary Somerville"}}}).want(t, 201)
		var authors []struct {
			ID       int64  `json:"id"`
			FullName string `json:"full_name"`
		}
		s.do("GET", own+"/authors", ada, nil).want(t, 200).JSON(t, &authors)
		if len(authors) != 2 || authors[1].FullName != "Mary Somerville" {
			t.Fatalf("authors %+v", authors)
		}
		s.do("DELETE", fmt.Sprintf("%s/authors/%d", own, authors[1].ID), ada, nil).want(t, 204)
		s.do("PUT", own+"/categories", ada, map[string]any{"categories": []int{3001, 3002}}).want(t, 205)
		s.do("DELETE", own+"/categories/3002", ada, nil).want(t, 204)
		var cats []map[string]any
		s.do("GET", own+"/categories", ada, nil).want(t, 200).JSON(t, &cats)
		if len(cats) != 1 {
			t.Fatalf("categories %v", cats)
		}
		var arts []struct{ ID int64 }
		s.do("GET", own+"/articles", ada, nil).want(t, 200).JSON(t, &arts)
		if len(arts) != 3 {
			t.Fatalf("owner sees %d articles, want 3", len(arts))
		}
		s.do("POST", own+"/resource", ada, map[string]any{"id": "r-1", "title": "Valley survey", "link": "https://example.edu/survey"}).want(t, 205)
	})

	var loc struct{ Location string }
	s.do("POST", own+"/publish", ada, nil).want(t, 201).JSON(t, &loc)
	if !strings.HasSuffix(loc.Location, fmt.Sprintf("/v2/collections/%d/versions/1", id)) {
		t.Fatalf("publish location %q", loc.Location)
	}

	t.Run("PrivateItemNeverShows", func(t *testing.T) {
		var arts []struct{ ID int64 }
		s.do("GET", fmt.Sprintf("/v2/collections/%d/articles", id), "", nil).want(t, 200).JSON(t, &arts)
		if len(arts) != 2 || arts[0].ID != public || arts[1].ID != bobsPublic {
			t.Fatalf("public members %+v, want %d and %d only", arts, public, bobsPublic)
		}
		res := s.do("GET", fmt.Sprintf("/v2/collections/%d", id), "", nil).want(t, 200)
		var got map[string]any
		res.JSON(t, &got)
		if got["articles_count"] != float64(2) || got["account_id"] != nil || got["resource_id"] != "r-1" {
			t.Fatalf("public record %v", got)
		}
		if strings.Contains(string(res.Body), "Unpublished field notes") {
			t.Fatal("the private item leaked into the public record")
		}
		s.do("GET", fmt.Sprintf("/v2/collections/%d/articles?page=2&page_size=1", id), "", nil).want(t, 200).JSON(t, &arts)
		if len(arts) != 1 || arts[0].ID != bobsPublic {
			t.Fatalf("page 2: %+v", arts)
		}
		page := s.do("GET", fmt.Sprintf("/collections/x/%d", id), "", nil).want(t, 200)
		if strings.Contains(string(page.Body), "Unpublished field notes") || !strings.Contains(string(page.Body), "Soil moisture 2024") {
			t.Fatalf("public page members wrong: %.2000s", page.Body)
		}
	})

	// Publishing the private item later makes it appear.
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", private), ada, nil).want(t, 201)
	var arts []struct{ ID int64 }
	s.do("GET", fmt.Sprintf("/v2/collections/%d/articles", id), "", nil).want(t, 200).JSON(t, &arts)
	if len(arts) != 3 {
		t.Fatalf("after publishing the item the collection lists %d", len(arts))
	}

	t.Run("Versions", func(t *testing.T) {
		s.do("PATCH", own, ada, map[string]any{"title": "Hydrology of the upper valley, revised", "articles": []int64{public}}).want(t, 205)
		s.do("POST", own+"/publish", ada, nil).want(t, 201)
		var vs []struct {
			Version int    `json:"version"`
			URL     string `json:"url"`
		}
		s.do("GET", fmt.Sprintf("/v2/collections/%d/versions", id), "", nil).want(t, 200).JSON(t, &vs)
		if len(vs) != 2 {
			t.Fatalf("versions %+v", vs)
		}
		var v1, latest struct {
			Title         string `json:"title"`
			Version       int    `json:"version"`
			ArticlesCount int    `json:"articles_count"`
		}
		s.do("GET", fmt.Sprintf("/v2/collections/%d/versions/1", id), "", nil).want(t, 200).JSON(t, &v1)
		s.do("GET", fmt.Sprintf("/v2/collections/%d", id), "", nil).want(t, 200).JSON(t, &latest)
		if v1.Title != "Hydrology of the upper valley" || v1.ArticlesCount != 3 || latest.Version != 2 || latest.ArticlesCount != 1 {
			t.Fatalf("v1 %+v latest %+v", v1, latest)
		}
		s.do("GET", fmt.Sprintf("/v2/collections/%d/versions/3", id), "", nil).want(t, 404)
	})

	t.Run("ListAndSearch", func(t *testing.T) {
		var list []struct {
			ID    int64  `json:"id"`
			Title string `json:"title"`
		}
		s.do("GET", "/v2/collections", "", nil).want(t, 200).JSON(t, &list)
		if len(list) != 1 || list[0].ID != id {
			t.Fatalf("public list %+v", list)
		}
		s.do("POST", "/v2/collections/search", "", map[string]any{"search_for": "revised valley"}).want(t, 200).JSON(t, &list)
		if len(list) != 1 {
			t.Fatalf("search found %+v", list)
		}
		s.do("POST", "/v2/collections/search", "", map[string]any{"search_for": "rainfall"}).want(t, 200).JSON(t, &list)
		if len(list) != 0 {
			t.Fatalf("search for a word in no collection found %+v", list)
		}
		s.do("POST", "/v2/account/collections", bob, map[string]any{"title": "Bob's private set"}).want(t, 201)
		s.do("POST", "/v2/collections/search", "", map[string]any{"search_for": "private"}).want(t, 200).JSON(t, &list)
		if len(list) != 0 {
			t.Fatalf("a draft collection was found publicly: %+v", list)
		}
		s.do("POST", "/v2/account/collections/search", bob, map[string]any{"search_for": "private"}).want(t, 200).JSON(t, &list)
		if len(list) != 1 {
			t.Fatalf("own search %+v", list)
		}
		s.do("GET", "/v2/account/collections", bob, nil).want(t, 200).JSON(t, &list)
		if len(list) != 1 || list[0].Title != "Bob's private set" {
			t.Fatalf("bob's list %+v", list)
		}
	})

	t.Run("PrivateLink", func(t *testing.T) {
		var c struct {
			EntityID int64 `json:"entity_id"`
		}
		draft := s.createItem(t, ada, "Draft kept out of links")
		s.do("POST", "/v2/account/collections", ada, map[string]any{"title": "Shared before publication", "articles": []int64{public, draft}}).
			want(t, 201).JSON(t, &c)
		links := fmt.Sprintf("/v2/account/collections/%d/private_links", c.EntityID)
		s.do("POST", links, bob, map[string]any{}).want(t, 404)
		s.do("POST", links, ada, map[string]any{"expires_date": "2001-01-01"}).want(t, 422)
		var link struct {
			Token string `json:"token"`
			HTML  string `json:"html_location"`
		}
		s.do("POST", links, ada, map[string]any{}).want(t, 201).JSON(t, &link)
		page := s.do("GET", "/s/"+link.Token, "", nil).want(t, 200)
		body := string(page.Body)
		if !strings.Contains(body, "Shared before publication") || !strings.Contains(body, "Soil moisture 2024") || strings.Contains(body, "Draft kept out of links") {
			t.Fatalf("private link page: %.3000s", body)
		}
		if page.Header.Get("X-Robots-Tag") == "" {
			t.Fatal("a private link page must not be indexed")
		}
		var got struct {
			ID string `json:"id"`
		}
		s.do("GET", links+"/"+link.Token, ada, nil).want(t, 200).JSON(t, &got)
		if got.ID != link.Token {
			t.Fatalf("link %+v", got)
		}
		s.do("PUT", links+"/"+link.Token, ada, map[string]any{"expires_date": "2099-01-01"}).want(t, 205)
		s.do("DELETE", links+"/"+link.Token, ada, nil).want(t, 204)
		s.do("GET", "/s/"+link.Token, "", nil).want(t, 404)
		s.do("GET", fmt.Sprintf("/v2/collections/%d", c.EntityID), "", nil).want(t, 404)
	})

	t.Run("Delete", func(t *testing.T) {
		s.do("DELETE", own, ada, nil).want(t, 409)
		var c struct {
			EntityID int64 `json:"entity_id"`
		}
		s.do("POST", "/v2/account/collections", ada, map[string]any{"title": "Scratch", "articles": []int64{public}}).want(t, 201).JSON(t, &c)
		s.do("DELETE", fmt.Sprintf("/v2/account/collections/%d", c.EntityID), ada, nil).want(t, 204)
		s.do("GET", fmt.Sprintf("/v2/account/collections/%d", c.EntityID), ada, nil).want(t, 404)
	})
}
