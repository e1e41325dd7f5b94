package search

import (
	"fmt"
	"testing"
)

// browseFacets are the counts of everything public, all terms of every
// shared facet.
func browseFacets(t *testing.T, ix *Index) string {
	t.Helper()
	res := mustSearch(t, ix, Query{Facets: true, FacetNames: TotalledFacets(), FacetSize: MaxFacetSize, CountOnly: true})
	return fmt.Sprint(res.Total, res.Facets)
}

// TestFacetTotals moves the kept counts of everything through changes of
// every kind, and checks them against an index that counts the final
// state afresh.
func TestFacetTotals(t *testing.T) {
	ix := fixtureIndex(t)
	if ix.totals.at(ix.changes.Load()) != nil {
		t.Fatal("totals kept before anyone browsed")
	}
	browseFacets(t, ix) // counts in full and keeps the counts
	if ix.totals.at(ix.changes.Load()) == nil {
		t.Fatal("a browse of everything did not keep its counts")
	}

	docs := fixture()
	moved := docs[0]
	moved.CategoryIDs, moved.License, moved.FileNames = []int64{61, 6}, 3, []string{"notes.md"} // item 1 changes facets
	embargoed := docs[1]
	embargoed.Embargoed = true // item 2 leaves the public's view
	lifted := docs[7]
	lifted.Embargoed = false // item 8 joins it
	added := docs[2]
	added.ItemID = 10 // a new public item
	private := docs[3]
	private.ItemID, private.Public = 11, false // a new private one
	mustApply(t, ix, 2, []Document{moved, embargoed})
	mustApply(t, ix, 3, []Document{lifted, added, private}, 5) // and item 5 is deleted
	if ix.totals.at(ix.changes.Load()) == nil {
		t.Fatal("applying changes dropped the kept counts")
	}
	got := browseFacets(t, ix)

	fresh := MustOpen(t, "")
	final := []Document{moved, embargoed, docs[2], docs[3], docs[5], docs[6], lifted, docs[8], added, private}
	mustApply(t, fresh, 1, final)
	if want := browseFacets(t, fresh); got != want {
		t.Errorf("moved counts:\n%s\ncounted afresh:\n%s", got, want)
	}
	// And the moved counts are what the index itself counts now.
	q := Query{Facets: true, FacetNames: TotalledFacets(), FacetSize: MaxFacetSize, CountOnly: true, NoCache: true}
	ix.totals.set(0, nil)
	if res := mustSearch(t, ix, q); fmt.Sprint(res.Total, res.Facets) != got {
		t.Errorf("counted afresh in the same index: %v %v, moved: %s", res.Total, res.Facets, got)
	}
}

// TestFacetTotalsRebuild drops the kept counts when a rebuild swaps in a
// new index, whose state they may not describe.
func TestFacetTotalsRebuild(t *testing.T) {
	ix := fixtureIndex(t)
	browseFacets(t, ix)
	feed := func(yield func(Document) error) error {
		for _, d := range fixture()[:2] {
			if err := yield(d); err != nil {
				return err
			}
		}
		return nil
	}
	if err := ix.Rebuild(t.Context(), 1, feed, nil); err != nil {
		t.Fatal(err)
	}
	if ix.totals.at(ix.changes.Load()) != nil {
		t.Fatal("totals of the old index kept after a rebuild")
	}
	res := mustSearch(t, ix, Query{Facets: true, FacetNames: TotalledFacets(), CountOnly: true})
	if res.Total != 2 || len(res.Facets[FacetItemType]) != 1 || res.Facets[FacetItemType][0].Count != 2 {
		t.Errorf("after the rebuild: total %d, item types %v", res.Total, res.Facets[FacetItemType])
	}
}
