package search

import (
	"math"
	"slices"
	"sort"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Most searches are words and phrases, each of which is an OR of one term
// or phrase in every text field, joined by AND, OR and NOT, and ANDed with
// filters that are terms too. Such a query is a textPlan: its matches in a
// segment are the union, intersection and difference of its terms'
// postings bitmaps (a phrase's also checked against the terms' positions,
// phrase.go), and its scores are summed term by term from the postings
// (score.go), instead of by Bleve's searchers, which move every term to
// every match and cost a few hundred nanoseconds per match and term. The
// scores are Bleve's own (TF-IDF, the same operations in the same order),
// so results rank as Bleve ranks them. Anything else — a fuzzy phrase, an
// OR of more than ten parts, a list of document ids — is left to Bleve's
// searchers.

// tnode is a node of a textPlan.
type tnode struct {
	op   byte // opTerm, opOr, opAnd, opNot, opAll, opPhrase
	kids []*tnode
	// not is what must not match, for opNot, whose only kid must; it is
	// never scored.
	not *tnode

	// Of an opTerm.
	field string
	term  []byte
	boost float64
	count uint64                 // live documents carrying it; of other nodes, Bleve's Count()
	pls   []segment.PostingsList // by segment, deleted documents included
	bms   []*roaring.Bitmap      // the postings, by segment; shared, read only
	// A match's score is tf × norm × idf × weight, weight being the query
	// weight (1 when there is none to multiply by, as for a lone term).
	idf, weight float64
	// pos is the term's place in its phrase, and in that phrase, for a
	// term of one.
	pos int
	in  *tnode
	// hits are an opPhrase's matches by segment, and targets those of the
	// segment being scored that the collector accepted: its terms are
	// scored there only.
	hits    []*roaring.Bitmap
	targets []uint32
	// sizes are the documents of each segment, for an opAll.
	sizes []uint64

	// excluded: the term is under a NOT, and never scored.
	excluded bool
	// into is the OR of terms only, or the phrase, whose sums this term
	// adds to, or nil when the term keeps its own.
	into *tnode

	// acc and cnt hold, by place among the accepted matches of the segment
	// being scored, the sum of the scores added and how many were; zero
	// again once read (eval).
	acc []float64
	cnt []uint8
}

const (
	opTerm = iota
	opOr
	opAnd
	opNot
	// opAll matches every document, with one score for all, as the must
	// of a NOT alone.
	opAll
	// opPhrase is an AND of terms of one field that must also stand in
	// the document as they stand in the phrase (phrase.go).
	opPhrase
)

// textPlan is a compiled query.
type textPlan struct {
	root    *tnode
	terms   []*tnode // depth first: each node's terms in the order their scores add
	arrays  []*tnode // the nodes that keep acc and cnt
	phrases []*tnode // the opPhrase nodes
	alls    []*tnode // the opAll nodes
}

// compileText returns q's plan, or nil when q is not only terms, phrases,
// ANDs, ORs, NOTs and match-alls; m analyses phrases.
func compileText(q query.Query, m mapping.IndexMapping) *textPlan {
	root := compileNode(q, m)
	if root == nil {
		return nil
	}
	tp := &textPlan{root: root}
	tp.walk(root, false, func(t *tnode) { tp.terms = append(tp.terms, t) })
	return tp
}

func compileNode(q query.Query, m mapping.IndexMapping) *tnode {
	switch q := q.(type) {
	case *query.TermQuery:
		if q.FieldVal == "" {
			return nil
		}
		return &tnode{op: opTerm, field: q.FieldVal, term: []byte(q.Term), boost: q.BoostVal.Value()}
	case *query.DisjunctionQuery:
		// Bleve sums the scores of more than DisjunctionHeapTakeover kids
		// in an order of its heap's, which is not repeated here.
		if q.Min > 0 || len(q.Disjuncts) > searcher.DisjunctionHeapTakeover {
			return nil
		}
		return compileKids(opOr, q.Disjuncts, m)
	case *query.ConjunctionQuery:
		return compileKids(opAnd, q.Conjuncts, m)
	case *query.BooleanQuery:
		if q.Should != nil || q.Filter != nil || q.Must == nil && q.MustNot == nil {
			return nil
		}
		// Bleve's searcher matches everything when nothing must match.
		must := &tnode{op: opAll, boost: 1, idf: 1}
		if q.Must != nil {
			must = compileNode(q.Must, m)
		}
		if must == nil || q.MustNot == nil {
			return must
		}
		not := compileNode(q.MustNot, m)
		if not == nil {
			return nil
		}
		return &tnode{op: opNot, kids: []*tnode{must}, not: not}
	case *query.MatchPhraseQuery:
		return compilePhrase(q, m)
	case *query.MatchAllQuery:
		return &tnode{op: opAll, boost: q.BoostVal.Value(), idf: 1}
	}
	return nil
}

func compileKids(op byte, qs []query.Query, m mapping.IndexMapping) *tnode {
	if len(qs) == 0 || len(qs) > math.MaxUint8 {
		return nil // a count of matched terms is kept in a byte
	}
	n := &tnode{op: op, kids: make([]*tnode, len(qs))}
	for i, q := range qs {
		if n.kids[i] = compileNode(q, m); n.kids[i] == nil {
			return nil
		}
	}
	return n
}

// walk calls term with each term under n, depth first, and lists the nodes
// that keep sums; excluded says n is under a NOT, and so never scored.
func (tp *textPlan) walk(n *tnode, excluded bool, term func(*tnode)) {
	if n.op == opTerm {
		n.excluded = excluded
		term(n)
		return
	}
	if n.op == opAll {
		tp.alls = append(tp.alls, n)
		return
	}
	if n.op == opPhrase {
		tp.phrases = append(tp.phrases, n)
	}
	// An OR of terms sums them in one array, as does a phrase, whose
	// terms are all terms.
	shared := (n.op == opOr || n.op == opPhrase) && !excluded && termsOnly(n)
	if shared {
		tp.arrays = append(tp.arrays, n)
	}
	for _, k := range n.kids {
		if k.op == opTerm && !excluded {
			if shared {
				k.into = n
			} else {
				tp.arrays = append(tp.arrays, k)
			}
		}
		tp.walk(k, excluded, term)
	}
	if n.not != nil {
		tp.walk(n.not, true, term)
	}
}

func termsOnly(n *tnode) bool {
	for _, k := range n.kids {
		if k.op != opTerm {
			return false
		}
	}
	return true
}

// prepare reads each term's postings in every segment of snap and its
// weight in the score, as Bleve's TF-IDF scorer does: idf from how many
// live documents carry it, and the query norm over every scored term. Like
// Bleve's searchers, each AND and OR then takes its kids in the order of
// their counts, which is the order their scores are added in.
func (tp *textPlan) prepare(snap *scorch.IndexSnapshot) error {
	total, err := snap.DocCount()
	if err != nil {
		return err
	}
	segs := snap.Segments()
	for _, t := range tp.terms {
		t.pls = make([]segment.PostingsList, len(segs))
		t.bms = make([]*roaring.Bitmap, len(segs))
		for i, ss := range segs {
			dict, err := ss.Segment().Dictionary(t.field)
			if err != nil {
				return err
			}
			if t.pls[i], err = dict.PostingsList(t.term, nil, nil); err != nil {
				return err
			}
			if t.bms[i], _, err = postingsBitmap(t.pls[i], nil); err != nil {
				return err
			}
			t.count += t.bms[i].GetCardinality()
			if del := ss.Deleted(); del != nil {
				t.count -= t.bms[i].AndCardinality(del)
			}
		}
		t.idf = 1.0 + math.Log(float64(total)/float64(t.count+1.0))
	}
	tp.root.order(total)
	tp.terms, tp.arrays, tp.phrases, tp.alls = tp.terms[:0], nil, nil, nil
	tp.walk(tp.root, false, func(t *tnode) { tp.terms = append(tp.terms, t) })
	for _, n := range tp.alls {
		n.sizes = make([]uint64, len(segs))
		for i, ss := range segs {
			n.sizes[i] = ss.Segment().Count()
		}
	}
	if tp.root.op == opTerm || tp.root.op == opAll {
		// A lone term's searcher is never given a query norm.
		tp.root.weight = 1.0
		return nil
	}
	norm := 1.0 / math.Sqrt(tp.root.squaredWeights())
	for _, t := range slices.Concat(tp.terms, tp.alls) {
		t.weight = t.boost * t.idf * norm
	}
	return nil
}

// order sets the counts of n and the nodes under it, Bleve's Count() of
// their searchers, and sorts each AND's and OR's kids by count as Bleve
// sorts its searchers (sort.Sort, so ties fall the same way).
func (n *tnode) order(total uint64) uint64 {
	switch n.op {
	case opTerm:
		return n.count
	case opAll:
		n.count = total
		return n.count
	case opNot:
		n.not.order(total)
		n.count = n.kids[0].order(total)
		return n.count
	}
	n.count = 0
	for _, k := range n.kids {
		n.count += k.order(total)
	}
	sort.Sort(byCount(n.kids))
	return n.count
}

type byCount []*tnode

func (b byCount) Len() int           { return len(b) }
func (b byCount) Less(i, j int) bool { return b[i].count < b[j].count }
func (b byCount) Swap(i, j int)      { b[i], b[j] = b[j], b[i] }

// squaredWeights is Bleve's Weight() of n's searcher: a term's boost × idf,
// squared, summed over what is scored.
func (n *tnode) squaredWeights() float64 {
	if n.op == opTerm || n.op == opAll {
		w := n.boost * n.idf
		return w * w
	}
	var sum float64
	for _, k := range n.kids {
		sum += k.squaredWeights()
	}
	return sum
}

// postingsBitmap is the documents of pl, deleted ones included; read
// only. It reads them through prealloc, when not nil, and returns the
// iterator for the next call to reuse.
func postingsBitmap(pl segment.PostingsList, prealloc segment.PostingsIterator) (*roaring.Bitmap, segment.PostingsIterator, error) {
	it := pl.Iterator(false, false, false, prealloc)
	// Zap's postings are bitmaps already, or a single document.
	if o, ok := it.(segment.OptimizablePostingsIterator); ok {
		if d, ok := o.DocNum1Hit(); ok {
			return roaring.BitmapOf(uint32(d)), it, nil
		}
		if bm := o.ActualBitmap(); bm != nil {
			return bm, it, nil
		}
		return roaring.New(), it, nil
	}
	out := roaring.New()
	for {
		p, err := it.Next()
		if err != nil || p == nil {
			return out, it, err
		}
		out.Add(uint32(p.Number()))
	}
}

// matches is the documents of segment i that match n, deleted ones
// included except under a phrase, which leaves out del; read only.
func (n *tnode) matches(i int, del *roaring.Bitmap) (*roaring.Bitmap, error) {
	switch n.op {
	case opTerm:
		return n.bms[i], nil
	case opAll:
		all := roaring.New()
		all.AddRange(0, n.sizes[i])
		return all, nil
	case opNot:
		must, err := n.kids[0].matches(i, del)
		if err != nil {
			return nil, err
		}
		not, err := n.not.matches(i, del)
		if err != nil {
			return nil, err
		}
		return roaring.AndNot(must, not), nil
	}
	bms := make([]*roaring.Bitmap, len(n.kids))
	for k, kid := range n.kids {
		var err error
		if bms[k], err = kid.matches(i, del); err != nil {
			return nil, err
		}
	}
	switch n.op {
	case opOr:
		return roaring.FastOr(bms...), nil
	case opPhrase:
		return n.phraseMatches(i, bms, del)
	}
	return roaring.FastAnd(bms...), nil
}
