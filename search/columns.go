package search

import (
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Counting facets and sorting read a value of every matching item, and
// Bleve reads those values from compressed doc values, a few microseconds
// per item: at a million items most of a search's time. Segments never
// change once written, so the index keeps, for each segment and each field
// it counts or sorts on, the field's values as plain arrays in memory
// (columns), made once from the segment's term dictionary when first
// needed. A search then reads a value with an array index.
//
// Columns of segments no longer in the index are dropped; a search still
// running on an older snapshot keeps the ones it holds.

// multiColumn holds a many-valued field of one segment: the values of local
// document d are vals[start[d]:start[d+1]], ids into the field's termTable.
type multiColumn struct {
	start []uint32
	vals  []uint32
}

// sortColumn holds a single-valued field of one segment: ord[d] is the rank
// of document d's term in terms (sorted), plus one; 0 when d has none.
type sortColumn struct {
	ord   []uint32
	terms []string
}

// key returns document d's term, or missing when it has none.
func (c *sortColumn) key(d uint64, missing string) string {
	if o := c.ord[d]; o != 0 {
		return c.terms[o-1]
	}
	return missing
}

// ords are r's bounds as ords of c: a document's key lies in r when its
// ord is in [lo, hi); a document without one (ord 0) never does.
func (c *sortColumn) ords(r keyRange) [2]uint32 {
	lo := uint32(sort.SearchStrings(c.terms, r.lo)) + 1
	hi := uint32(len(c.terms)) + 1
	if r.hi != "" {
		hi = uint32(sort.SearchStrings(c.terms, r.hi)) + 1
	}
	return [2]uint32{lo, hi}
}

// termTable numbers the terms of one many-valued field across segments, so
// that a search counts into one array.
type termTable struct {
	mu    sync.RWMutex
	ids   map[string]uint32
	names []string
}

func (t *termTable) id(term string) uint32 {
	if id, ok := t.ids[term]; ok {
		return id
	}
	id := uint32(len(t.names))
	t.ids[term] = id
	t.names = append(t.names, term)
	return id
}

// snapshotNames returns the terms numbered so far; ids held by a column
// are all below its length.
func (t *termTable) snapshotNames() []string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.names
}

type columnKey struct {
	seg   segment.Segment
	field string
}

type columnEntry struct {
	once   sync.Once
	multi  *multiColumn
	sorted *sortColumn
	bits   []uint64
	err    error
}

// columnStore holds the columns of the segments the index has now.
type columnStore struct {
	mu      sync.Mutex
	entries map[columnKey]*columnEntry
	tables  map[string]*termTable
	tidied  time.Time
	scratch sync.Pool // of *scratch, for scoring (score.go)
	// scoreBy chooses how a term's postings are read when scoring: by
	// default (0) each term as it pays, or always one way (streamAll,
	// advanceAll), or with every segment pruned (pruneAll), which tests
	// use to check every way.
	scoreBy byte
}

// init makes the maps; s.mu is held.
func (s *columnStore) init() {
	if s.entries == nil {
		s.entries = map[columnKey]*columnEntry{}
		s.tables = map[string]*termTable{}
	}
}

func (s *columnStore) entry(seg segment.Segment, field string) *columnEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.init()
	k := columnKey{seg, field}
	e := s.entries[k]
	if e == nil {
		e = &columnEntry{}
		s.entries[k] = e
	}
	return e
}

func (s *columnStore) table(field string) *termTable {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.init()
	t := s.tables[field]
	if t == nil {
		t = &termTable{ids: map[string]uint32{}}
		s.tables[field] = t
	}
	return t
}

// multi returns the column of a many-valued field of seg.
func (s *columnStore) multi(seg segment.Segment, field string) (*multiColumn, error) {
	e := s.entry(seg, field)
	e.once.Do(func() { e.multi, e.err = buildMulti(seg, field, s.table(field)) })
	return e.multi, e.err
}

// sorted returns the column of a single-valued field of seg.
func (s *columnStore) sorted(seg segment.Segment, field string) (*sortColumn, error) {
	e := s.entry(seg, field)
	e.once.Do(func() { e.sorted, e.err = buildSorted(seg, field) })
	return e.sorted, e.err
}

// publicField names the column of which items the public may see.
const publicField = "\x00public"

// public returns which documents of seg the public may see, as a bitset:
// public, neither embargoed nor confidential (what accessFilter asks of
// ScopePublic).
func (s *columnStore) public(seg segment.Segment) ([]uint64, error) {
	e := s.entry(seg, publicField)
	e.once.Do(func() { e.bits, e.err = buildPublic(seg) })
	return e.bits, e.err
}

// retain drops the columns of segments that snap no longer has. The term
// tables are kept: their terms are few next to the columns.
func (s *columnStore) retain(snap *scorch.IndexSnapshot) {
	live := map[segment.Segment]bool{}
	for _, ss := range snap.Segments() {
		live[ss.Segment()] = true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := range s.entries {
		if !live[k.seg] {
			delete(s.entries, k)
		}
	}
}

// tidyEvery is how often a search drops the columns of segments merged
// away or of an older generation.
const tidyEvery = 100 * time.Millisecond

// tidy drops the columns of segments snap does not have, at most once in
// tidyEvery. A search on an older snapshot may drop the column of a newer
// segment; the next search that needs it makes it again.
func (s *columnStore) tidy(snap *scorch.IndexSnapshot) {
	s.mu.Lock()
	due := time.Since(s.tidied) >= tidyEvery
	if due {
		s.tidied = time.Now()
	}
	s.mu.Unlock()
	if due {
		s.retain(snap)
	}
}

// visitTerms calls fn with each term of field in seg, in order, and the
// local numbers of the documents that carry it.
func visitTerms(seg segment.Segment, field string, fn func(term string, docs []uint32)) error {
	dict, err := seg.Dictionary(field)
	if err != nil {
		return err
	}
	it := dict.AutomatonIterator(nil, nil, nil)
	var pl segment.PostingsList
	var pi segment.PostingsIterator
	var docs []uint32
	for {
		de, err := it.Next()
		if err != nil {
			return err
		}
		if de == nil {
			return nil
		}
		if pl, err = dict.PostingsList([]byte(de.Term), nil, pl); err != nil {
			return err
		}
		pi = pl.Iterator(false, false, false, pi)
		docs = docs[:0]
		for {
			p, err := pi.Next()
			if err != nil {
				return err
			}
			if p == nil {
				break
			}
			docs = append(docs, uint32(p.Number()))
		}
		fn(de.Term, docs)
	}
}

func buildMulti(seg segment.Segment, field string, t *termTable) (*multiColumn, error) {
	n := seg.Count()
	start := make([]uint32, n+1)
	type posting struct{ doc, id uint32 }
	var all []posting
	t.mu.Lock()
	err := visitTerms(seg, field, func(term string, docs []uint32) {
		id := t.id(term)
		for _, d := range docs {
			all = append(all, posting{d, id})
			start[d+1]++
		}
	})
	t.mu.Unlock()
	if err != nil {
		return nil, err
	}
	for d := range n {
		start[d+1] += start[d]
	}
	vals := make([]uint32, len(all))
	next := slices.Clone(start[:n])
	for _, p := range all {
		vals[next[p.doc]] = p.id
		next[p.doc]++
	}
	return &multiColumn{start: start, vals: vals}, nil
}

func buildSorted(seg segment.Segment, field string) (*sortColumn, error) {
	c := &sortColumn{ord: make([]uint32, seg.Count())}
	err := visitTerms(seg, field, func(term string, docs []uint32) {
		c.terms = append(c.terms, term)
		for _, d := range docs {
			c.ord[d] = uint32(len(c.terms))
		}
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

func buildPublic(seg segment.Segment) ([]uint64, error) {
	bits := make([]uint64, (seg.Count()+63)/64)
	for _, f := range []struct {
		field string
		set   bool
	}{{fPublic, true}, {fEmbargoed, false}, {fConfidential, false}} {
		err := visitTerms(seg, f.field, func(term string, docs []uint32) {
			if term != boolTrue {
				return
			}
			for _, d := range docs {
				if f.set {
					bits[d/64] |= 1 << (d % 64)
				} else {
					bits[d/64] &^= 1 << (d % 64)
				}
			}
		})
		if err != nil {
			return nil, err
		}
	}
	return bits, nil
}

// boolTrue is the term Bleve indexes for a true boolean field.
const boolTrue = "T"
