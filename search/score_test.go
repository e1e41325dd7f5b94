package search

import (
	"slices"
	"testing"
)

// TestScore_ClearsScratch checks that scoring leaves its pooled arrays all
// zero, as the next search that takes them assumes: a sum left behind
// would be added to another search's score.
func TestScore_ClearsScratch(t *testing.T) {
	ix := MustOpen(t, t.TempDir())
	docs := SyntheticDocuments(5, 600)
	mustApply(t, ix, 1, docs[:300])
	mustApply(t, ix, 2, docs[300:], 10, 11, 12)
	checked := 0
	for _, text := range []string{"climate", "climate OR survey", "survey NOT climate", "climate survey",
		":title:climate", "(climate OR ocean) NOT code", `"time series" OR pottery`, `"Amazon basin" studies`, `"pottery basin" OR studies`} {
		for _, by := range []byte{scoreAuto, streamAll, advanceAll} {
			ix.columns.scoreBy = by
			r := mustSearch(t, ix, Query{Text: text, Limit: 5, NoCache: true})
			if r.Total == 0 {
				t.Fatalf("%q matches nothing: the test tests nothing", text)
			}
			sc := ix.columns.takeScratch()
			if len(sc.acc) == 0 {
				continue // the pool gave a new one
			}
			checked++
			for k := range sc.acc {
				if slices.ContainsFunc(sc.acc[k][:cap(sc.acc[k])], func(v float64) bool { return v != 0 }) ||
					slices.ContainsFunc(sc.cnt[k][:cap(sc.cnt[k])], func(v uint8) bool { return v != 0 }) {
					t.Fatalf("after %q (%d), array %d holds sums", text, by, k)
				}
			}
			if slices.ContainsFunc(sc.bits[:cap(sc.bits)], func(v uint64) bool { return v != 0 }) {
				t.Fatalf("after %q (%d), accepted documents are still marked", text, by)
			}
			ix.columns.scratch.Put(sc)
		}
	}
	if checked == 0 {
		t.Fatal("no search left its scratch in the pool")
	}
}
