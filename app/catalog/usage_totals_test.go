package catalog_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"carrel/app"
	"carrel/search"
)

// TestUsageTotalsReachTheIndex rolls up usage and checks that the search
// index sorts by the new totals, and that a roll-up records a change only
// for items whose totals moved.
func TestUsageTotalsReachTheIndex(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	_, in := attachedIndex(t, db, "")
	owner := mustAccount(t, db, "owner@example.edu")
	ids := publishNumbered(t, db, owner.ID, 3)
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	visit := func(kind app.UsageKind, id int64, n int) {
		t.Helper()
		var evs []app.UsageEvent
		for v := range n {
			evs = append(evs, app.UsageEvent{Kind: kind, ItemID: id, Version: 1, At: at, Visitor: fmt.Sprintf("%s-%d-%d", kind, id, v)})
		}
		if err := db.AddUsageEvents(ctx, evs); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.RollUpUsage(ctx); err != nil {
			t.Fatal(err)
		}
	}
	order := func(sort string) []int64 {
		t.Helper()
		res, err := in.Search(ctx, search.Query{Sort: sort, Desc: true})
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, h := range res.Hits {
			out = append(out, h.ItemID)
		}
		return out
	}
	visit(app.UsageView, ids[0], 1)
	visit(app.UsageView, ids[1], 3)
	visit(app.UsageDownload, ids[2], 2)
	if got, want := fmt.Sprint(order(search.SortViews)), fmt.Sprint([]int64{ids[1], ids[0], ids[2]}); got != want {
		t.Errorf("by views: %s, want %s", got, want)
	}
	if got := order(search.SortDownloads); got[0] != ids[2] {
		t.Errorf("by downloads: %v, want %d first", got, ids[2])
	}
	doc, err := db.SearchDocument(ctx, ids[1])
	if err != nil || doc.Views != 3 || doc.Downloads != 0 {
		t.Errorf("document of the most viewed item: %+v, %v", doc, err)
	}

	// A roll-up that recomputes the day for one item leaves the others'
	// totals, and so their index documents, alone.
	before, err := db.LastChange(ctx)
	if err != nil {
		t.Fatal(err)
	}
	visit(app.UsageView, ids[0], 4)
	after, err := db.LastChange(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after-before != 1 {
		t.Errorf("a roll-up that moved one item's totals recorded %d changes", after-before)
	}
	if got := order(search.SortViews); got[0] != ids[0] {
		t.Errorf("by views after more views: %v, want %d first", got, ids[0])
	}
	if _, _, err := db.RollUpUsage(ctx); err != nil { // nothing new
		t.Fatal(err)
	}
	if again, _ := db.LastChange(ctx); again != after {
		t.Errorf("an empty roll-up recorded %d changes", again-after)
	}
}
