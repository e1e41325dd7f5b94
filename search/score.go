package search

import (
	"context"
	"math"
	"math/bits"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	zap "github.com/blevesearch/zapx/v16"
)

// collectPlan collects the matches of tp on snap. Each segment's matches
// are a bitmap made from the terms' postings; when the page is ordered by
// relevance, the matches the collector accepts are then scored term at a
// time: each term's postings add its score to an array by accepted match,
// and the query's tree combines the sums of each.
func (s *columnStore) collectPlan(ctx context.Context, snap *scorch.IndexSnapshot, tp *textPlan, p plan) (*collected, error) {
	c, err := newCollector(s, snap, p)
	if err != nil {
		return nil, err
	}
	if err := tp.prepare(snap); err != nil {
		return nil, err
	}
	var sc *scratch
	if p.byScore() && p.want > 0 {
		sc = s.takeScratch()
	}
	buf := make([]uint32, 1024)
	var accepted []uint32
	for i, ss := range snap.Segments() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		del := ss.Deleted()
		if del != nil && del.IsEmpty() {
			del = nil
		}
		m, err := tp.root.matches(i, del)
		if err != nil {
			return nil, err
		}
		if del != nil {
			m = roaring.AndNot(m, del)
		}
		if m.IsEmpty() {
			continue
		}
		if err := c.enter(i); err != nil {
			return nil, err
		}
		accepted = accepted[:0]
		base := c.offsets[i]
		err = c.acceptEach(ctx, m, buf, func(ds []uint32) {
			if sc != nil {
				accepted = append(accepted, ds...)
				return
			}
			for _, d := range ds {
				c.consider(uint64(d), 0, base+uint64(d))
			}
		})
		if err != nil {
			return nil, err
		}
		if sc != nil && len(accepted) > 0 {
			// On an error the scratch arrays may hold sums, so they are
			// dropped rather than given back.
			score := sc.score
			if c.prunes(len(accepted), s.scoreBy) {
				score = sc.scorePruned
			}
			if err := score(ctx, c, tp, i, ss.Segment().Count(), accepted, s.scoreBy); err != nil {
				return nil, err
			}
		}
	}
	if sc != nil {
		s.scratch.Put(sc)
	}
	return c.finish()
}

// scratch is the arrays one search scores a segment's matches in. They
// are all zero between uses: what a search adds, it reads and clears.
type scratch struct {
	acc  [][]float64
	cnt  [][]uint8
	bits []uint64 // the accepted documents
	// ranks hold, by word of bits, how many documents the words before it
	// accept: the arrays are indexed by a match's place among the accepted
	// ones, so that they are as long as the matches, not the segment.
	ranks []uint32
	it    segment.PostingsIterator
	// Of pruning (prune.go): a batch of documents, the bounds by accepted
	// match, and the heap that finds the page's share of them.
	docs   []uint32
	bounds []float64
	heap   []float64
}

// rank is the place of accepted document d among the accepted ones.
func (sc *scratch) rank(d uint64) uint32 {
	w := d >> 6
	return sc.ranks[w] + uint32(bits.OnesCount64(sc.bits[w]&(1<<(d&63)-1)))
}

func (s *columnStore) takeScratch() *scratch {
	if sc, ok := s.scratch.Get().(*scratch); ok {
		return sc
	}
	return &scratch{}
}

// arrange gives tp's summing nodes arrays for the accepted matches of a
// segment of size documents, and marks them.
func (sc *scratch) arrange(tp *textPlan, size uint64, accepted []uint32) {
	n := len(accepted)
	for len(sc.acc) < len(tp.arrays) {
		sc.acc, sc.cnt = append(sc.acc, nil), append(sc.cnt, nil)
	}
	for k, node := range tp.arrays {
		if cap(sc.acc[k]) < n {
			sc.acc[k], sc.cnt[k] = make([]float64, n), make([]uint8, n)
		}
		node.acc, node.cnt = sc.acc[k][:n], sc.cnt[k][:n]
	}
	words := int((size + 63) / 64)
	if cap(sc.bits) < words {
		sc.bits, sc.ranks = make([]uint64, words), make([]uint32, words)
	}
	sc.bits, sc.ranks = sc.bits[:words], sc.ranks[:words]
	for _, d := range accepted {
		sc.bits[d>>6] |= 1 << (d & 63)
	}
	var r uint32
	for w, b := range sc.bits {
		sc.ranks[w] = r
		r += uint32(bits.OnesCount64(b))
	}
}

// advanceBelow: a term whose postings in a segment number more than this
// many times the accepted matches is moved to each of them instead of
// read in full.
const advanceBelow = 16

// Values of columnStore.scoreBy.
const (
	scoreAuto = iota
	streamAll
	advanceAll
	// pruneAll bounds every term but a phrase's and prunes every segment
	// (prune.go).
	pruneAll
)

// score scores the accepted matches of segment seg, of size documents, in
// index order, and offers each to c.
func (sc *scratch) score(ctx context.Context, c *collector, tp *textPlan, seg int, size uint64, accepted []uint32, by byte) error {
	sc.arrange(tp, size, accepted)
	sc.targetPhrases(tp, seg)
	for _, t := range tp.terms {
		if err := sc.add(t, seg, accepted, by); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	for j, d := range accepted {
		score, _ := tp.root.eval(j)
		c.consider(uint64(d), score, c.offsets[seg]+uint64(d))
		sc.bits[d>>6] = 0
	}
	return nil
}

// targetPhrases sets the targets of tp's phrases: their matches in
// segment seg that are marked.
func (sc *scratch) targetPhrases(tp *textPlan, seg int) {
	for _, n := range tp.phrases {
		n.targets = n.targets[:0]
		if n.hits[seg] == nil {
			continue
		}
		for it := n.hits[seg].Iterator(); it.HasNext(); {
			if d := it.Next(); sc.bits[d>>6]&(1<<(d&63)) != 0 {
				n.targets = append(n.targets, d)
			}
		}
	}
}

// add adds term t's score to each accepted match of segment seg that
// carries it, reading its postings as by says.
func (sc *scratch) add(t *tnode, seg int, accepted []uint32, by byte) error {
	acc, cnt := t.acc, t.cnt
	if t.into != nil {
		acc, cnt = t.into.acc, t.into.cnt
	}
	card := t.bms[seg].GetCardinality()
	if acc == nil || card == 0 {
		return nil // not scored (under a NOT), or not in the segment
	}
	if t.in != nil {
		// A phrase's term counts where the phrase stands only.
		accepted, by = t.in.targets, advanceAll
		if len(accepted) == 0 {
			return nil
		}
	}
	sc.it = t.pls[seg].Iterator(true, true, false, sc.it)
	it := sc.it
	one := func(p segment.Posting) {
		d, freq, norm := postingOf(p)
		// Bleve's TermQueryScorer, operation for operation.
		v := math.Sqrt(float64(freq)) * norm * t.idf
		if t.weight != 1.0 {
			v = v * t.weight
		}
		j := sc.rank(d)
		acc[j] += v
		cnt[j]++
	}
	advance := uint64(len(accepted))*advanceBelow < card
	if by != scoreAuto {
		advance = by == advanceAll
	}
	if advance {
		var cur segment.Posting // the posting the iterator is at, consumed
		var err error
		for _, d := range accepted {
			if cur == nil || cur.Number() < uint64(d) {
				if cur, err = it.Advance(uint64(d)); err != nil || cur == nil {
					return err
				}
			}
			if cur.Number() == uint64(d) {
				one(cur)
			}
		}
		return nil
	}
	marked := sc.bits
	for {
		p, err := it.Next()
		if err != nil || p == nil {
			return err
		}
		if d := number(p); marked[d>>6]&(1<<(d&63)) != 0 {
			one(p)
		}
	}
}

// postingOf returns a posting's document, frequency and norm. The
// postings of the index's segments are zap's, whose methods the compiler
// can inline once it knows the type: most of scoring is these reads.
func postingOf(p segment.Posting) (uint64, uint64, float64) {
	if zp, ok := p.(*zap.Posting); ok {
		return zp.Number(), zp.Frequency(), zp.Norm()
	}
	return p.Number(), p.Frequency(), p.Norm()
}

// number returns a posting's document, as postingOf.
func number(p segment.Posting) uint64 {
	if zp, ok := p.(*zap.Posting); ok {
		return zp.Number()
	}
	return p.Number()
}

// eval is the score of the j-th accepted match of the segment being
// scored, as Bleve's searcher of n scores it, and whether n matches it; it
// clears the sums it reads. Every kid is evaluated, matched or not, so that
// all are cleared.
func (n *tnode) eval(j int) (float64, bool) {
	switch {
	case n.acc != nil:
		sum, k := n.acc[j], n.cnt[j]
		n.acc[j], n.cnt[j] = 0, 0
		switch {
		case k == 0:
			return 0, false
		case n.op == opOr:
			return sum * (float64(k) / float64(len(n.kids))), true
		case n.op == opPhrase:
			return sum, int(k) == len(n.kids)
		}
		return sum, true
	case n.op == opNot:
		return n.kids[0].eval(j)
	case n.op == opAll:
		v := 1.0 // Bleve's ConstantScorer
		if n.weight != 1.0 {
			v = v * n.weight
		}
		return v, true
	}
	var sum float64
	matched := 0
	for _, k := range n.kids {
		if v, ok := k.eval(j); ok {
			sum += v
			matched++
		}
	}
	switch {
	case matched == 0:
		return 0, false
	case n.op == opOr:
		return sum * (float64(matched) / float64(len(n.kids))), true
	}
	return sum, matched == len(n.kids)
}
