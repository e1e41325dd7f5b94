package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"carrel/app"
	"carrel/corpus"
)

// TestConcurrentIngest creates and publishes items from many clients at
// once, as a bulk deposit script does: every request succeeds (no
// "database is locked" under contention), and every item is in the catalog
// and findable in the index as soon as its publish has answered.
func TestConcurrentIngest(t *testing.T) {
	s := startServer(t)
	token := s.account("bulk@example.org", false)
	const items, clients = 160, 8
	ids, err := ingestConcurrently(s, token, items, clients)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Fatalf("item id %d given twice", id)
		}
		seen[id] = true
	}
	if len(seen) != items {
		t.Fatalf("%d items created, want %d", len(seen), items)
	}
	var found struct {
		Total int64 `json:"total"`
	}
	s.do("POST", "/v2/articles/search/facets", "", map[string]any{"page_size": 1}).want(t, 200).JSON(t, &found)
	if found.Total != items {
		t.Errorf("the index finds %d public items, want %d", found.Total, items)
	}
	var listed []map[string]any
	s.do("GET", "/v2/articles?page_size=1000", "", nil).want(t, 200).JSON(t, &listed)
	if len(listed) != items {
		t.Errorf("the catalog lists %d public items, want %d", len(listed), items)
	}
}

// BenchmarkIngest measures creating and publishing items through the API
// with eight clients, the way bench/search's ingest does, in one process
// so that -cpuprofile shows where the server spends its time:
//
//	go test -run '^$' -bench Ingest -benchtime 2000x -cpuprofile /tmp/cpu.out ./cmd/carrel
//
// CARREL_BENCH_DATA names an existing data directory to ingest into instead
// of an empty one, to see what costs grow with the catalog (it is changed:
// use a copy).
func BenchmarkIngest(b *testing.B) {
	var s *testServer
	if dir := os.Getenv("CARREL_BENCH_DATA"); dir != "" {
		s = startServerIn(b, dir, "")
	} else {
		s = startServerWith(b, "")
	}
	token := s.account(fmt.Sprintf("bench-ingest-%d@example.org", time.Now().UnixNano()), true)
	waitIdle(b)
	b.ResetTimer()
	start, cpu := time.Now(), processCPU(b)
	if _, err := ingestConcurrently(s, token, b.N, 8); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "items/s")
	// The CPU time of the process (server and clients) moves much less
	// with the machine's load than the rate does.
	b.ReportMetric(float64(processCPU(b)-cpu)/float64(time.Millisecond)/float64(b.N), "cpu-ms/item")
}

// waitIdle waits until the process has finished the work a start does in
// the background (counting the facets of everything, building the search
// columns), so that its CPU time is not charged to the ingest.
func waitIdle(b *testing.B) {
	for last := processCPU(b); ; {
		time.Sleep(250 * time.Millisecond)
		now := processCPU(b)
		if now-last < 25*time.Millisecond {
			return
		}
		last = now
	}
}

// processCPU is the CPU time this process has used, user and system.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// ingestConcurrently creates and publishes n generated items (metadata only)
// with the given number of clients and returns their ids; the first failure
// stops it.
func ingestConcurrently(s *testServer, token string, n, clients int) ([]int64, error) {
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	call := func(method, path string, body, out any, want int) error {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		req, err := http.NewRequest(method, s.URL+path, bytes.NewReader(b))
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "token "+token)
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		got, err := io.ReadAll(res.Body)
		if err != nil {
			return err
		}
		if res.StatusCode != want {
			return fmt.Errorf("%s %s: status %d, want %d: %.300s", method, path, res.StatusCode, want, got)
		}
		if out == nil {
			return nil
		}
		return json.Unmarshal(got, out)
	}
	var v corpus.Vocabulary
	for path, dst := range map[string]any{"/v2/item_types": &v.ItemTypes, "/v2/licenses": &v.Licenses, "/v2/categories": &v.Categories} {
		if err := call("GET", path, nil, dst, 200); err != nil {
			return nil, err
		}
	}
	g := corpus.New(4242, v, corpus.Options{MaxFiles: -1})
	work := make(chan app.Metadata)
	go func() {
		defer close(work)
		for range n {
			work <- g.Next().Metadata
		}
	}()
	var mu sync.Mutex
	var ids []int64
	var first error
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for md := range work {
				id, err := createAndPublish(call, md)
				mu.Lock()
				if err != nil && first == nil {
					first = err
				}
				ids = append(ids, id)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return ids, first
}

// createAndPublish sends one item's metadata as a deposit script does and
// publishes it.
func createAndPublish(call func(method, path string, body, out any, want int) error, md app.Metadata) (int64, error) {
	authors := make([]map[string]string, len(md.Authors))
	for i, a := range md.Authors {
		authors[i] = map[string]string{"name": a.FullName, "orcid_id": a.ORCID}
	}
	var created struct {
		EntityID int64 `json:"entity_id"`
	}
	if err := call("POST", "/v2/account/articles", map[string]any{"title": md.Title, "description": md.Description,
		"defined_type": md.ItemType, "license": md.License, "authors": authors, "keywords": md.Keywords,
		"categories": md.Categories, "references": md.References}, &created, 201); err != nil {
		return 0, err
	}
	return created.EntityID, call("POST", fmt.Sprintf("/v2/account/articles/%d/publish", created.EntityID), nil, nil, 201)
}
