package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestSearch checks that searches see published items, that nobody else's
// draft ever shows up, and that the index is brought up to date at start.
func TestSearch(t *testing.T) {
	s := startServer(t)
	owner := s.account("owner@example.edu", false)
	other := s.account("other@example.edu", false)
	pub := s.createItem(t, owner, "Glacier melt observations")
	s.upload(t, owner, pub, "melt.csv", []byte("t,v\n"), nil)
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", pub), owner, nil).want(t, 201)
	draft := s.createItem(t, owner, "Glacier secrets draft")

	ids := func(tok, path string, body any) []int64 {
		t.Helper()
		var res []struct{ ID int64 }
		s.do("POST", path, tok, body).want(t, 200).JSON(t, &res)
		var out []int64
		for _, r := range res {
			out = append(out, r.ID)
		}
		return out
	}
	if got := ids("", "/v2/articles/search", map[string]any{"search_for": "glacier"}); len(got) != 1 || got[0] != pub {
		t.Fatalf("public search: %v, want [%d]", got, pub)
	}
	if got := ids(other, "/v2/articles/search", map[string]any{"search_for": ":title: secrets"}); len(got) != 0 {
		t.Fatalf("another user found a draft: %v", got)
	}
	if got := ids(owner, "/v2/account/articles/search", map[string]any{"search_for": "secrets"}); len(got) != 1 || got[0] != draft {
		t.Fatalf("own search: %v, want [%d]", got, draft)
	}
	if got := ids(other, "/v2/account/articles/search", map[string]any{"search_for": "glacier"}); len(got) != 0 {
		t.Fatalf("own search of another account: %v", got)
	}
	s.do("POST", "/v2/articles/search", "", map[string]any{"search_for": `"unbalanced`}).want(t, 400)
	s.do("POST", "/v2/articles/search", "", map[string]any{"search_for": ":colour: red"}).want(t, 400)
	s.do("POST", "/v2/articles/search", "", map[string]any{"page": 1, "limit": 5}).want(t, 422)
	s.do("POST", "/v2/articles/search", "", map[string]any{"page_size": 5000}).want(t, 422)
	s.do("POST", "/v2/articles/search", "", map[string]any{"order": "colour"}).want(t, 422)
	s.do("POST", "/v2/account/articles/search", "", map[string]any{}).want(t, 401)
}

// TestIndexCatchUp stops the server between catalog changes made with the
// server down, and checks that the index applies them when it starts again.
func TestIndexCatchUp(t *testing.T) {
	dir := t.TempDir()
	start := func() (*testServer, func()) {
		ctx, cancel := context.WithCancel(context.Background())
		addrc, done := make(chan string, 1), make(chan int, 1)
		e := &env{stdin: nil, stdout: discard{}, stderr: discard{}, listening: func(a string) { addrc <- a }}
		go func() { done <- run(ctx, e, []string{"serve", "--data", dir, "--addr", "127.0.0.1:0"}) }()
		select {
		case a := <-addrc:
			return &testServer{t: t, URL: "http://" + a, Data: dir}, func() { cancel(); <-done }
		case <-time.After(30 * time.Second):
			t.Fatal("server did not start")
		}
		return nil, nil
	}
	s, stop := start()
	tok := s.account("a@example.edu", false)
	id := s.createItem(t, tok, "Permafrost cores")
	s.upload(t, tok, id, "cores.csv", []byte("x\n"), nil)
	stop()
	// A change committed while no server (and no index) is running.
	cat, err := openCatalog(context.Background(), Config{Server: ServerConfig{DataDir: dir}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cat.Publish(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	cat.Close()
	// carrel reindex rebuilds from the catalog and swaps the new index in.
	var errb strings.Builder
	if code := run(context.Background(), &env{stdout: discard{}, stderr: &errb}, []string{"reindex", "--data", dir}); code != 0 ||
		!strings.Contains(errb.String(), "indexed 1 items") {
		t.Fatalf("reindex: exit %d: %s", code, errb.String())
	}
	s, stop = start()
	defer stop()
	var res []struct{ ID int64 }
	s.do("POST", "/v2/articles/search", "", map[string]any{"search_for": "permafrost"}).want(t, 200).JSON(t, &res)
	if len(res) != 1 || res[0].ID != id {
		t.Fatalf("after restart the index missed the publish: %v", res)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
