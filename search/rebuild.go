package search

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"

	"github.com/blevesearch/bleve/v2"

	"carrel/app"
)

// rebuildBatchSize is how many documents a rebuild indexes per batch: large
// enough to amortise each batch's segment, small enough to bound memory.
const rebuildBatchSize = 2000

// Rebuild builds a fresh index from feed, which must yield every item's
// Document as of catalog change seq, and swaps it in atomically; Search and
// Apply keep working on the old index meanwhile, and changes applied after
// seq during the rebuild are replayed into the new index before the swap.
// progress, if not nil, is called with the number of documents indexed so
// far after each batch. On error or cancellation the old index stays live.
//
// A negative seq (Online) stands for the last change the live index has
// applied when the rebuild starts: for a server whose catalog keeps
// changing, where feed reads the catalog as it is and every later change
// reaches Apply. The caller should still catch up from the change log
// afterwards, for changes whose Apply failed meanwhile.
//
// Errors: ECONFLICT when another rebuild is running or the live index has
// already applied a change after seq (the feed would be stale: take a newer
// catalog snapshot and try again).
func (ix *Index) Rebuild(ctx context.Context, seq int64, feed func(yield func(Document) error) error, progress func(done int)) error {
	seq, err := ix.startRebuild(seq)
	if err != nil {
		return err
	}
	defer func() {
		ix.applyMu.Lock()
		ix.pending = nil
		ix.applyMu.Unlock()
	}()

	// The new generation takes its batches without waiting for each to
	// reach the disk, and is flushed once, before it goes live: nothing
	// needs it before then, and a crash meanwhile leaves the old one live.
	g, err := ix.newGeneration()
	if err != nil {
		return err
	}
	discard := func() {
		_ = g.idx.Close()
		if g.name != "" {
			_ = os.RemoveAll(filepath.Join(ix.dir, g.name))
		}
	}
	if err := fill(ctx, g.idx, feed, progress, rebuildBatchSize); err != nil {
		discard()
		return err
	}
	if g.name != "" {
		// The long flush, while Apply keeps serving the old generation.
		if err := persist(g.idx); err != nil {
			discard()
			return err
		}
	}
	if err := ix.swap(g, seq); err != nil {
		discard()
		return err
	}
	return nil
}

// startRebuild registers a rebuild so that Apply starts collecting the
// changes it must replay.
func (ix *Index) startRebuild(seq int64) (int64, error) {
	ix.applyMu.Lock()
	defer ix.applyMu.Unlock()
	if ix.pending != nil {
		return 0, app.Errorf(app.ECONFLICT, "a search index rebuild is already running")
	}
	g, release, err := ix.current()
	if err != nil {
		return 0, err
	}
	applied, err := readApplied(g.idx)
	release()
	if err != nil {
		return 0, err
	}
	if seq < 0 {
		seq = applied
	}
	if applied > seq {
		return 0, app.Errorf(app.ECONFLICT, "the search index has applied change %d, after the rebuild's change %d", applied, seq)
	}
	ix.pending = &pendingChanges{seq: seq}
	return seq, nil
}

// Online is the seq that asks Rebuild for an online rebuild.
const Online = -1

// fill indexes everything feed yields into idx, in batches of batchSize
// documents, in no particular order: feed must yield each item once. feed
// runs on the calling goroutine while rebuildWorkers others index the
// batches it fills: each Bleve batch builds its segment on the goroutine
// that submits it, so one goroutine would leave the other cores idle while
// it reads the catalog, and the catalog idle while it builds segments.
func fill(ctx context.Context, idx bleve.Index, feed func(yield func(Document) error) error, progress func(done int), batchSize int) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	batches := make(chan *bleve.Batch, 1)
	var wg sync.WaitGroup
	var mu sync.Mutex // serialises progress, which need not be safe for concurrent use
	done := 0
	for range rebuildWorkers() {
		wg.Go(func() {
			for b := range batches {
				if ctx.Err() != nil {
					continue // drain, so that the feed never blocks
				}
				if err := idx.Batch(b); err != nil {
					cancel(app.Internal(err, "cannot build the search index"))
					continue
				}
				mu.Lock()
				done += b.Size()
				if progress != nil {
					progress(done)
				}
				mu.Unlock()
			}
		})
	}
	b := idx.NewBatch()
	err := feed(func(d Document) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.ItemID <= 0 {
			return app.Errorf(app.EINVALID, "document has no item id")
		}
		if err := b.Index(docID(d.ItemID), d.fields()); err != nil {
			return app.Internal(err, "cannot index item "+strconv.FormatInt(d.ItemID, 10))
		}
		if b.Size() >= batchSize {
			batches <- b
			b = idx.NewBatch()
		}
		return nil
	})
	if err == nil && b.Size() > 0 {
		batches <- b
	}
	close(batches)
	wg.Wait()
	if cause := context.Cause(ctx); cause != nil && cause != ctx.Err() {
		return cause // a worker's error, which also ended the feed
	}
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		if ctx.Err() != nil {
			return app.Internal(ctx.Err(), "search index rebuild cancelled")
		}
		if _, ok := err.(*app.Error); ok {
			return err
		}
		return app.Internal(err, "the search index rebuild feed failed")
	}
	return nil
}

// rebuildWorkers is how many batches a rebuild indexes at once: one per
// core, since each is CPU-bound.
func rebuildWorkers() int { return max(1, runtime.GOMAXPROCS(0)) }

// swap replays the changes applied during the rebuild into g, records its
// sequence number, makes it the live generation and drops the old one. It
// fails only before g goes live. Holding applyMu keeps Apply and Close out
// until the new generation is live.
func (ix *Index) swap(g *generation, seq int64) error {
	ix.applyMu.Lock()
	defer ix.applyMu.Unlock()
	ix.mu.RLock()
	closed := ix.closed
	ix.mu.RUnlock()
	if closed {
		return app.Errorf(app.EINTERNAL, "the search index was closed during a rebuild")
	}
	last := seq
	for _, c := range ix.pending.changes {
		if err := applyBatch(g.idx, c.seq, c.put, c.del); err != nil {
			return err
		}
		last = c.seq
	}
	if last == seq {
		if err := applyBatch(g.idx, seq, nil, nil); err != nil {
			return err
		}
	}
	if g.name != "" {
		// The bulk was flushed before the lock was taken; this flushes the
		// replayed changes, so the generation is whole on disk before the
		// pointer names it.
		if err := persist(g.idx); err != nil {
			return err
		}
		if err := ix.writePointer(g.name); err != nil {
			return err
		}
	}
	ix.mu.Lock() // waits for searches still using the old generation
	old := ix.cur
	ix.cur = g
	ix.changes.Add(1)
	ix.mu.Unlock()

	// The new generation is live; failing to drop the old one only leaves
	// files that the next Open removes.
	_ = old.idx.Close()
	if old.name != "" {
		_ = os.RemoveAll(filepath.Join(ix.dir, old.name))
	}
	return nil
}
