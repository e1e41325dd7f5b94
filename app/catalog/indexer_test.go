package catalog_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"carrel/app/catalog"
	"carrel/search"
)

// attachedIndex attaches the index kept in dir ("" for a new in-memory
// one) to db, stopped and closed when the test ends.
func attachedIndex(t *testing.T, db *catalog.DB, dir string) (*search.Index, *catalog.Indexer) {
	t.Helper()
	ix, err := search.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	in, err := db.AttachIndex(context.Background(), ix, func(err error) { t.Errorf("index update: %v", err) })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(in.Stop)
	return ix, in
}

// TestIndexerFollowsConcurrentChanges changes items from many goroutines
// at once: every change commits, and a search started after them finds
// them all, although the index applies them in the background.
func TestIndexerFollowsConcurrentChanges(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	ix, in := attachedIndex(t, db, "")
	owner := mustAccount(t, db, "owner@example.edu")
	const writers, each = 8, 15
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				md := complete()
				md.Title = fmt.Sprintf("Soil moisture %d-%d", w, i)
				it, err := db.CreateItem(ctx, owner.ID, 0, md)
				if err == nil {
					_, err = db.Publish(ctx, it.ID)
				}
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	res, err := in.Search(ctx, search.Query{Text: "moisture", Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.Total, uint64(writers*each); got != want {
		t.Errorf("search found %d items, want %d", got, want)
	}
	applied, err := ix.Applied()
	if err != nil {
		t.Fatal(err)
	}
	if last, err := db.LastChange(ctx); err != nil || applied != last {
		t.Errorf("index applied change %d, the catalog's last is %d (%v)", applied, last, err)
	}
}

// TestIndexerStopAppliesPending stops the indexer right after a change:
// Stop applies it before returning, so closing the index loses nothing.
func TestIndexerStopAppliesPending(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	ix, in := attachedIndex(t, db, "")
	owner := mustAccount(t, db, "owner@example.edu")
	if _, err := db.CreateItem(ctx, owner.ID, 0, complete()); err != nil {
		t.Fatal(err)
	}
	in.Stop()
	in.Stop() // a second Stop, as the cleanup makes, is harmless
	applied, err := ix.Applied()
	if err != nil {
		t.Fatal(err)
	}
	if last, err := db.LastChange(ctx); err != nil || applied != last || last == 0 {
		t.Errorf("index applied change %d, the catalog's last is %d (%v)", applied, last, err)
	}
}

// publishNumbered creates and publishes n items titled "Soil moisture N"
// and returns their ids.
func publishNumbered(t *testing.T, db *catalog.DB, owner int64, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	var ids []int64
	for i := range n {
		md := complete()
		md.Title = fmt.Sprintf("Soil moisture %d", i)
		it, err := db.CreateItem(ctx, owner, 0, md)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Publish(ctx, it.ID); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, it.ID)
	}
	return ids
}
