package search

import (
	"context"
	"encoding/binary"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// collect runs q on snap and collects what p asks for. A query of terms,
// phrases, ANDs, ORs and NOTs is answered from the postings (collectPlan);
// any other runs with Bleve's searchers, as follows. Matches are first found unscored: Bleve then merges the terms'
// postings as bitmaps, which costs little per match, and that is enough to
// count them and their facets. When the page is ordered by relevance and
// the query is an AND, a scoring searcher then visits the accepted matches
// only, so that an AND of common words scores its few matches instead of
// every document carrying one of them. Any other query ordered by
// relevance is scored in one pass: moving an OR's searcher to each match
// costs more than letting it run.
func (s *columnStore) collect(ctx context.Context, snap *scorch.IndexSnapshot, q query.Query, m mapping.IndexMapping, p plan) (*collected, error) {
	if tp := compileText(q, m); tp != nil {
		return s.collectPlan(ctx, snap, tp, p)
	}
	c, err := newCollector(s, snap, p)
	if err != nil {
		return nil, err
	}
	scored := p.byScore() && p.want > 0
	if scored && !conjunctive(q) {
		err = c.each(ctx, q, m, "", func(local uint64, score float64) {
			if c.accept(local) {
				c.consider(local, score, c.seen-1)
			}
		})
		if err != nil {
			return nil, err
		}
		return c.finish()
	}
	var matches []uint64
	err = c.each(ctx, q, m, bleve.ScoreNone, func(local uint64, _ float64) {
		switch {
		case !c.accept(local):
		case scored:
			matches = append(matches, c.offsets[c.seg]+local)
		default:
			c.consider(local, 0, c.seen-1)
		}
	})
	if err != nil {
		return nil, err
	}
	if scored {
		if err := c.score(ctx, q, m, matches); err != nil {
			return nil, err
		}
	}
	return c.finish()
}

// conjunctive reports whether q is an AND of two or more parts at its top,
// whose matches are fewer than its parts'. A NOT alone ("a NOT b") is not:
// it keeps most of a's matches.
func conjunctive(q query.Query) bool {
	switch q := q.(type) {
	case *query.ConjunctionQuery:
		return len(q.Conjuncts) > 1
	case *query.BooleanQuery:
		return q.Must != nil && conjunctive(q.Must)
	}
	return false
}

// each runs q's searcher, scoring as score says, and calls fn with each
// match's number in its segment, which it enters first.
func (c *collector) each(ctx context.Context, q query.Query, m mapping.IndexMapping, score string, fn func(local uint64, score float64)) error {
	searcher, sctx, err := newSearcher(ctx, c.snap, q, m, score)
	if err != nil {
		return err
	}
	defer searcher.Close()
	for n := 0; ; n++ {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		dm, err := searcher.Next(sctx)
		if err != nil {
			return err
		}
		if dm == nil {
			return nil
		}
		num, score := binary.BigEndian.Uint64(dm.IndexInternalID), dm.Score
		sctx.DocumentMatchPool.Put(dm)
		if err := c.enterFor(num); err != nil {
			return err
		}
		fn(num-c.offsets[c.seg], score)
	}
}

// score scores the matches, global document numbers in index order, and
// offers each for the page.
func (c *collector) score(ctx context.Context, q query.Query, m mapping.IndexMapping, matches []uint64) error {
	searcher, sctx, err := newSearcher(ctx, c.snap, q, m, "")
	if err != nil {
		return err
	}
	defer searcher.Close()
	var dm *search.DocumentMatch
	var at uint64 // dm's document number
	id := make(index.IndexInternalID, 8)
	for n, num := range matches {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if dm == nil || at < num {
			if dm != nil {
				sctx.DocumentMatchPool.Put(dm)
			}
			binary.BigEndian.PutUint64(id, num)
			if dm, err = searcher.Advance(sctx, id); err != nil {
				return err
			}
			if dm == nil {
				return nil
			}
			at = binary.BigEndian.Uint64(dm.IndexInternalID)
		}
		if at != num {
			continue // not scored as a match: cannot be, the index being the same snapshot
		}
		if err := c.enterFor(num); err != nil {
			return err
		}
		c.consider(num-c.offsets[c.seg], dm.Score, uint64(n))
	}
	return nil
}

// newSearcher makes the searcher of q on snap, scoring as score says.
func newSearcher(ctx context.Context, snap *scorch.IndexSnapshot, q query.Query, m mapping.IndexMapping, score string) (search.Searcher, *search.SearchContext, error) {
	searcher, err := q.Searcher(ctx, snap, m, search.SearcherOptions{Score: score})
	if err != nil {
		return nil, nil, err
	}
	sctx := &search.SearchContext{
		DocumentMatchPool: search.NewDocumentMatchPool(searcher.DocumentMatchPoolSize()+1, 0),
		IndexReader:       snap,
	}
	return searcher, sctx, nil
}
