package search

import (
	"slices"
	"strings"
)

// The facets with few distinct terms share one field, fFacets, whose terms
// are the facet's code, a colon and the term ("t:3" is item type 3): one
// column to read per match instead of six (see columns.go), and one doc
// value field for the kept totals' counts of changed items (sharedCounts).
// Authors and keywords have many terms each and are counted from their own
// fields, so a search that does not count them does not pay for them.
const fFacets = "facets"

// facetCodes are the one-letter codes of the facets counted from fFacets.
func facetCodes() map[string]byte {
	return map[string]byte{
		FacetItemType: 't', FacetCategory: 'c', FacetLicense: 'l', FacetYear: 'y', FacetGroup: 'g', FacetExtension: 'e',
	}
}

// maxSharedTerms bounds the terms of fFacets that one search counts: every
// category, year, license, item type, group and extension in use, with
// room to spare.
const maxSharedTerms = 1 << 16

// facetValues are the terms of fFacets for one document's field map.
func facetValues(m map[string]any) []string {
	var out []string
	fields := facetFields()
	for name, code := range facetCodes() {
		switch v := m[fields[name]].(type) {
		case string:
			out = append(out, string(code)+":"+v)
		case []string:
			for _, t := range v {
				out = append(out, string(code)+":"+t)
			}
		}
	}
	slices.Sort(out) // the same document always gives the same field
	return out
}

// TotalledFacets are the facets whose counts over everything public the
// index keeps (see facetTotals): browsing everything with only these costs
// no count at all.
func TotalledFacets() []string {
	return []string{FacetItemType, FacetCategory, FacetLicense, FacetYear, FacetGroup, FacetExtension}
}

// countedFields are the fields a search counts for the named facets; with
// totals it leaves the shared ones out, which totals hold.
func countedFields(names []string, totals bool) []string {
	var fields []string
	shared := false
	for _, name := range names {
		if _, ok := facetCodes()[name]; ok {
			shared = !totals
			continue
		}
		fields = append(fields, facetFields()[name])
	}
	if shared {
		fields = append(fields, fFacets)
	}
	return fields
}

// facetCounts turns the counts by field into counts by facet name: the
// named facets only, each cut to its size, most frequent first and equal
// counts in term order, so that output is stable.
// The shared facets come from totals instead when it is not nil.
func facetCounts(counted map[string]map[string]int, names []string, size int, totals map[string]int) map[string][]FacetCount {
	byName := make(map[string][]FacetCount, len(names))
	for _, name := range names {
		byName[name] = []FacetCount{}
	}
	byCode := map[byte]string{}
	for name, code := range facetCodes() {
		byCode[code] = name
	}
	byField := map[string]string{}
	for name, field := range facetFields() {
		byField[field] = name
	}
	add := func(field, term string, n int) {
		name := byField[field]
		if field == fFacets {
			if len(term) < 2 || term[1] != ':' {
				return
			}
			name, term = byCode[term[0]], term[2:]
		}
		if counts, ok := byName[name]; ok {
			byName[name] = append(counts, FacetCount{Term: term, Count: n})
		}
	}
	for field, terms := range counted {
		if field == fFacets && totals != nil {
			continue
		}
		for term, n := range terms {
			add(field, term, n)
		}
	}
	for term, n := range totals {
		add(fFacets, term, n)
	}
	for name, counts := range byName {
		byName[name] = topCounts(counts, size)
	}
	return byName
}

// facetBefore orders facet counts: most frequent first, equal counts in
// term order.
func facetBefore(a, b FacetCount) int {
	if a.Count != b.Count {
		return b.Count - a.Count
	}
	return strings.Compare(a.Term, b.Term)
}

// topCounts returns the first size of counts in facetBefore's order,
// sorted, in counts' array. A broad search counts thousands of categories
// and shows a few: they are picked with a heap of size entries, the worst
// on top, rather than by sorting all.
func topCounts(counts []FacetCount, size int) []FacetCount {
	if len(counts) <= size {
		slices.SortFunc(counts, facetBefore)
		return counts
	}
	top := counts[:size] // a heap: no entry comes after the one at 0
	worse := func(i, j int) bool { return facetBefore(top[i], top[j]) > 0 }
	down := func(i int) {
		for {
			m := i
			for _, k := range []int{2*i + 1, 2*i + 2} {
				if k < len(top) && worse(k, m) {
					m = k
				}
			}
			if m == i {
				return
			}
			top[i], top[m] = top[m], top[i]
			i = m
		}
	}
	for i := len(top)/2 - 1; i >= 0; i-- {
		down(i)
	}
	for _, c := range counts[size:] {
		if facetBefore(c, top[0]) < 0 {
			top[0] = c
			down(0)
		}
	}
	slices.SortFunc(top, facetBefore)
	return top
}
