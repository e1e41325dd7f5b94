package search

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"carrel/app"
)

func TestRebuild(t *testing.T) {
	for _, disk := range []bool{false, true} {
		name := map[bool]string{false: "memory", true: "disk"}[disk]
		t.Run(name, func(t *testing.T) {
			dir := ""
			if disk {
				dir = t.TempDir()
			}
			ix := MustOpen(t, dir)
			mustApply(t, ix, 1, fixture())
			corpus := SyntheticDocuments(5, 1200)

			// Searches keep running against whichever generation is live.
			stop := make(chan struct{})
			var wg sync.WaitGroup
			var searchErr error
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					if _, err := ix.Search(context.Background(), Query{Text: "glacier OR climate", Facets: true}); err != nil {
						searchErr = err
						return
					}
				}
			}()

			var progress []int
			feed := func(yield func(Document) error) error {
				for i, d := range corpus {
					if i == len(corpus)/2 {
						// Mid-rebuild: the old index still answers, and a change
						// made now reaches the new index too.
						if got := sortedIDs(mustSearch(t, ix, Query{Text: "glacier"})); !slices.Equal(got, []int64{1, 2, 5}) {
							t.Errorf("during the rebuild: got %v, want the old index's [1 2 5]", got)
						}
						mustApply(t, ix, 3, []Document{{ItemID: 5000, Public: true, Title: "Late arrival"}}, corpus[0].ItemID)
						if got := ids(mustSearch(t, ix, Query{Text: "late arrival"})); !slices.Equal(got, []int64{5000}) {
							t.Errorf("change during the rebuild not live: got %v", got)
						}
					}
					if err := yield(d); err != nil {
						return err
					}
				}
				return nil
			}
			err := ix.Rebuild(context.Background(), 2, feed, func(done int) { progress = append(progress, done) })
			close(stop)
			wg.Wait()
			if err != nil {
				t.Fatalf("Rebuild: %v", err)
			}
			if searchErr != nil {
				t.Fatalf("a search during the rebuild failed: %v", searchErr)
			}
			if len(progress) == 0 || progress[len(progress)-1] != len(corpus) {
				t.Errorf("progress reports %v, want it to end at %d", progress, len(corpus))
			}
			checkRebuilt(t, ix, len(corpus))

			if disk {
				entries, _ := os.ReadDir(dir)
				var gens []string
				for _, e := range entries {
					if strings.HasPrefix(e.Name(), "gen-") {
						gens = append(gens, e.Name())
					}
				}
				if len(gens) != 1 {
					t.Errorf("generations on disk after the swap: %v, want one", gens)
				}
				if err := ix.Close(); err != nil {
					t.Fatal(err)
				}
				checkRebuilt(t, MustOpen(t, dir), len(corpus))
			}
		})
	}
}

// checkRebuilt checks an index rebuilt from a synthetic corpus of n items
// (item 1 deleted and item 5000 added during the rebuild).
func checkRebuilt(t *testing.T, ix *Index, n int) {
	t.Helper()
	if got, _ := ix.Applied(); got != 3 {
		t.Errorf("Applied() = %d, want 3, the change made during the rebuild", got)
	}
	if got, _ := ix.Count(); got != uint64(n) {
		t.Errorf("Count() = %d, want %d", got, n)
	}
	if got := ids(mustSearch(t, ix, Query{Text: "late arrival"})); !slices.Equal(got, []int64{5000}) {
		t.Errorf("change made during the rebuild: got %v, want [5000]", got)
	}
	if got := ids(mustSearch(t, ix, Query{Text: "lovelace"})); len(got) != 0 {
		t.Errorf("the fixture's items survived the rebuild: %v", got)
	}
	res := mustSearch(t, ix, Query{Viewer: app.Actor{AccountID: 1, Admin: true}, Scope: ScopeAll, Limit: MaxLimit, Sort: SortTitle})
	for _, id := range ids(res) {
		if id == 1 {
			t.Errorf("item 1, deleted during the rebuild, is back")
		}
	}
}

func TestRebuild_Errors(t *testing.T) {
	ctx := context.Background()
	t.Run("feed fails", func(t *testing.T) {
		dir := t.TempDir()
		ix := MustOpen(t, dir)
		mustApply(t, ix, 1, fixture())
		boom := errors.New("catalog went away")
		err := ix.Rebuild(ctx, 1, func(yield func(Document) error) error {
			for _, d := range SyntheticDocuments(1, 700) {
				if err := yield(d); err != nil {
					return err
				}
			}
			return boom
		}, nil)
		wantCode(t, err, app.EINTERNAL)
		if !errors.Is(err, boom) {
			t.Errorf("error %v does not wrap the feed's", err)
		}
		checkUntouched(t, ix, dir)
	})
	t.Run("cancelled", func(t *testing.T) {
		dir := t.TempDir()
		ix := MustOpen(t, dir)
		mustApply(t, ix, 1, fixture())
		cctx, cancel := context.WithCancel(ctx)
		err := ix.Rebuild(cctx, 1, func(yield func(Document) error) error {
			for i, d := range SyntheticDocuments(1, 700) {
				if i == 600 {
					cancel()
				}
				if err := yield(d); err != nil {
					return err
				}
			}
			return nil
		}, nil)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Rebuild cancelled: %v, want context.Canceled", err)
		}
		checkUntouched(t, ix, dir)
	})
	t.Run("ErrConflict stale feed", func(t *testing.T) {
		ix := MustOpen(t, "")
		mustApply(t, ix, 5, nil)
		wantCode(t, ix.Rebuild(ctx, 4, SyntheticFeed(1, 10), nil), app.ECONFLICT)
	})
	t.Run("ErrConflict two at once", func(t *testing.T) {
		ix := MustOpen(t, "")
		var inner error
		err := ix.Rebuild(ctx, 1, func(yield func(Document) error) error {
			inner = ix.Rebuild(ctx, 1, SyntheticFeed(1, 10), nil)
			return yield(Document{ItemID: 1, Public: true})
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		wantCode(t, inner, app.ECONFLICT)
		if err := ix.Rebuild(ctx, 1, SyntheticFeed(1, 10), nil); err != nil {
			t.Errorf("a rebuild after the first finished: %v", err)
		}
	})
}

// checkUntouched checks that a failed rebuild left the fixture index live
// and no new generation on disk.
func checkUntouched(t *testing.T, ix *Index, dir string) {
	t.Helper()
	if got, _ := ix.Applied(); got != 1 {
		t.Errorf("Applied() = %d, want 1", got)
	}
	if got := sortedIDs(mustSearch(t, ix, Query{Text: "glacier"})); !slices.Equal(got, []int64{1, 2, 5}) {
		t.Errorf("old index: got %v, want [1 2 5]", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 { // CURRENT and one generation
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("index directory holds %v, want CURRENT and one generation", names)
	}
}

// TestRebuild_Online checks that an online rebuild takes the live index's
// last change as its starting point and keeps changes applied while it runs.
func TestRebuild_Online(t *testing.T) {
	ctx := context.Background()
	ix := MustOpen(t, t.TempDir())
	docs := SyntheticDocuments(2, 300)
	mustApply(t, ix, 7, docs[:200])
	late := docs[250]
	late.ItemID, late.Title = 9001, "Zyzzogeton tide gauge"
	late.Public, late.Embargoed, late.Confidential = true, false, false
	err := ix.Rebuild(ctx, Online, func(yield func(Document) error) error {
		for i, d := range docs[:200] {
			if i == 100 {
				mustApply(t, ix, 8, []Document{late})
			}
			if err := yield(d); err != nil {
				return err
			}
		}
		return nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := ix.Applied(); got != 8 {
		t.Errorf("Applied() = %d after the online rebuild, want 8", got)
	}
	if got := ids(mustSearch(t, ix, Query{Text: "zyzzogeton"})); len(got) != 1 || got[0] != 9001 {
		t.Errorf("the item applied during the rebuild: found %v", got)
	}
}

// TestFill checks the parallel bulk load under a rebuild with batches small
// enough that several are indexed at once.
func TestFill(t *testing.T) {
	ctx := context.Background()
	docs := SyntheticDocuments(3, 1050)
	feed := func(yield func(Document) error) error {
		for _, d := range docs {
			if err := yield(d); err != nil {
				return err
			}
		}
		return nil
	}
	t.Run("everything, progress in order", func(t *testing.T) {
		g := mustGeneration(t)
		var progress []int
		if err := fill(ctx, g.idx, feed, func(done int) { progress = append(progress, done) }, 100); err != nil {
			t.Fatal(err)
		}
		if n, _ := g.idx.DocCount(); n != uint64(len(docs)) {
			t.Errorf("DocCount() = %d, want %d", n, len(docs))
		}
		if len(progress) != 11 || !slices.IsSorted(progress) || progress[len(progress)-1] != len(docs) {
			t.Errorf("progress reports %v, want 11 rising counts ending at %d", progress, len(docs))
		}
	})
	t.Run("indexing fails", func(t *testing.T) {
		g, err := (&Index{mapping: newMapping()}).newGeneration()
		if err != nil {
			t.Fatal(err)
		}
		_ = g.idx.Close() // every batch now fails
		fed := 0
		err = fill(ctx, g.idx, func(yield func(Document) error) error {
			for _, d := range docs {
				if err := yield(d); err != nil {
					return err
				}
				fed++
			}
			return nil
		}, nil, 100)
		wantCode(t, err, app.EINTERNAL)
		if !strings.Contains(err.Error(), "cannot build the search index") {
			t.Errorf("error %v does not say indexing failed", err)
		}
		if fed == len(docs) {
			t.Errorf("the feed ran to the end after indexing had failed")
		}
	})
	t.Run("bad document", func(t *testing.T) {
		g := mustGeneration(t)
		err := fill(ctx, g.idx, func(yield func(Document) error) error {
			for _, d := range docs[:250] {
				if err := yield(d); err != nil {
					return err
				}
			}
			return yield(Document{})
		}, nil, 100)
		wantCode(t, err, app.EINVALID)
	})
}

// mustGeneration is a new in-memory generation, closed after the test.
func mustGeneration(t *testing.T) *generation {
	t.Helper()
	ix := &Index{mapping: newMapping()}
	g, err := ix.newGeneration()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.idx.Close() })
	return g
}
