package catalog_test

import (
	"context"
	"testing"
	"time"

	"carrel/search"
)

// TestChangeLogPruned lets the indexer prune the change log behind the
// index's durable state, then checks what the log is for still works: the
// newest change number survives, an index that missed later changes (made
// while no server ran) catches up from it, and a full rebuild still works.
func TestChangeLogPruned(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	dir := t.TempDir()
	ix, in := attachedIndex(t, db, dir)
	in.PruneEvery(5, 0)
	owner := mustAccount(t, db, "owner@example.edu")
	publishNumbered(t, db, owner.ID, 10)
	last, err := db.LastChange(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); db.CountChanges() > 1; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the change log still holds %d of %d changes", db.CountChanges(), last)
		}
	}
	if got, err := db.LastChange(ctx); err != nil || got != last {
		t.Fatalf("LastChange = %d (%v) after pruning, want %d", got, err, last)
	}

	// The server stops; another process publishes; the server starts again.
	in.Stop()
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	publishNumbered(t, db, owner.ID, 3)
	ix, err = search.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if _, err := db.NewIndexer(ctx, ix); err != nil {
		t.Fatal(err)
	}
	found := func(what string) {
		t.Helper()
		res, err := ix.Search(ctx, search.Query{Text: "moisture", Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 13 {
			t.Errorf("%s: search finds %d items, want 13", what, res.Total)
		}
	}
	found("after catching up")
	last, _ = db.LastChange(ctx)
	feed := func(yield func(search.Document) error) error { return db.AllSearchDocuments(ctx, yield) }
	if err := ix.Rebuild(ctx, last, feed, nil); err != nil {
		t.Fatal(err)
	}
	found("after a rebuild")
}

// TestPruneChangesKeepsTheNewest prunes everything it may: the newest
// change stays, so that LastChange still says how far the catalog got.
func TestPruneChangesKeepsTheNewest(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	owner := mustAccount(t, db, "owner@example.edu")
	for range 3 {
		if _, err := db.CreateItem(ctx, owner.ID, 0, complete()); err != nil {
			t.Fatal(err)
		}
	}
	last, _ := db.LastChange(ctx)
	n, err := db.PruneChanges(ctx, last+100)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := db.LastChange(ctx); n != 2 || got != last || db.CountChanges() != 1 {
		t.Errorf("pruned %d, kept %d, last %d; want 2, 1, %d", n, db.CountChanges(), got, last)
	}
}
