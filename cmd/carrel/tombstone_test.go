package main

import (
	"fmt"
	"testing"
)

// TestWithdrawal checks that a withdrawn item leaves a tombstone: the
// metadata and reason stay public, the files do not.
func TestWithdrawal(t *testing.T) {
	s := startServer(t)
	admin := s.account("curator@example.edu", true)
	owner := s.account("depositor@example.edu", false)
	item := s.createItem(t, owner, "Flawed dataset")
	fid := s.upload(t, owner, item, "data.csv", []byte("a,b\n1,2\n"), nil)
	path := fmt.Sprintf("/v2/account/articles/%d", item)
	s.do("POST", path+"/unpublish", owner, map[string]string{"reason": "Not yet published"}).want(t, 403)
	s.do("POST", path+"/publish", owner, nil).want(t, 201)

	s.do("POST", path+"/unpublish", owner, map[string]string{"reason": "Contains personal data"}).want(t, 403)
	s.do("POST", path+"/unpublish", admin, map[string]string{"reason": "no"}).want(t, 422)
	s.do("POST", path+"/unpublish", admin, map[string]string{}).want(t, 422)
	s.do("POST", path+"/unpublish", admin, map[string]string{"reason": "Contains personal data"}).want(t, 204)
	s.do("POST", path+"/unpublish", admin, map[string]string{"reason": "Contains personal data"}).want(t, 409)

	var rec struct {
		Title            string
		IsWithdrawn      bool   `json:"is_withdrawn"`
		WithdrawalReason string `json:"withdrawal_reason"`
		Files            []any
	}
	s.do("GET", fmt.Sprintf("/v2/articles/%d", item), "", nil).want(t, 200).JSON(t, &rec)
	if rec.Title != "Flawed dataset" || !rec.IsWithdrawn || rec.WithdrawalReason != "Contains personal data" || len(rec.Files) != 0 {
		t.Fatalf("tombstone: %+v", rec)
	}
	s.do("GET", fmt.Sprintf("/v2/file/download/%d", fid), "", nil).want(t, 404)
	s.do("GET", fmt.Sprintf("/v2/articles/%d/files", item), "", nil).want(t, 404)
	s.do("GET", fmt.Sprintf("/v2/articles/%d/download", item), "", nil).want(t, 404)
	s.do("POST", path+"/publish", owner, nil).want(t, 409)
	s.do("PUT", path, owner, map[string]string{"title": "Edited after withdrawal"}).want(t, 409)
	s.do("POST", path+"/files", owner, map[string]any{"name": "more.csv", "size": 3}).want(t, 409)
	var list []any
	s.do("GET", "/v2/articles", "", nil).want(t, 200).JSON(t, &list)
	if len(list) != 0 {
		t.Fatalf("withdrawn item still listed: %v", list)
	}
}

// TestAuthorsAndCategories drives the draft's sub-resources.
func TestAuthorsAndCategories(t *testing.T) {
	s := startServer(t)
	tok := s.account("d@example.edu", false)
	item := s.createItem(t, tok, "Parts")
	p := fmt.Sprintf("/v2/account/articles/%d", item)
	var authors []struct {
		ID       int64
		FullName string `json:"full_name"`
	}
	s.do("GET", p+"/authors", tok, nil).want(t, 200).JSON(t, &authors)
	if len(authors) != 2 {
		t.Fatalf("authors: %+v", authors)
	}
	s.do("POST", p+"/authors", tok, map[string]any{"authors": []map[string]string{{"name": "Grace Hopper"}}}).want(t, 205)
	s.do("GET", p+"/authors", tok, nil).want(t, 200).JSON(t, &authors)
	if len(authors) != 3 || authors[2].FullName != "Grace Hopper" {
		t.Fatalf("after add: %+v", authors)
	}
	s.do("DELETE", fmt.Sprintf("%s/authors/%d", p, authors[0].ID), tok, nil).want(t, 204)
	s.do("DELETE", fmt.Sprintf("%s/authors/%d", p, authors[0].ID), tok, nil).want(t, 404)
	s.do("PUT", p+"/authors", tok, map[string]any{"authors": []map[string]any{{"id": authors[2].ID}}}).want(t, 205)
	s.do("GET", p+"/authors", tok, nil).want(t, 200).JSON(t, &authors)
	if len(authors) != 1 || authors[0].FullName != "Grace Hopper" {
		t.Fatalf("after replace: %+v", authors)
	}
	s.do("POST", p+"/authors", tok, map[string]any{}).want(t, 422)

	var cats []struct{ ID int64 }
	s.do("PUT", p+"/categories", tok, map[string]any{"categories": []int{3001, 3002}}).want(t, 205)
	s.do("POST", p+"/categories", tok, map[string]any{"categories": []int{4611}}).want(t, 205)
	s.do("POST", p+"/categories", tok, map[string]any{"categories": []int{7}}).want(t, 422)
	s.do("DELETE", p+"/categories/3002", tok, nil).want(t, 204)
	s.do("GET", p+"/categories", tok, nil).want(t, 200).JSON(t, &cats)
	if len(cats) != 2 || cats[0].ID != 3001 || cats[1].ID != 4611 {
		t.Fatalf("categories: %+v", cats)
	}
	other := s.account("x@example.edu", false)
	s.do("GET", p+"/authors", other, nil).want(t, 404)
}

// TestQuota checks that an upload that would exceed the depositor's quota
// is refused before any byte is sent.
func TestQuota(t *testing.T) {
	s := startServerWith(t, "[upload]\ndefault_quota = 1000\n")
	tok := s.account("q@example.edu", false)
	item := s.createItem(t, tok, "Quota")
	s.upload(t, tok, item, "a.bin", make([]byte, 600), nil)
	var e struct{ Message string }
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/files", item), tok, map[string]any{"name": "b.bin", "size": 600}).want(t, 413).JSON(t, &e)
	if e.Message == "" {
		t.Fatal("no message")
	}
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/files", item), tok, map[string]any{"name": "c.bin", "size": 400}).want(t, 201)
}
