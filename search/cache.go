package search

import (
	"encoding/json"
	"sync"

	"carrel/app"
)

// The public scope is the same for every viewer, so the answers to public
// queries can be shared between them until the index changes. Two caches
// keep them: whole results by every part of the query, and facet counts by
// the parts that decide which items match (not the page, order or
// snippets), so that paging through a broad query counts its facets once.
// Both are keyed by the index's change counter, which every Apply and every
// rebuild's swap moves on; an answer computed before a change is never
// served after it.

// cacheSize bounds each cache; when full it is emptied and refilled, which
// keeps the bound without the bookkeeping of an LRU.
const cacheSize = 512

type resultCache struct {
	mu      sync.Mutex
	version uint64
	results map[string]*Result
	facets  map[string]map[string][]FacetCount
}

// cacheKeys returns the keys of q in both caches, and false when q may not
// be cached: only public-scope queries are.
func cacheKeys(q Query) (whole, facets string, ok bool) {
	if q.Scope != ScopePublic || q.NoCache {
		return "", "", false
	}
	q.Viewer = app.Actor{}
	b, err := json.Marshal(q)
	if err != nil {
		return "", "", false
	}
	whole = string(b)
	q.Offset, q.Limit, q.Sort, q.Desc, q.Highlight, q.CountOnly = 0, 0, "", false, false, false
	if b, err = json.Marshal(q); err != nil {
		return "", "", false
	}
	return whole, string(b), true
}

// result returns a copy of the cached result under key, if it was computed
// at the given version.
func (c *resultCache) result(version uint64, key string) *Result {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.results[key]
	if r == nil || c.version != version {
		return nil
	}
	cp := *r
	cp.Hits = append([]Hit(nil), r.Hits...)
	return &cp
}

// facetCounts returns the cached facet counts under key at version.
func (c *resultCache) facetCounts(version uint64, key string) map[string][]FacetCount {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version {
		return nil
	}
	return c.facets[key]
}

// store keeps r, computed at version, under both keys; a result computed
// before the latest change is dropped.
func (c *resultCache) store(version uint64, whole, facets string, r *Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if version < c.version {
		return
	}
	if version > c.version || c.results == nil || len(c.results) >= cacheSize || len(c.facets) >= cacheSize {
		c.version = version
		c.results = map[string]*Result{}
		c.facets = map[string]map[string][]FacetCount{}
	}
	cp := *r
	cp.Hits = append([]Hit(nil), r.Hits...)
	c.results[whole] = &cp
	if r.Facets != nil {
		c.facets[facets] = r.Facets
	}
}
