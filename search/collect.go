package search

import (
	"cmp"
	"container/heap"
	"context"
	"encoding/binary"
	"sort"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"carrel/app"
)

// Carrel runs Bleve's searchers itself instead of through Bleve's
// collector, so that counting and sorting read the index's columns (see
// columns.go) instead of doc values: the searcher yields the matches in
// index order, and the collector counts each one's facet terms and keeps the
// best ones for the page in a heap.

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
	id    int64     // the item id, 0 until read
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

// collect runs q on snap and collects what p asks for.
func (s *columnStore) collect(ctx context.Context, snap *scorch.IndexSnapshot, q query.Query, m mapping.IndexMapping, p plan) (*collected, error) {
	c := &collector{p: p, store: s, snap: snap}
	c.heap.c = c
	segs := snap.Segments()
	c.offsets = make([]uint64, len(segs)+1)
	for i, ss := range segs {
		c.offsets[i+1] = c.offsets[i] + ss.Segment().Count()
	}
	score := bleve.ScoreNone
	if p.byScore() && p.want > 0 {
		score = ""
	}
	searcher, err := q.Searcher(ctx, snap, m, search.SearcherOptions{Score: score})
	if err != nil {
		return nil, err
	}
	defer searcher.Close()
	sctx := &search.SearchContext{
		DocumentMatchPool: search.NewDocumentMatchPool(searcher.DocumentMatchPoolSize()+1, 0),
		IndexReader:       snap,
	}
	after, err := c.afterRef()
	if err != nil {
		return nil, err
	}
	fields := p.sortFields()
	if len(fields) > len(hitRef{}.keys) {
		return nil, app.Errorf(app.EINTERNAL, "a search order with %d field clauses", len(fields))
	}
	counts := make([][]uint32, len(p.count))
	facetCols := make([]*multiColumn, len(p.count))
	sortCols := make([]*sortColumn, len(fields))
	rangeCols := make([]*sortColumn, len(p.ranges))
	var visible []uint64
	cur := -1
	var total, seen uint64
	for {
		if seen%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		dm, err := searcher.Next(sctx)
		if err != nil {
			return nil, err
		}
		if dm == nil {
			break
		}
		num := binary.BigEndian.Uint64(dm.IndexInternalID)
		h := hitRef{score: dm.Score, n: seen}
		seen++
		sctx.DocumentMatchPool.Put(dm)
		if cur < 0 || num < c.offsets[cur] || num >= c.offsets[cur+1] {
			cur = sort.Search(len(segs), func(i int) bool { return c.offsets[i+1] > num })
			if cur == len(segs) {
				return nil, app.Errorf(app.EINTERNAL, "a match outside the index's segments")
			}
			for i, f := range p.count {
				if facetCols[i], err = s.multi(segs[cur].Segment(), f); err != nil {
					return nil, err
				}
				if names := s.table(f).snapshotNames(); len(names) > len(counts[i]) {
					counts[i] = append(counts[i], make([]uint32, len(names)-len(counts[i]))...)
				}
			}
			for i, f := range fields {
				if sortCols[i], err = s.sorted(segs[cur].Segment(), f.Field); err != nil {
					return nil, err
				}
			}
			for i, r := range p.ranges {
				if rangeCols[i], err = s.sorted(segs[cur].Segment(), r.field); err != nil {
					return nil, err
				}
			}
			if p.public {
				if visible, err = s.public(segs[cur].Segment()); err != nil {
					return nil, err
				}
			}
		}
		h.seg, h.local = cur, num-c.offsets[cur]
		if p.public && visible[h.local/64]&(1<<(h.local%64)) == 0 {
			continue
		}
		if !inRanges(p.ranges, rangeCols, h.local) {
			continue
		}
		total++
		for i, col := range facetCols {
			cs := counts[i]
			for _, v := range col.vals[col.start[h.local]:col.start[h.local+1]] {
				cs[v]++
			}
		}
		if p.want == 0 {
			continue
		}
		for i, col := range sortCols {
			h.keys[i] = col.key(h.local, missingKey(fields[i]))
		}
		if after != nil && c.compare(&h, after) <= 0 {
			continue // on an earlier page; still counted, as every match is
		}
		c.offer(&h)
	}
	if c.err != nil {
		return nil, c.err
	}
	out := &collected{total: total, counts: map[string]map[string]int{}}
	for i, f := range p.count {
		names := s.table(f).snapshotNames()
		m := map[string]int{}
		for id, n := range counts[i] {
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

// inRanges reports whether document d of a segment, whose columns of the
// ranges' fields are cols, lies in every range.
func inRanges(ranges []keyRange, cols []*sortColumn, d uint64) bool {
	for i, r := range ranges {
		if !r.holds(cols[i].key(d, "")) {
			return false
		}
	}
	return true
}

// offer keeps h if it is among the best p.want so far.
func (c *collector) offer(h *hitRef) {
	if c.heap.Len() < c.p.want {
		kept := *h
		heap.Push(&c.heap, &kept)
		return
	}
	if worst := c.heap.refs[0]; c.compare(h, worst) < 0 {
		*worst = *h
		heap.Fix(&c.heap, 0)
	}
}

// compare orders two matches by the plan's order: negative when a comes
// first. Matches equal in every clause keep index order.
func (c *collector) compare(a, b *hitRef) int {
	fi := 0
	for _, so := range c.p.order {
		var r int
		switch so := so.(type) {
		case *search.SortScore:
			r = cmp.Compare(b.score, a.score)
		case *search.SortField:
			r = strings.Compare(a.keys[fi], b.keys[fi])
			fi++
			if so.Desc {
				r = -r
			}
		case *search.SortDocID:
			r = cmp.Compare(c.itemID(a), c.itemID(b))
			if so.Desc {
				r = -r
			}
		}
		if r != 0 {
			return r
		}
	}
	return cmp.Compare(a.n, b.n)
}

// itemID reads h's item id once; an unreadable one is an error that the
// search reports.
func (c *collector) itemID(h *hitRef) int64 {
	if h.id != 0 || h.seg < 0 {
		return h.id
	}
	raw, err := c.snap.Segments()[h.seg].DocID(h.local)
	if err == nil {
		h.id, err = strconv.ParseInt(string(raw), 10, 64)
	}
	if err != nil && c.err == nil {
		c.err = err
	}
	return h.id
}

// afterRef is the position p.after names, as a match to compare with; its
// n is the largest, so that a match equal to it in every clause is not
// after it.
func (c *collector) afterRef() (*hitRef, error) {
	if c.p.after == nil {
		return nil, nil
	}
	h := &hitRef{seg: -1, n: ^uint64(0)}
	fi := 0
	for i, so := range c.p.order {
		k := c.p.after[i]
		var err error
		switch so.(type) {
		case *search.SortScore:
			h.score, err = strconv.ParseFloat(k, 64)
		case *search.SortField:
			h.keys[fi] = k
			fi++
		case *search.SortDocID:
			h.id, err = strconv.ParseInt(k, 10, 64)
		}
		if err != nil {
			return nil, err
		}
	}
	return h, nil
}

// sortKeys are h's values in the plan's order, as Query.After takes them.
func (p plan) sortKeys(h *hitRef) []string {
	keys := make([]string, 0, len(p.order))
	fi := 0
	for _, so := range p.order {
		switch so.(type) {
		case *search.SortScore:
			keys = append(keys, strconv.FormatFloat(h.score, 'g', -1, 64))
		case *search.SortField:
			keys = append(keys, h.keys[fi])
			fi++
		case *search.SortDocID:
			keys = append(keys, strconv.FormatInt(h.id, 10))
		}
	}
	return keys
}

// hitHeap keeps the worst kept match at the root.
type hitHeap struct {
	refs []*hitRef
	c    *collector
}

func (h *hitHeap) Len() int           { return len(h.refs) }
func (h *hitHeap) Less(i, j int) bool { return h.c.compare(h.refs[i], h.refs[j]) > 0 }
func (h *hitHeap) Swap(i, j int)      { h.refs[i], h.refs[j] = h.refs[j], h.refs[i] }
func (h *hitHeap) Push(x any)         { h.refs = append(h.refs, x.(*hitRef)) }
func (h *hitHeap) Pop() any {
	last := h.refs[len(h.refs)-1]
	h.refs = h.refs[:len(h.refs)-1]
	return last
}
