package search

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"carrel/app"
)

// TestDateRange checks the date filters against the dates themselves, for
// bounds at and between day, month and year boundaries and open ends.
func TestDateRange(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2018, 11, 20, 0, 0, 0, 0, time.UTC)
	span := time.Date(2021, 3, 10, 0, 0, 0, 0, time.UTC).Sub(start)
	random := func() time.Time { return start.Add(time.Duration(rng.Int64N(int64(span)))) }
	var docs []Document
	for i := range 400 {
		d := Document{ItemID: int64(i + 1), Title: "item", Public: true, Published: random(), Modified: random()}
		switch i {
		case 0: // exactly at a bound the cases use
			d.Published = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
		case 1: // a nanosecond before it
			d.Published = time.Date(2019, 12, 31, 23, 59, 59, 999999999, time.UTC)
		case 2:
			d.Published = time.Time{} // never published
		}
		docs = append(docs, d)
	}
	ix := MustOpen(t, "")
	mustApply(t, ix, 1, docs)

	bounds := []time.Time{
		{},
		time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),                     // a year
		time.Date(2019, 6, 1, 0, 0, 0, 0, time.UTC),                     // a month
		time.Date(2019, 6, 17, 0, 0, 0, 0, time.UTC),                    // a day
		time.Date(2019, 6, 17, 13, 4, 5, 0, time.UTC),                   // within it
		time.Date(2019, 6, 17, 22, 0, 0, 0, time.FixedZone("", 3600*5)), // another zone
		time.Date(2020, 2, 29, 8, 30, 0, 0, time.UTC),                   // a leap day
		time.Date(2019, 12, 31, 23, 59, 59, 999999999, time.UTC),        // just before a year
		time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC),                     // the last year
		time.Date(2017, 5, 5, 0, 0, 0, 0, time.UTC),                     // before everything
		time.Date(2022, 5, 5, 0, 0, 0, 0, time.UTC),                     // after everything
	}
	for range 30 {
		bounds = append(bounds, random())
	}
	for range 10 {
		t := random()
		bounds = append(bounds, time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC))
	}
	admin := app.Actor{AccountID: 1, Admin: true}
	for _, since := range bounds {
		for _, before := range bounds {
			var want, wantModified []int64
			for _, d := range docs {
				if !d.Published.IsZero() && !d.Published.Before(since) && (before.IsZero() || d.Published.Before(before)) {
					want = append(want, d.ItemID)
				}
				if !d.Modified.Before(since) {
					wantModified = append(wantModified, d.ItemID)
				}
			}
			q := Query{Viewer: admin, Scope: ScopeAll, Limit: MaxLimit, PublishedSince: since, PublishedBefore: before}
			if since.IsZero() && before.IsZero() {
				continue // no filter at all
			}
			if got := sortedIDs(mustSearch(t, ix, q)); !slices.Equal(got, want) {
				t.Errorf("published in [%v, %v): got %d items, want %d", since, before, len(got), len(want))
			}
			if before.IsZero() && !since.IsZero() {
				q := Query{Viewer: admin, Scope: ScopeAll, Limit: MaxLimit, ModifiedSince: since}
				if got := sortedIDs(mustSearch(t, ix, q)); !slices.Equal(got, wantModified) {
					t.Errorf("modified since %v: got %d items, want %d", since, len(got), len(wantModified))
				}
			}
		}
	}
}
