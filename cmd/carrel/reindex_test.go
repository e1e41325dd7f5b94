package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOnlineReindex runs `carrel reindex` against a running server: search
// keeps answering during the rebuild, items published during it are found
// after it, and the control socket is private to its owner.
func TestOnlineReindex(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := runCLI(t, "", "dev", "seed", "--items", "1500", "--files", "0", "--data", dir); code != 0 {
		t.Fatalf("dev seed: %s", errOut)
	}
	s := startServerIn(t, dir, "")
	fi, err := os.Stat(filepath.Join(dir, controlSocket))
	if err != nil || fi.Mode()&os.ModeSocket == 0 || fi.Mode().Perm() != 0o600 {
		t.Fatalf("control socket: %v, %v", fi, err)
	}
	if code, _, errOut := runCLI(t, "", "dev", "seed", "--items", "1", "--data", dir); code == 0 || !strings.Contains(errOut, "running") {
		t.Errorf("dev seed against a running server: exit %d: %s", code, errOut)
	}
	tok := s.account("depositor@example.edu", false)

	type result struct {
		code   int
		stderr string
	}
	done := make(chan result, 1)
	go func() {
		code, _, errOut := runCLI(t, "", "reindex", "--data", dir)
		done <- result{code, errOut}
	}()
	var created []int64
	var res result
	for finished := false; !finished; {
		var hits []struct{ ID int64 }
		s.do("POST", "/v2/articles/search", "", map[string]any{"search_for": "data", "page_size": 5}).want(t, 200).JSON(t, &hits)
		if len(hits) == 0 {
			t.Fatal("search found nothing during the rebuild")
		}
		id := s.createItem(t, tok, fmt.Sprintf("Zyzzogeton tide gauge %d", len(created)))
		s.upload(t, tok, id, "gauge.csv", []byte("t,h\n"), nil)
		s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", id), tok, nil).want(t, 201)
		created = append(created, id)
		select {
		case res = <-done:
			finished = true
		default:
		}
	}
	if res.code != 0 || !strings.Contains(res.stderr, "(online)") || !strings.Contains(res.stderr, "[#") {
		t.Fatalf("online reindex: exit %d: %s", res.code, res.stderr)
	}
	t.Logf("%d items published during the rebuild; %s", len(created), res.stderr[strings.LastIndex(res.stderr, "indexed"):])
	var hits []struct{ ID int64 }
	s.do("POST", "/v2/articles/search", "", map[string]any{"search_for": "zyzzogeton", "page_size": 1000}).want(t, 200).JSON(t, &hits)
	if len(hits) != len(created) {
		t.Fatalf("after the rebuild search finds %d of the %d items published during it", len(hits), len(created))
	}
	var all []struct{ ID int64 }
	s.do("POST", "/v2/articles/search", "", map[string]any{"search_for": "gauge", "page_size": 1000}).want(t, 200).JSON(t, &all)
	if len(all) < len(created) {
		t.Fatalf("search for gauge: %d hits", len(all))
	}
}
