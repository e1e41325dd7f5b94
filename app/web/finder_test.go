package web

import (
	"context"
	"fmt"
	"testing"

	"carrel/search"
)

// TestCountNames counts the author and keyword facets of a narrow result
// and leaves them out of a broad one, saying so.
func TestCountNames(t *testing.T) {
	ix, err := search.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	var docs []search.Document
	for i := int64(1); i <= 3; i++ {
		docs = append(docs, search.Document{ItemID: i, Public: true, Title: "soil survey", Authors: []string{"Ada Lovelace"},
			Keywords: []string{fmt.Sprint("plot ", i)}})
	}
	if err := ix.Apply(context.Background(), 1, docs, nil); err != nil {
		t.Fatal(err)
	}
	sq := search.Query{Text: "soil", Facets: true, FacetNames: search.TotalledFacets()}
	for _, tc := range []struct {
		limit     int
		uncounted bool
		authors   string
	}{{limit: 3, authors: "[{Ada Lovelace 3}]"}, {limit: 2, uncounted: true, authors: "[]"}} {
		out := &SearchResult{Total: 3}
		if err := (IndexFinder{Index: ix, NameLimit: tc.limit}).countNames(context.Background(), sq, out); err != nil {
			t.Fatal(err)
		}
		if out.NamesUncounted != tc.uncounted || fmt.Sprint(out.Facets[search.FacetAuthor]) != tc.authors ||
			(!tc.uncounted && len(out.Facets[search.FacetKeyword]) != 3) {
			t.Errorf("limit %d: uncounted %v, facets %v", tc.limit, out.NamesUncounted, out.Facets)
		}
	}
}
