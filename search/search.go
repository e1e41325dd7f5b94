package search

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"carrel/app"
)

// DefaultTimeout bounds a search whose context has no deadline, so that no
// request can hang on a costly query.
const DefaultTimeout = 10 * time.Second

// Result is one page of search results.
type Result struct {
	Total  uint64                  // matching items the viewer may see, on all pages
	Hits   []Hit                   // this page
	Facets map[string][]FacetCount // by facet name (Facet* constants), when asked for
	Took   time.Duration
}

// Hit is one matching item.
type Hit struct {
	ItemID int64
	Score  float64
	// SortKeys are the hit's values in the query's order, which
	// Query.After takes to continue after this hit; set only for a query
	// with Cursor or After.
	SortKeys []string
	// Snippets holds, by field ("title", "description"), fragments of text
	// with the matched words in <mark> elements, the rest HTML-escaped;
	// only when highlighting was asked for.
	Snippets map[string][]string
}

// FacetCount is how many matching items carry one facet term.
type FacetCount struct {
	Term  string
	Count int
}

// Search runs q and returns one page of results, with facet counts and
// snippets if asked for. Only items q.Viewer may see in q.Scope are counted
// or returned. Errors: EINVALID for a malformed query (the message says
// what is wrong), EUNAUTHORIZED or EFORBIDDEN for a scope the viewer may not
// use, EUNPROCESSABLE when the query runs past its deadline.
func (ix *Index) Search(ctx context.Context, q Query) (*Result, error) {
	if err := q.validate(); err != nil {
		return nil, err
	}
	e, err := parse(q.Text)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, contextError(err)
	}
	version := ix.changes.Load()
	whole, facetKey, cacheable := cacheKeys(q)
	if cacheable {
		if r := ix.cache.result(version, whole); r != nil {
			return r, nil
		}
	}
	var counted map[string][]FacetCount
	if cacheable && q.Facets {
		if counted = ix.cache.facetCounts(version, facetKey); counted != nil {
			q.Facets = false // counted already: fetch only the page
		}
	}
	var totals map[string]int
	all := q.Facets && q.browsesAll(e)
	if all {
		totals = ix.totals.at(version)
	}
	tq, order := ix.query(q, e)
	p := plan{order: order, after: q.After, public: q.Scope == ScopePublic, ranges: q.keyRanges()}
	if !q.CountOnly {
		p.want = q.Offset + q.Limit
	}
	if q.Facets {
		p.count = countedFields(q.facetNames(), totals != nil)
	}
	if len(q.After) > 0 {
		if len(q.After) != len(order) {
			return nil, app.Errorf(app.EINVALID, "the position to continue after does not belong to a search in this order")
		}
		if !validAfter(order, q.After) {
			return nil, app.Errorf(app.EINVALID, "the position to continue after is malformed")
		}
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultTimeout)
		defer cancel()
	}
	if err := ctx.Err(); err != nil {
		return nil, contextError(err)
	}
	endTurn, err := ix.takeTurn(ctx)
	if err != nil {
		return nil, err
	}
	defer endTurn()
	g, release, err := ix.current()
	if err != nil {
		return nil, err
	}
	defer release()
	start := time.Now()
	var c *collected
	if e == nil {
		c, err = ix.collect(ctx, g, nil, q.scopeFilters(), p)
	} else {
		c, err = ix.collect(ctx, g, tq, nil, p)
	}
	if err != nil {
		return nil, searchError(ctx, err)
	}
	if all && totals == nil {
		ix.keepTotals(version, c.counts[fFacets])
	}
	r := &Result{Total: c.total, Hits: make([]Hit, 0, max(len(c.hits)-q.Offset, 0))}
	for _, h := range c.hits[min(q.Offset, len(c.hits)):] {
		hit := Hit{ItemID: h.id, Score: h.score}
		if q.Cursor || len(q.After) > 0 {
			hit.SortKeys = p.sortKeys(h)
		}
		r.Hits = append(r.Hits, hit)
	}
	if q.Highlight && e != nil && len(r.Hits) > 0 {
		if err := ix.highlight(ctx, g, bleve.NewConjunctionQuery(q.accessFilter(), tq), r.Hits); err != nil {
			return nil, searchError(ctx, err)
		}
	}
	if q.Facets {
		r.Facets = facetCounts(c.counts, q.facetNames(), q.FacetSize, totals)
	}
	if counted != nil {
		r.Facets = counted
	}
	r.Took = time.Since(start)
	if cacheable {
		ix.cache.store(version, whole, facetKey, r)
	}
	return r, nil
}

// keepTotals keeps the shared facet counts of a browse of everything, made
// at version, as the index's totals, if no change has been applied since.
// It does not wait for a change being applied: the next browse counts again.
func (ix *Index) keepTotals(version uint64, counts map[string]int) {
	if counts == nil || !ix.applyMu.TryLock() {
		return
	}
	defer ix.applyMu.Unlock()
	if ix.changes.Load() == version {
		ix.totals.set(version, counts)
	}
}

// searchError reports a search that failed: stopped by its context, or
// not.
func searchError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return contextError(ctx.Err())
	}
	return app.Internal(err, "search failed")
}

// contextError reports a search stopped by its context.
func contextError(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return &app.Error{Code: app.EUNPROCESSABLE, Message: "query took too long; narrow it", Err: err}
	}
	return &app.Error{Code: app.EUNPROCESSABLE, Message: "search was cancelled", Err: err}
}

// query builds the Bleve query for a validated query and its parsed text
// (the text ANDed with the filters and the access filter) and its order.
// The public's access filter and the date filters are left to the
// collector, which reads them from columns (see plan).
func (ix *Index) query(q Query, e expr) (query.Query, search.SortOrder) {
	var must []query.Query
	switch q.Scope {
	case ScopePublic, ScopeAll:
	default:
		must = append(must, q.accessFilter())
	}
	for _, f := range q.filters() {
		must = append(must, f.query())
	}
	if e != nil {
		must = append(must, ix.textQuery(e))
	}
	var order search.SortOrder
	if !q.CountOnly {
		order = sortOrder(q, e != nil)
	}
	switch len(must) {
	case 0:
		return bleve.NewMatchAllQuery(), order
	case 1:
		return must[0], order
	}
	return bleve.NewConjunctionQuery(must...), order
}

// textQuery is the query of a parsed text.
func (ix *Index) textQuery(e expr) query.Query {
	if tq := (builder{mapping: ix.mapping}).build(e); tq != nil {
		return tq
	}
	// Only stop words or punctuation: nothing can match.
	return bleve.NewMatchNoneQuery()
}

// sortOrder is the requested order; ties in a field's order go newest
// first. For keyset paging (Cursor or After) every tie is broken, by newest
// first and then item id, so that a position is exact. Otherwise Bleve's
// index order breaks the rest, and relevance reads no value per match
// beyond its score.
func sortOrder(q Query, hasText bool) search.SortOrder {
	by := q.Sort
	if by == "" {
		by = SortRelevance
		if !hasText {
			by = SortPublished
		}
	}
	var order search.SortOrder
	if by == SortRelevance {
		// Relevance is best first unless asked otherwise; Desc is the
		// natural reading of "relevance" so it is ignored here.
		order = append(order, &search.SortScore{Desc: true})
	} else {
		// Every sort field is a keyword whose byte order is its value's.
		order = append(order, &search.SortField{Field: sortFields()[by], Desc: q.Desc, Type: search.SortFieldAsString,
			Missing: search.SortFieldMissingLast})
	}
	keyset := q.Cursor || len(q.After) > 0
	if by == SortRelevance && !keyset {
		return order
	}
	if by != SortPublished {
		order = append(order, &search.SortField{Field: fPublishedKey, Desc: true, Type: search.SortFieldAsString,
			Missing: search.SortFieldMissingLast})
	}
	if !keyset {
		return order
	}
	return append(order, &search.SortDocID{Desc: true})
}

// validAfter reports whether each key of a position to continue after is
// a value its sort field can hold.
func validAfter(order search.SortOrder, after []string) bool {
	for i, so := range order {
		k := after[i]
		var err error
		switch so := so.(type) {
		case *search.SortScore:
			_, err = strconv.ParseFloat(k, 64)
		case *search.SortDocID:
			_, err = strconv.ParseInt(k, 10, 64)
		case *search.SortField:
			switch so.Field {
			case fPublishedKey, fModifiedKey, fCreatedKey:
				_, err = time.Parse(timeKeyLayout, k)
			case fViewsKey, fDownloadsKey, fSharesKey:
				_, err = strconv.ParseUint(k, 10, 64)
			}
		}
		// Bleve writes a missing value as one of its sentinel terms.
		if err != nil && k != search.HighTerm && k != search.LowTerm {
			return false
		}
	}
	return true
}
