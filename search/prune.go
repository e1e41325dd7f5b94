package search

import (
	"context"
	"math"
	"slices"

	"github.com/blevesearch/bleve/v2/search"
)

// Most of the cost of a search ordered by relevance is reading the
// frequency and norm of every posting of its common terms: zap decodes
// them one after another, and cannot skip within a chunk of postings. A
// page wants ten matches, though, not the scores of a hundred thousand.
// So when a segment has many more accepted matches than the page wants,
// its long postings lists are first read as bitmaps only, each counting
// the most a term can add (boundOf); the query's tree then gives every
// match a score it cannot exceed. The matches with the highest such
// bounds are scored exactly; the worst score the page then keeps is a
// threshold, and only the matches whose bound reaches it are scored
// exactly too. The others could not enter the page: they are counted,
// facets and all, but never scored. Results are the same as scoring
// everything, to the last bit, since the exact scores are made as before.

const (
	// pruneAbove: a segment is pruned when it accepted more than this many
	// matches, and more than pruneFactor times what the page wants.
	pruneAbove  = 2048
	pruneFactor = 8
	// boundAbove: a term is bounded rather than read when it has more
	// postings in the segment than this; shorter lists cost little to
	// read twice.
	boundAbove = 2048
)

// boundSlack covers the rounding of a norm stored as a float32.
const boundSlack = 1 + 1e-6

// boundOf is the most term t adds to a match's score. Bleve's term score
// is sqrt(tf) × norm × idf × weight, and norm is 1/sqrt(the field's length
// in tokens), a length at least tf: sqrt(tf) × norm is at most 1. The
// operations are those of exact scoring, on numbers at least as large, so
// the result is never below an exact score.
func boundOf(t *tnode) float64 {
	v := boundSlack * t.idf
	if t.weight != 1.0 {
		v = v * t.weight
	}
	return v
}

// prunes reports whether a segment with n accepted matches is scored in
// two passes; by may force it (pruneAll: always, in tests).
func (c *collector) prunes(n int, by byte) bool {
	if _, ok := c.p.order[0].(*search.SortScore); !ok || c.p.want == 0 {
		return false
	}
	switch by {
	case pruneAll:
		return true
	case scoreAuto:
		return n > pruneAbove && n > pruneFactor*c.p.want
	}
	return false
}

// scorePruned scores the accepted matches of segment seg as score does,
// but exactly only those that could enter the page (see above).
func (sc *scratch) scorePruned(ctx context.Context, c *collector, tp *textPlan, seg int, size uint64, accepted []uint32, by byte) error {
	bounded := make([]bool, len(tp.terms))
	some := false
	for k, t := range tp.terms {
		if t.in == nil && !t.excluded && (by == pruneAll || t.bms[seg].GetCardinality() > boundAbove) {
			bounded[k], some = true, true
		}
	}
	if !some {
		return sc.score(ctx, c, tp, seg, size, accepted, scoreAuto)
	}
	bounds, err := sc.boundAll(tp, seg, size, accepted, bounded)
	if err != nil {
		return err
	}
	// First the matches with the highest bounds, as many as the page
	// wants (more on ties), exactly; none whose bound is below the worst
	// score kept already, from earlier segments.
	lo := max(nthLargest(bounds, c.p.want, &sc.heap), c.worstKept())
	var first, rest []uint32
	for j, d := range accepted {
		if bounds[j] >= lo {
			first = append(first, d)
		}
	}
	c.unordered = true // matches are now offered out of index order
	defer func() { c.unordered = false }()
	if len(first) > 0 {
		if err := sc.score(ctx, c, tp, seg, size, first, scoreAuto); err != nil {
			return err
		}
	}
	// Then those whose bound reaches the worst score now kept.
	threshold := c.worstKept()
	for j, d := range accepted {
		if bounds[j] < lo && bounds[j] >= threshold {
			rest = append(rest, d)
		}
	}
	if len(rest) == 0 {
		return nil
	}
	return sc.score(ctx, c, tp, seg, size, rest, scoreAuto)
}

// boundAll returns, by accepted match, a score it cannot exceed: the
// bounded terms add boundOf where they occur, the others their score.
func (sc *scratch) boundAll(tp *textPlan, seg int, size uint64, accepted []uint32, bounded []bool) ([]float64, error) {
	sc.arrange(tp, size, accepted)
	sc.targetPhrases(tp, seg)
	if len(sc.docs) == 0 {
		sc.docs = make([]uint32, 1024)
	}
	buf := sc.docs
	for k, t := range tp.terms {
		if !bounded[k] {
			if err := sc.add(t, seg, accepted, scoreAuto); err != nil {
				return nil, err
			}
			continue
		}
		acc, cnt := t.acc, t.cnt
		if t.into != nil {
			acc, cnt = t.into.acc, t.into.cnt
		}
		if acc == nil {
			continue // not scored (under a NOT)
		}
		v := boundOf(t)
		it := t.bms[seg].ManyIterator()
		for n := it.NextMany(buf); n > 0; n = it.NextMany(buf) {
			for _, d := range buf[:n] {
				if sc.bits[d>>6]&(1<<(d&63)) != 0 {
					j := sc.rank(uint64(d))
					acc[j] += v
					cnt[j]++
				}
			}
		}
	}
	bounds := slices.Grow(sc.bounds[:0], len(accepted))[:len(accepted)]
	sc.bounds = bounds
	for j, d := range accepted {
		bounds[j], _ = tp.root.eval(j)
		sc.bits[d>>6] = 0
	}
	return bounds, nil
}

// nthLargest returns the n-th largest of vs (the smallest, when there are
// fewer), keeping the n largest in a min-heap in h.
func nthLargest(vs []float64, n int, h *[]float64) float64 {
	top := (*h)[:0]
	for _, v := range vs {
		switch {
		case len(top) < n:
			top = append(top, v)
			for i := len(top) - 1; i > 0 && top[(i-1)/2] > top[i]; i = (i - 1) / 2 {
				top[i], top[(i-1)/2] = top[(i-1)/2], top[i]
			}
		case v > top[0]:
			top[0] = v
			for i := 0; ; {
				l, r, m := 2*i+1, 2*i+2, i
				if l < len(top) && top[l] < top[m] {
					m = l
				}
				if r < len(top) && top[r] < top[m] {
					m = r
				}
				if m == i {
					break
				}
				top[i], top[m] = top[m], top[i]
				i = m
			}
		}
	}
	*h = top
	if len(top) == 0 {
		return math.Inf(-1)
	}
	return top[0]
}
