package search

import (
	"math"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2/search"
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
		for _, by := range []byte{scoreAuto, streamAll, advanceAll, pruneAll} {
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

// TestConsider_TiesOutOfOrder checks the tie rule pruning relies on: a
// match offered after a kept one of equal score, but before it in index
// order, replaces it when matches come out of order, and not otherwise.
func TestConsider_TiesOutOfOrder(t *testing.T) {
	ix := fixtureIndex(t)
	snap := mustSnapshot(t, ix)
	for _, unordered := range []bool{false, true} {
		c, err := newCollector(&ix.columns, snap, plan{order: search.SortOrder{&search.SortScore{Desc: true}}, want: 1})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.enter(0); err != nil {
			t.Fatal(err)
		}
		c.consider(5, 1.0, 5)
		c.unordered = unordered
		c.consider(3, 1.0, 3)
		want := uint64(5)
		if unordered {
			want = 3
		}
		if got := c.heap.refs[0].n; got != want {
			t.Errorf("unordered %v: kept match %d, want %d", unordered, got, want)
		}
	}
}

// TestBound_HoldsForEveryPosting checks what pruning's bound rests on:
// sqrt(tf) × norm is at most 1 for every posting of every field plain
// words search, arrays of values (keywords, authors) included.
func TestBound_HoldsForEveryPosting(t *testing.T) {
	ix := MustOpen(t, t.TempDir())
	docs := SyntheticDocuments(7, 400)
	docs[0].Keywords = []string{"ice ice", "ice", "sheet ice ice"}
	docs[0].Title = "Ice"
	mustApply(t, ix, 1, docs)
	snap := mustSnapshot(t, ix)
	checked, most := 0, 0.0
	for _, ss := range snap.Segments() {
		for _, f := range textFields() {
			dict, err := ss.Segment().Dictionary(f.field)
			if err != nil {
				t.Fatal(err)
			}
			it := dict.AutomatonIterator(nil, nil, nil)
			for de, err := it.Next(); de != nil || err != nil; de, err = it.Next() {
				if err != nil {
					t.Fatal(err)
				}
				pl, err := dict.PostingsList([]byte(de.Term), nil, nil)
				if err != nil {
					t.Fatal(err)
				}
				pi := pl.Iterator(true, true, false, nil)
				for p, err := pi.Next(); p != nil || err != nil; p, err = pi.Next() {
					if err != nil {
						t.Fatal(err)
					}
					_, freq, norm := postingOf(p)
					v := math.Sqrt(float64(freq)) * norm
					most = max(most, v)
					if v > boundSlack {
						t.Fatalf("%s:%s in document %d: sqrt(tf) × norm = %v, above the bound", f.field, de.Term, p.Number(), v)
					}
					checked++
				}
			}
		}
	}
	if checked < 1000 || most < 0.99 {
		t.Fatalf("%d postings checked, the highest at %v: the test tests too little", checked, most)
	}
}
