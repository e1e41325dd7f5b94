package search

import (
	"context"
	"maps"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Browsing everything (no text, no filter, the public's view) counts the
// shared facets over every public item, which at a million items costs
// seconds. So the index keeps those counts, facetTotals, and moves them
// with each change it applies: it counts the shared facets of the changed
// items before and after the change (a search over a few documents) and
// adds the difference. The counts are computed in full the first time
// someone browses after Open or a rebuild, and are labelled with the index's
// change counter, so counts of another state are never used.
type facetTotals struct {
	mu      sync.Mutex
	version uint64
	counts  map[string]int // fFacets term → public items carrying it; never changed in place
}

// at returns the counts if they are those of the index at version.
func (t *facetTotals) at(version uint64) map[string]int {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.counts == nil || t.version != version {
		return nil
	}
	return t.counts
}

func (t *facetTotals) set(version uint64, counts map[string]int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.version, t.counts = version, counts
}

// browsesAll reports whether q asks for the public's view of everything,
// the query whose facets facetTotals keeps.
func (q *Query) browsesAll(e expr) bool {
	return q.Scope == ScopePublic && e == nil && len(q.filters()) == 0 && len(q.keyRanges()) == 0
}

// sharedCounts counts the shared facet terms of the public items among
// ids, in idx as it is now.
func sharedCounts(idx bleve.Index, ids []string) (map[string]int, error) {
	counts := map[string]int{}
	if len(ids) == 0 {
		return counts, nil
	}
	public := (&Query{Scope: ScopePublic}).accessFilter()
	req := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(query.NewDocIDQuery(ids), public), 0, 0, false)
	req.AddFacet(fFacets, bleve.NewFacetRequest(fFacets, maxSharedTerms))
	res, err := idx.Search(req)
	if err != nil {
		return nil, err
	}
	addTerms(counts, res)
	return counts, nil
}

// addTerms adds the shared facet counts of res to counts.
func addTerms(counts map[string]int, res *bleve.SearchResult) {
	fr := res.Facets[fFacets]
	if fr == nil || fr.Terms == nil {
		return
	}
	for _, t := range fr.Terms.Terms() {
		counts[t.Term] += t.Count
	}
}

// moveTotals returns base with the items of one change moved from their
// counts before it to their counts after it.
func moveTotals(base, before, after map[string]int) map[string]int {
	next := maps.Clone(base)
	for term, n := range before {
		next[term] -= n
	}
	for term, n := range after {
		next[term] += n
	}
	for term, n := range next {
		if n <= 0 {
			delete(next, term)
		}
	}
	return next
}

// changedIDs are the document ids a change touches.
func changedIDs(put []Document, del []int64) []string {
	ids := make([]string, 0, len(put)+len(del))
	for i := range put {
		ids = append(ids, docID(put[i].ItemID))
	}
	for _, id := range del {
		ids = append(ids, docID(id))
	}
	return ids
}

// CountEverything counts the facets of everything public, so that the
// first reader to browse after a start or a rebuild finds them counted;
// the index keeps the counts current from then on. It also makes the
// columns every order and the author and keyword facets read (see
// columns.go), so that no reader waits for those either.
func (ix *Index) CountEverything(ctx context.Context) error {
	if _, err := ix.Search(ctx, Query{Limit: 1, Facets: true, FacetNames: TotalledFacets()}); err != nil {
		return err
	}
	if _, err := ix.Search(ctx, Query{CountOnly: true, Facets: true, NoCache: true,
		FacetNames: []string{FacetAuthor, FacetKeyword}}); err != nil {
		return err
	}
	for by := range sortFields() {
		if _, err := ix.Search(ctx, Query{Sort: by, Limit: 1, NoCache: true}); err != nil {
			return err
		}
	}
	return nil
}
