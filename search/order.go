package search

import (
	"cmp"
	"container/heap"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2/search"
)

// offer keeps h if it is among the best p.want so far.
func (c *collector) offer(h *hitRef) {
	if c.heap.Len() < c.p.want {
		c.load(h)
		kept := *h
		heap.Push(&c.heap, &kept)
		c.worseOK = false
		return
	}
	if worst := c.heap.refs[0]; c.compare(h, worst) < 0 {
		c.load(h)
		*worst = *h
		heap.Fix(&c.heap, 0)
		c.worseOK = false
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
			c.load(a)
			c.load(b)
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
	h := &hitRef{seg: -1, n: ^uint64(0), loaded: true}
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
