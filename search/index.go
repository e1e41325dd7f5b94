package search

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"

	"carrel/app"
)

// Keys of the values the index keeps beside its documents. They are written
// in the same Bleve batch as the documents, so they change atomically with
// them.
const (
	keyApplied = "carrel.applied"
	keySchema  = "carrel.schema"
)

// Index is Carrel's search index. It is safe for concurrent use: searches run
// in parallel, changes are applied one batch at a time.
type Index struct {
	dir     string // "" for an in-memory index
	mapping mapping.IndexMapping

	// applyMu serialises Apply and the swap at the end of Rebuild, so that
	// sequence numbers are checked and recorded in order.
	applyMu sync.Mutex
	// pending collects the changes applied while a Rebuild runs, to replay
	// them into the new index before it goes live; nil when none runs.
	// Guarded by applyMu.
	pending *pendingChanges

	// mu guards cur and closed. Searches hold it for reading while they run,
	// so the generation they use is not closed under them.
	mu     sync.RWMutex
	cur    *generation
	closed bool

	// changes counts the changes made to the live index (applied batches
	// and swapped generations); cache holds public answers keyed by it.
	changes atomic.Uint64
	cache   resultCache
	// columns hold the values that counting and sorting read, by segment.
	columns columnStore
	// totals are the shared facet counts of everything public, moved with
	// each change; set only under applyMu.
	totals facetTotals
	// turns bound the searches running at once (turns.go); guarded by mu.
	turns turns
}

// generation is one complete Bleve index; a rebuild makes a new one.
type generation struct {
	name string // directory name under Index.dir; "" in memory
	idx  bleve.Index
}

// change is one Apply call, kept while a rebuild runs.
type change struct {
	seq int64
	put []Document
	del []int64
}

type pendingChanges struct {
	seq     int64 // the sequence number the rebuild's feed is consistent with
	changes []change
}

// Open opens the index kept under dir, creating it if needed, or a new
// in-memory index when dir is "" (for tests and small corpora: Bleve never
// merges an in-memory index's segments, so it slows as changes accumulate;
// Rebuild compacts it). An index written under another schema version is
// replaced by an empty one, whose Applied is 0: the caller should then
// Rebuild it from the catalog.
//
// Under dir, CURRENT names the live generation directory (gen-NNNNNNNN);
// Open removes any other generation, left by a crashed rebuild.
func Open(dir string) (*Index, error) {
	ix := &Index{dir: dir, mapping: newMapping(), turns: newTurns(0)}
	if dir == "" {
		g, err := ix.newGeneration()
		if err != nil {
			return nil, err
		}
		ix.cur = g
		return ix, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, app.Internal(err, "cannot create the search index directory")
	}
	g, err := ix.openCurrent()
	if err != nil {
		return nil, err
	}
	ix.cur = g
	if err := ix.removeStale(); err != nil {
		_ = g.idx.Close()
		return nil, err
	}
	return ix, nil
}

// openCurrent opens the generation the pointer file names, or makes a new
// one when there is none or it was built under another schema.
func (ix *Index) openCurrent() (*generation, error) {
	name, err := ix.readPointer()
	if err != nil {
		return nil, err
	}
	if name != "" {
		idx, err := bleve.OpenUsing(filepath.Join(ix.dir, name), scorchConfig())
		if err != nil {
			return nil, app.Internal(err, "cannot open the search index")
		}
		schema, err := idx.GetInternal([]byte(keySchema))
		if err == nil && string(schema) == schemaVersion {
			return &generation{name: name, idx: idx}, nil
		}
		_ = idx.Close()
	}
	g, err := ix.newGeneration()
	if err != nil {
		return nil, err
	}
	if err := ix.writePointer(g.name); err != nil {
		_ = g.idx.Close()
		return nil, err
	}
	return g, nil
}

// scorchConfig is how generations are opened. The live index does not
// wait for each batch to reach the disk (scorch's unsafe_batch): the
// catalog's change log is the durable record, and scorch persists a batch's
// documents and its applied sequence number in the same snapshot, so after
// a crash the index is an older consistent state that CatchUp brings up to
// date. A generation being rebuilt is flushed (persist) before it is
// swapped in, because once it is live nothing can rebuild what it lost.
func scorchConfig() map[string]any {
	return map[string]any{"bolt_timeout": "5s", "unsafe_batch": true}
}

// newGeneration creates an empty index: in memory, or in the next free
// generation directory.
func (ix *Index) newGeneration() (*generation, error) {
	g := &generation{}
	var err error
	if ix.dir == "" {
		g.idx, err = bleve.NewUsing("", ix.mapping, scorch.Name, scorch.Name, nil)
	} else {
		g.name, err = ix.nextGenerationName()
		if err == nil {
			g.idx, err = bleve.NewUsing(filepath.Join(ix.dir, g.name), ix.mapping, scorch.Name, scorch.Name,
				scorchConfig())
		}
	}
	if err != nil {
		return nil, app.Internal(err, "cannot create a search index")
	}
	if err := g.idx.SetInternal([]byte(keySchema), []byte(schemaVersion)); err != nil {
		_ = g.idx.Close()
		return nil, app.Internal(err, "cannot initialise a search index")
	}
	// Bleve keeps the mapping and the schema as internal values, which a
	// crash before the first persist would lose, leaving an index that
	// cannot be opened: wait until they are on disk.
	if ix.dir != "" {
		if err := persist(g.idx); err != nil {
			_ = g.idx.Close()
			return nil, err
		}
	}
	return g, nil
}

// Close closes the index; a rebuild still running fails.
func (ix *Index) Close() error {
	ix.applyMu.Lock()
	defer ix.applyMu.Unlock()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return nil
	}
	ix.closed = true
	if ix.dir != "" {
		if err := persist(ix.cur.idx); err != nil {
			_ = ix.cur.idx.Close()
			return err
		}
	}
	if err := ix.cur.idx.Close(); err != nil {
		return app.Internal(err, "cannot close the search index")
	}
	return nil
}

// persist waits until every batch applied so far is on disk: batches do
// not wait for it (see scorchConfig), and scorch's Close drops what it has
// not persisted. It writes the applied sequence number again, in a batch
// whose persistence it waits for, which comes after all earlier ones.
func persist(idx bleve.Index) error {
	applied, err := idx.GetInternal([]byte(keyApplied))
	if err != nil {
		return app.Internal(err, "cannot read the search index state")
	}
	if len(applied) == 0 {
		applied = []byte("0")
	}
	done := make(chan error, 1)
	b := idx.NewBatch()
	b.SetInternal([]byte(keyApplied), applied)
	b.SetPersistedCallback(func(err error) { done <- err })
	if err := idx.Batch(b); err != nil {
		return app.Internal(err, "cannot flush the search index")
	}
	select {
	case err := <-done:
		if err != nil {
			return app.Internal(err, "cannot flush the search index")
		}
		return nil
	case <-time.After(time.Minute):
		return app.Errorf(app.EINTERNAL, "the search index did not reach the disk within a minute")
	}
}

// current returns the live generation and a function that releases it; the
// generation stays open until released.
func (ix *Index) current() (*generation, func(), error) {
	ix.mu.RLock()
	if ix.closed {
		ix.mu.RUnlock()
		return nil, nil, app.Errorf(app.EINTERNAL, "the search index is closed")
	}
	return ix.cur, ix.mu.RUnlock, nil
}

// Applied returns the sequence number of the last catalog change the index
// applied: 0 for a new index.
func (ix *Index) Applied() (int64, error) {
	g, release, err := ix.current()
	if err != nil {
		return 0, err
	}
	defer release()
	return readApplied(g.idx)
}

func readApplied(idx bleve.Index) (int64, error) {
	v, err := idx.GetInternal([]byte(keyApplied))
	if err != nil {
		return 0, app.Internal(err, "cannot read the search index state")
	}
	if len(v) == 0 {
		return 0, nil
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		return 0, app.Internal(err, "the search index state is corrupt")
	}
	return n, nil
}

// Flush waits until every change applied so far is on disk and returns
// the last one: after a crash the index holds at least that change, so the
// catalog's record of older changes is no longer needed to repair it. An
// in-memory index has nothing to flush.
func (ix *Index) Flush() (int64, error) {
	// Holding applyMu keeps Apply out, whose sequence number the flush's
	// own batch would otherwise overwrite with an older one.
	ix.applyMu.Lock()
	defer ix.applyMu.Unlock()
	g, release, err := ix.current()
	if err != nil {
		return 0, err
	}
	defer release()
	if ix.dir != "" {
		if err := persist(g.idx); err != nil {
			return 0, err
		}
	}
	return readApplied(g.idx)
}

// Count returns the number of documents in the index, whoever may see them.
func (ix *Index) Count() (uint64, error) {
	g, release, err := ix.current()
	if err != nil {
		return 0, err
	}
	defer release()
	n, err := g.idx.DocCount()
	if err != nil {
		return 0, app.Internal(err, "cannot count the search index")
	}
	return n, nil
}

// Apply applies one catalog change: it indexes put (replacing any earlier
// state of those items) and removes del, and records seq as applied, all
// atomically: after a crash either all of it is visible or none, and
// Applied says which. An item in both lists is removed. seq must be greater
// than Applied() (ECONFLICT otherwise, and nothing changes), so changes
// must be applied in catalog order.
func (ix *Index) Apply(ctx context.Context, seq int64, put []Document, del []int64) error {
	if err := ctx.Err(); err != nil {
		return app.Internal(err, "search index update cancelled")
	}
	for i := range put {
		if put[i].ItemID <= 0 {
			return app.Errorf(app.EINVALID, "document has no item id")
		}
	}
	ix.applyMu.Lock()
	defer ix.applyMu.Unlock()
	g, release, err := ix.current()
	if err != nil {
		return err
	}
	defer release()
	applied, err := readApplied(g.idx)
	if err != nil {
		return err
	}
	if seq <= applied {
		return app.Errorf(app.ECONFLICT, "catalog change %d is not after the last one the index applied (%d)", seq, applied)
	}
	// Move the kept facet totals with the change, if they are current.
	base := ix.totals.at(ix.changes.Load())
	var ids []string
	var before map[string]int
	if base != nil {
		ids = changedIDs(put, del)
		if before, err = sharedCounts(g.idx, ids); err != nil {
			base = nil // counted afresh at the next browse
		}
	}
	if err := applyBatch(g.idx, seq, put, del); err != nil {
		return err
	}
	version := ix.changes.Add(1)
	if base != nil {
		if after, err := sharedCounts(g.idx, ids); err == nil {
			ix.totals.set(version, moveTotals(base, before, after))
		}
	}
	if ix.pending != nil && seq > ix.pending.seq {
		ix.pending.changes = append(ix.pending.changes, change{seq: seq,
			put: append([]Document(nil), put...), del: append([]int64(nil), del...)})
	}
	return nil
}

// applyBatch writes one change and its sequence number as one Bleve batch,
// which scorch makes durable before it returns.
func applyBatch(idx bleve.Index, seq int64, put []Document, del []int64) error {
	b := idx.NewBatch()
	for i := range put {
		if err := b.Index(docID(put[i].ItemID), put[i].fields()); err != nil {
			return app.Internal(err, fmt.Sprintf("cannot index item %d", put[i].ItemID))
		}
	}
	for _, id := range del {
		b.Delete(docID(id))
	}
	b.SetInternal([]byte(keyApplied), []byte(strconv.FormatInt(seq, 10)))
	if err := idx.Batch(b); err != nil {
		return app.Internal(err, "cannot update the search index")
	}
	return nil
}

// CatchUp repairs the index after a crash between a catalog commit and the
// index update: it asks changes for every catalog change after Applied()
// and applies each in order. changes must call apply once per change, in
// increasing sequence order.
func (ix *Index) CatchUp(ctx context.Context, changes func(after int64, apply func(seq int64, put []Document, del []int64) error) error) error {
	after, err := ix.Applied()
	if err != nil {
		return err
	}
	return changes(after, func(seq int64, put []Document, del []int64) error {
		return ix.Apply(ctx, seq, put, del)
	})
}
