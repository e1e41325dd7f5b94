package search

import (
	"container/heap"
	"math"
	"sort"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"

	"carrel/app"
)

// Carrel collects matches itself instead of through Bleve's collector, so
// that counting and sorting read the index's columns (see columns.go)
// instead of doc values. The matches come from Bleve's searcher when the
// query has text to score, or straight from the postings bitmaps of the
// filters when it has none (bitmaps.go); either way in index order, and
// the collector counts each one's facet terms and keeps the best ones for
// the page in a heap.

// plan is what a search collects besides the matches' number.
type plan struct {
	order search.SortOrder
	// want is how many of the best matches to keep (offset + limit); 0
	// keeps none.
	want int
	// after, when set, keeps only matches that come after this position.
	after []string
	// count lists the many-valued fields whose terms are counted over all
	// matches.
	count []string
	// public keeps only what the public may see; the query itself then
	// need not say it.
	public bool
	// ranges keep only matches whose keys lie in them.
	ranges []keyRange
}

// hitRef is a match kept for the page.
type hitRef struct {
	seg   int
	local uint64
	n     uint64 // the match's place in index order, the last tie-break
	score float64
	keys  [2]string // the values of the order's field clauses, in order
	// loaded says keys are set; a match's are read from the columns only
	// when it is compared on them, and before it is kept.
	loaded bool
	id     int64 // the item id, 0 until read
}

// collected is what a search found.
type collected struct {
	total  uint64
	hits   []*hitRef                 // best first, from offset 0
	counts map[string]map[string]int // by counted field: term → matches
}

// collector holds one search's state while it runs.
type collector struct {
	p       plan
	store   *columnStore
	snap    *scorch.IndexSnapshot
	offsets []uint64 // of each segment's first document, and the total after the last
	err     error    // the first error reading an item id
	heap    hitHeap
	after   *hitRef
	fields  []*search.SortField
	total   uint64
	seen    uint64
	// unordered is set while matches are offered out of index order, as
	// pruning does (prune.go): a match tied with the worst kept one may
	// then come before it.
	unordered bool
	counts    [][]uint32 // by p.count, by term id

	// The columns of the segment being read.
	seg       int
	facetCols []*multiColumn
	sortCols  []*sortColumn
	rangeCols []*sortColumn
	visible   []uint64
	// rangeOrds bound each range in the segment's ranks: a key lies in
	// range k when its ord is in [rangeOrds[k][0], rangeOrds[k][1]).
	rangeOrds [][2]uint32
	// worse is the rank from which (or, in descending order, below which)
	// a match of this segment is worse than the worst kept one in the
	// first sort field; valid while worseOK.
	worse   int
	worseOK bool
}

func newCollector(s *columnStore, snap *scorch.IndexSnapshot, p plan) (*collector, error) {
	c := &collector{p: p, store: s, snap: snap, seg: -1, fields: p.sortFields()}
	c.heap.c = c
	segs := snap.Segments()
	c.offsets = make([]uint64, len(segs)+1)
	for i, ss := range segs {
		c.offsets[i+1] = c.offsets[i] + ss.Segment().Count()
	}
	if len(c.fields) > len(hitRef{}.keys) {
		return nil, app.Errorf(app.EINTERNAL, "a search order with %d field clauses", len(c.fields))
	}
	var err error
	if c.after, err = c.afterRef(); err != nil {
		return nil, err
	}
	c.counts = make([][]uint32, len(p.count))
	c.facetCols = make([]*multiColumn, len(p.count))
	c.sortCols = make([]*sortColumn, len(c.fields))
	c.rangeCols = make([]*sortColumn, len(p.ranges))
	c.rangeOrds = make([][2]uint32, len(p.ranges))
	return c, nil
}

// sortFields are the fields of p's order clauses that read a column.
func (p plan) sortFields() []*search.SortField {
	var out []*search.SortField
	for _, so := range p.order {
		if f, ok := so.(*search.SortField); ok {
			out = append(out, f)
		}
	}
	return out
}

func (p plan) byScore() bool {
	for _, so := range p.order {
		if _, ok := so.(*search.SortScore); ok {
			return true
		}
	}
	return false
}

// missingKey is the key of an item without a value in f: it sorts last
// either way, and it is what Bleve writes for one, so positions keep their
// meaning.
func missingKey(f *search.SortField) string {
	if f.Desc {
		return search.LowTerm
	}
	return search.HighTerm
}

// enter loads the columns of segment i, whose documents come next.
func (c *collector) enter(i int) error {
	s, seg := c.store, c.snap.Segments()[i].Segment()
	c.seg = i
	var err error
	for k, f := range c.p.count {
		if c.facetCols[k], err = s.multi(seg, f); err != nil {
			return err
		}
		if names := s.table(f).snapshotNames(); len(names) > len(c.counts[k]) {
			c.counts[k] = append(c.counts[k], make([]uint32, len(names)-len(c.counts[k]))...)
		}
	}
	for k, f := range c.fields {
		if c.sortCols[k], err = s.sorted(seg, f.Field); err != nil {
			return err
		}
	}
	for k, r := range c.p.ranges {
		if c.rangeCols[k], err = s.sorted(seg, r.field); err != nil {
			return err
		}
		c.rangeOrds[k] = c.rangeCols[k].ords(r)
	}
	c.worseOK = false
	if c.p.public {
		if c.visible, err = s.public(seg); err != nil {
			return err
		}
	}
	return nil
}

// accept takes document local of the current segment, the next match of
// the query: if the plan's filters keep it, it is counted, facets and all,
// and accept reports true.
func (c *collector) accept(local uint64) bool {
	d := [1]uint32{uint32(local)}
	return len(c.acceptBatch(d[:])) == 1
}

// acceptBatch keeps, of ds (documents of the current segment in index
// order), those the collector accepts, and counts them and their facet
// terms; it returns them in ds's array. Each step runs over the whole
// batch, so that its loop keeps its columns at hand.
func (c *collector) acceptBatch(ds []uint32) []uint32 {
	c.seen += uint64(len(ds))
	if c.p.public {
		kept, visible := ds[:0], c.visible
		for _, d := range ds {
			if visible[d/64]&(1<<(d%64)) != 0 {
				kept = append(kept, d)
			}
		}
		ds = kept
	}
	for k, col := range c.rangeCols {
		kept, ord, lo, hi := ds[:0], col.ord, c.rangeOrds[k][0], c.rangeOrds[k][1]
		for _, d := range ds {
			if o := ord[d]; o >= lo && o < hi {
				kept = append(kept, d)
			}
		}
		ds = kept
	}
	c.total += uint64(len(ds))
	for k, col := range c.facetCols {
		col.countInto(c.counts[k], ds)
	}
	return ds
}

// countInto adds one to counts[v] for every term v of each document of ds.
func (col *multiColumn) countInto(counts []uint32, ds []uint32) {
	start, vals := col.start, col.vals
	for _, d := range ds {
		for _, v := range vals[start[d]:start[d+1]] {
			counts[v]++
		}
	}
}

// consider offers document local of the current segment, an accepted
// match with that score and place n in index order, for the page.
func (c *collector) consider(local uint64, score float64, n uint64) {
	if c.p.want == 0 || c.worseThanKept(local) {
		return
	}
	// Relevance puts first what scores more, and when alone, of equal
	// scores what comes first in the index, as all kept matches do.
	if _, ok := c.p.order[0].(*search.SortScore); ok {
		if worst := c.worstKept(); score < worst || score == worst && len(c.p.order) == 1 && !c.unordered {
			return
		}
	}
	h := hitRef{seg: c.seg, local: local, score: score, n: n}
	if c.after != nil && c.compare(&h, c.after) <= 0 {
		return // on an earlier page; still counted, as every match is
	}
	c.offer(&h)
}

// worstKept is the score of the worst match the page keeps when it is
// full, the least a match must score to enter it; -Inf when it is not.
func (c *collector) worstKept() float64 {
	if c.heap.Len() < c.p.want {
		return math.Inf(-1)
	}
	return c.heap.refs[0].score
}

// enterFor enters the segment of global document number num, unless it
// is the current one.
func (c *collector) enterFor(num uint64) error {
	if c.seg >= 0 && num >= c.offsets[c.seg] && num < c.offsets[c.seg+1] {
		return nil
	}
	nsegs := len(c.offsets) - 1
	i := sort.Search(nsegs, func(i int) bool { return c.offsets[i+1] > num })
	if i == nsegs {
		return app.Errorf(app.EINTERNAL, "a match outside the index's segments")
	}
	return c.enter(i)
}

// load sets h's keys from the current segment's columns, h being one of
// its documents.
func (c *collector) load(h *hitRef) {
	if h.loaded {
		return
	}
	for k, col := range c.sortCols {
		h.keys[k] = col.key(h.local, missingKey(c.fields[k]))
	}
	h.loaded = true
}

// worseThanKept reports whether document local of the current segment is
// certainly worse than every kept match, by its rank in the first sort
// field alone: most matches of a sorted search are, and this spares
// reading their keys.
func (c *collector) worseThanKept(local uint64) bool {
	if c.heap.Len() < c.p.want || len(c.sortCols) == 0 {
		return false
	}
	f, ok := c.p.order[0].(*search.SortField)
	if !ok {
		return false
	}
	col := c.sortCols[0]
	o := col.ord[local]
	if o == 0 {
		return false // no value: compared in full
	}
	if !c.worseOK {
		wk := c.heap.refs[0].keys[0]
		pos := sort.SearchStrings(col.terms, wk) // the first rank whose term is >= wk
		if !f.Desc && pos < len(col.terms) && col.terms[pos] == wk {
			pos++ // ranks above it are greater
		}
		c.worse, c.worseOK = pos, true
	}
	if f.Desc {
		return int(o)-1 < c.worse
	}
	return int(o)-1 >= c.worse
}

// finish returns what the collector found.
func (c *collector) finish() (*collected, error) {
	if c.err != nil {
		return nil, c.err
	}
	out := &collected{total: c.total, counts: map[string]map[string]int{}}
	for k, f := range c.p.count {
		names := c.store.table(f).snapshotNames()
		m := map[string]int{}
		for id, n := range c.counts[k] {
			if n > 0 {
				m[names[id]] = int(n)
			}
		}
		out.counts[f] = m
	}
	out.hits = make([]*hitRef, c.heap.Len())
	for i := len(out.hits) - 1; i >= 0; i-- {
		out.hits[i] = heap.Pop(&c.heap).(*hitRef)
	}
	for _, h := range out.hits {
		c.itemID(h)
	}
	return out, c.err
}
