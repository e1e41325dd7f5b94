package search

import (
	"math"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// A phrase is compiled to the AND of its terms in its field, each term
// knowing its place in the phrase, which is what Bleve's phrase searcher
// scores too. Its matches are the documents carrying every term (a bitmap
// intersection) in which the terms' positions also line up: each is then
// read from the postings' locations.

// compilePhrase returns the plan of a phrase in one field, or nil when it
// is not a plain phrase: fuzzy, or with two terms at one place.
func compilePhrase(q *query.MatchPhraseQuery, m mapping.IndexMapping) *tnode {
	if q.FieldVal == "" || q.Fuzziness != 0 {
		return nil
	}
	name := q.Analyzer
	if name == "" {
		name = m.AnalyzerNameForPath(q.FieldVal)
	}
	a := m.AnalyzerNamed(name)
	if a == nil {
		return nil
	}
	tokens := a.Analyze([]byte(q.MatchPhrase))
	if len(tokens) == 0 || len(tokens) > math.MaxUint8 {
		return nil // a count of the terms added is kept in a byte
	}
	// As Bleve's tokenStreamToPhrase: places count from the first token's,
	// and words the analyser dropped leave gaps.
	first := tokens[0].Position
	for _, t := range tokens {
		first = min(first, t.Position)
	}
	n := &tnode{op: opPhrase}
	at := map[int]bool{}
	for _, t := range tokens {
		pos := t.Position - first
		if at[pos] {
			return nil
		}
		at[pos] = true
		n.kids = append(n.kids, &tnode{op: opTerm, field: q.FieldVal, term: slices.Clone(t.Term),
			boost: q.BoostVal.Value(), pos: pos, in: n})
	}
	// Bleve's searcher takes the terms in the phrase's order before
	// sorting them.
	slices.SortStableFunc(n.kids, func(a, b *tnode) int { return a.pos - b.pos })
	return n
}

// phraseMatches keeps, of the live documents of segment i in every one of
// bms (the kids' matches), those in which the terms stand as in the phrase,
// and remembers them for scoring.
func (n *tnode) phraseMatches(i int, bms []*roaring.Bitmap, del *roaring.Bitmap) (*roaring.Bitmap, error) {
	if n.hits == nil {
		n.hits = make([]*roaring.Bitmap, len(n.kids[0].bms))
	}
	cand := roaring.FastAnd(bms...)
	if del != nil {
		cand.AndNot(del)
	}
	out := roaring.New()
	n.hits[i] = out
	if cand.IsEmpty() {
		return out, nil
	}
	its := make([]segment.PostingsIterator, len(n.kids))
	for k, kid := range n.kids {
		its[k] = kid.pls[i].Iterator(false, false, true, nil)
	}
	locs := make([][]segment.Location, len(n.kids))
	it := cand.Iterator()
	for it.HasNext() {
		d := it.Next()
		found := true
		for k := range n.kids {
			p, err := its[k].Advance(uint64(d))
			if err != nil {
				return nil, err
			}
			if p == nil || p.Number() != uint64(d) {
				found = false // cannot be: d carries every term
				break
			}
			locs[k] = p.Locations()
		}
		if found && n.standsAt(locs) {
			out.Add(d)
		}
	}
	return out, nil
}

// standsAt reports whether some place has each kid's term at its place in
// the phrase from there, in one value of the field (the same array
// positions), given each kid's locations in a document.
func (n *tnode) standsAt(locs [][]segment.Location) bool {
	for _, l0 := range locs[0] {
		start := int(l0.Pos()) - n.kids[0].pos
		all := true
		for k := 1; k < len(n.kids) && all; k++ {
			want := start + n.kids[k].pos
			all = slices.ContainsFunc(locs[k], func(l segment.Location) bool {
				return int(l.Pos()) == want && slices.Equal(l.ArrayPositions(), l0.ArrayPositions())
			})
		}
		if all {
			return true
		}
	}
	return false
}
