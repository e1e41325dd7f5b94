package search

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"

	"carrel/app"
)

// MustOpen opens an index in dir ("" for memory) and closes it when the test
// ends.
func MustOpen(tb testing.TB, dir string) *Index {
	tb.Helper()
	ix, err := Open(dir)
	if err != nil {
		tb.Fatalf("Open(%q): %v", dir, err)
	}
	tb.Cleanup(func() { _ = ix.Close() })
	return ix
}

// mustSnapshot opens the current snapshot of ix, released and closed when
// the test ends.
func mustSnapshot(tb testing.TB, ix *Index) *scorch.IndexSnapshot {
	tb.Helper()
	g, release, err := ix.current()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(release)
	snap, err := g.snapshot()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = snap.Close() })
	return snap
}

// mustApply applies one change or fails the test.
func mustApply(tb testing.TB, ix *Index, seq int64, put []Document, del ...int64) {
	tb.Helper()
	if err := ix.Apply(context.Background(), seq, put, del); err != nil {
		tb.Fatalf("Apply(%d): %v", seq, err)
	}
}

// mustSearch runs a query that must succeed.
func mustSearch(tb testing.TB, ix *Index, q Query) *Result {
	tb.Helper()
	res, err := ix.Search(context.Background(), q)
	if err != nil {
		tb.Fatalf("Search(%+v): %v", q, err)
	}
	return res
}

// ids are the item ids of the hits, in order.
func ids(res *Result) []int64 {
	out := make([]int64, 0, len(res.Hits))
	for _, h := range res.Hits {
		out = append(out, h.ItemID)
	}
	return out
}

// sortedIDs are the item ids of the hits, sorted, for tests where order does
// not matter.
func sortedIDs(res *Result) []int64 {
	out := ids(res)
	slices.Sort(out)
	return out
}

func wantCode(tb testing.TB, err error, code string) {
	tb.Helper()
	if got := app.ErrorCode(err); got != code {
		tb.Fatalf("error %v: got code %q, want %q", err, got, code)
	}
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// fixture is a small hand-made corpus: ids 1-6 public, 7-9 hidden from the
// public in each of the three ways, all owned by account 7 except 2.
func fixture() []Document {
	pub := func(d Document) Document {
		d.Public = true
		if d.OwnerID == 0 {
			d.OwnerID = 7
		}
		if d.InstitutionID == 0 {
			d.InstitutionID = 1
		}
		if d.Published.IsZero() {
			d.Published = day("2020-06-01")
		}
		d.Modified = d.Published.Add(24 * time.Hour)
		d.Created = d.Published.Add(-24 * time.Hour)
		return d
	}
	return []Document{
		pub(Document{ItemID: 1, GroupID: 10, Title: "Glacier melt in the Alps", Description: "Measurements of ice loss.",
			Keywords: []string{"glaciology", "climate"}, Authors: []string{"Ada Lovelace"}, ORCIDs: []string{"0000-0002-1825-0097"},
			Categories: []string{"Climate science", "Earth sciences"}, CategoryIDs: []int64{21, 2}, ItemType: 3, ItemTypeName: "dataset",
			License: 1, LicenseName: "CC BY 4.0", FileNames: []string{"melt_rates.csv", "stations.CSV"}, DOI: "10.5072/carrel.1.v1",
			Published: day("2019-03-04"), Views: 50, Downloads: 5}),
		pub(Document{ItemID: 2, OwnerID: 8, GroupID: 10, Title: "Coral reef survey",
			Description: "<p>Reef transects; the <em>glacier</em> of the sea &amp; more.</p>",
			Keywords:    []string{"coral", "ocean"}, Authors: []string{"Grace Hopper"}, Categories: []string{"Oceanography", "Earth sciences"},
			CategoryIDs: []int64{22, 2}, ItemType: 3, ItemTypeName: "dataset", License: 2, LicenseName: "CC0",
			FileNames: []string{"transects.xlsx"}, Published: day("2021-07-08"), Views: 500, Downloads: 1, Handle: "20.500.12345/2"}),
		pub(Document{ItemID: 3, GroupID: 20, Title: "Neural networks for reef detection", Description: "Code for a classifier.",
			Keywords: []string{"machine learning"}, Authors: []string{"Ada Lovelace", "Alan Turing"}, Categories: []string{"Machine learning"},
			CategoryIDs: []int64{61, 6}, ItemType: 9, ItemTypeName: "software", License: 3, LicenseName: "MIT",
			FileNames: []string{"detector.py"}, Published: day("2022-01-02"), Views: 5, Downloads: 100}),
		pub(Document{ItemID: 4, GroupID: 20, Title: "A thesis on medieval letters", Description: "Letters from an archive, not about ice.",
			Keywords: []string{"history"}, Authors: []string{"Marie Curie"}, Categories: []string{"History"}, CategoryIDs: []int64{51, 5},
			ItemType: 8, ItemTypeName: "thesis", License: 1, LicenseName: "CC BY 4.0", FileNames: []string{"thesis.pdf"},
			Published: day("2023-05-06"), ResourceDOI: "10.1000/journal.42"}),
		pub(Document{ItemID: 5, GroupID: 10, Title: "Ocean temperature time series", Description: "Buoy data, glacier-fed fjords.",
			Keywords: []string{"ocean", "climate"}, Authors: []string{"Grace Hopper"}, Categories: []string{"Oceanography", "Earth sciences"},
			CategoryIDs: []int64{22, 2}, ItemType: 3, ItemTypeName: "dataset", License: 1, LicenseName: "CC BY 4.0",
			FileNames: []string{"buoys.nc"}, Published: day("2018-11-12"), Views: 10}),
		pub(Document{ItemID: 6, GroupID: 30, InstitutionID: 2, Title: "Journal article on climate policy",
			Description: "Policy analysis.", Keywords: []string{"policy"}, Authors: []string{"Alan Turing"},
			Categories: []string{"Public health"}, CategoryIDs: []int64{42, 4}, ItemType: 6, ItemTypeName: "journal contribution",
			License: 10, LicenseName: "CC BY-NC 4.0", Published: day("2024-02-03")}),
		{ItemID: 7, OwnerID: 7, GroupID: 10, Title: "Secret glacier draft", Keywords: []string{"climate", "secret"},
			Authors: []string{"Ada Lovelace"}, CategoryIDs: []int64{21, 2}, ItemType: 3, FileNames: []string{"secret.zip"},
			Created: day("2024-01-01"), Modified: day("2024-01-02")},
		{ItemID: 8, OwnerID: 7, GroupID: 10, Public: true, Embargoed: true, Title: "Embargoed glacier data",
			Keywords: []string{"climate", "secret"}, Authors: []string{"Ada Lovelace"}, CategoryIDs: []int64{21, 2}, ItemType: 3,
			FileNames: []string{"secret.zip"}, Published: day("2024-03-01"), Modified: day("2024-03-01")},
		{ItemID: 9, OwnerID: 7, GroupID: 10, Public: true, Confidential: true, Title: "Confidential glacier interviews",
			Keywords: []string{"climate", "secret"}, Authors: []string{"Ada Lovelace"}, CategoryIDs: []int64{21, 2}, ItemType: 3,
			FileNames: []string{"secret.zip"}, Published: day("2024-04-01"), Modified: day("2024-04-01")},
	}
}

// fixtureIndex is an in-memory index holding the fixture at seq 1.
func fixtureIndex(tb testing.TB) *Index {
	tb.Helper()
	ix := MustOpen(tb, "")
	mustApply(tb, ix, 1, fixture())
	return ix
}
