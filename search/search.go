package search

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/highlight/highlighter/html"
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
	req := ix.request(q, e, totals != nil)
	if len(q.After) > 0 {
		if len(q.After) != len(req.Sort) {
			return nil, app.Errorf(app.EINVALID, "the position to continue after does not belong to a search in this order")
		}
		if err := req.Validate(); err != nil || !validAfter(req.Sort, q.After) {
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
	g, release, err := ix.current()
	if err != nil {
		return nil, err
	}
	defer release()
	res, err := g.idx.SearchInContext(ctx, req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, contextError(ctx.Err())
		}
		return nil, app.Internal(err, "search failed")
	}
	if all && totals == nil {
		ix.keepTotals(version, res)
	}
	r := result(res, q, req.Sort, totals)
	if counted != nil {
		r.Facets = counted
	}
	if cacheable {
		ix.cache.store(version, whole, facetKey, r)
	}
	return r, nil
}

// keepTotals keeps the shared facet counts of a browse of everything, made
// at version, as the index's totals, if no change has been applied since.
// It does not wait for a change being applied: the next browse counts again.
func (ix *Index) keepTotals(version uint64, res *bleve.SearchResult) {
	if res.Facets[fFacets] == nil || !ix.applyMu.TryLock() {
		return
	}
	defer ix.applyMu.Unlock()
	if ix.changes.Load() == version {
		counts := map[string]int{}
		addTerms(counts, res)
		ix.totals.set(version, counts)
	}
}

// contextError reports a search stopped by its context.
func contextError(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return &app.Error{Code: app.EUNPROCESSABLE, Message: "query took too long; narrow it", Err: err}
	}
	return &app.Error{Code: app.EUNPROCESSABLE, Message: "search was cancelled", Err: err}
}

// request builds the Bleve request for a validated query and its parsed
// text: the text query ANDed with the filters and the access filter.
func (ix *Index) request(q Query, e expr, totals bool) *bleve.SearchRequest {
	must := []query.Query{q.accessFilter()}
	must = append(must, q.filters()...)
	hasText := e != nil
	if hasText {
		tq := builder{mapping: ix.mapping}.build(e)
		if tq == nil {
			// Only stop words or punctuation: nothing can match.
			tq = bleve.NewMatchNoneQuery()
		}
		must = append(must, tq)
	}
	req := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(must...), q.Limit, q.Offset, false)
	order := sortOrder(q, hasText)
	if q.CountOnly {
		order = search.SortOrder{&search.SortDocID{}} // nothing is collected to sort
	}
	req.SortByCustom(order)
	if len(q.After) > 0 {
		req.SearchAfter = q.After
	}
	if _, byScore := order[0].(*search.SortScore); !byScore {
		// Scores would only be thrown away: skip computing them, which
		// matters most for browsing everything.
		req.Score = bleve.ScoreNone
	}
	if q.Facets {
		addFacets(req, q.facetNames(), q.FacetSize, totals)
	}
	if q.Highlight && hasText {
		req.Highlight = bleve.NewHighlightWithStyle(html.Name)
		for _, f := range highlightFields() {
			req.Highlight.AddField(f)
		}
	}
	return req
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

// result converts Bleve's answer.
func result(res *bleve.SearchResult, q Query, order search.SortOrder, totals map[string]int) *Result {
	r := &Result{Total: res.Total, Took: res.Took, Hits: make([]Hit, 0, len(res.Hits))}
	for _, h := range res.Hits {
		id, err := strconv.ParseInt(h.ID, 10, 64)
		if err != nil {
			continue // not an item document; none are written, but never trust ids blindly
		}
		hit := Hit{ItemID: id, Score: h.Score}
		if q.Cursor || len(q.After) > 0 {
			hit.SortKeys = sortKeys(order, h)
		}
		if q.Highlight && len(h.Fragments) > 0 {
			hit.Snippets = make(map[string][]string, len(h.Fragments))
			for f, frags := range h.Fragments {
				hit.Snippets[f] = frags
			}
		}
		r.Hits = append(r.Hits, hit)
	}
	if q.Facets {
		r.Facets = facetCounts(res, q.facetNames(), q.FacetSize, totals)
	}
	return r
}

// sortKeys are a hit's values in the query's order, as SearchAfter takes
// them: Bleve reports a score's place as "_score", so the score itself is
// written there, exactly.
func sortKeys(order search.SortOrder, h *search.DocumentMatch) []string {
	keys := slices.Clone(h.DecodedSort)
	for i, so := range order {
		if _, ok := so.(*search.SortScore); ok && i < len(keys) {
			keys[i] = strconv.FormatFloat(h.Score, 'g', -1, 64)
		}
	}
	return keys
}
