package search

import (
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2"
)

// Facet counting reads each matching item's doc values, once per field, and
// at scale that read is most of a search's cost. So the facets with few
// distinct terms share one field, fFacets, whose terms are the facet's code,
// a colon and the term ("t:3" is item type 3): one field to read per hit
// instead of six. Authors and keywords have many terms each and are counted
// from their own fields, so a search that does not count them does not pay
// for them.
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
	for name, code := range facetCodes() {
		switch v := m[facetFields()[name]].(type) {
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

// addFacets asks req to count the named facets.
func addFacets(req *bleve.SearchRequest, names []string, size int) {
	shared := false
	for _, name := range names {
		if _, ok := facetCodes()[name]; ok {
			shared = true
			continue
		}
		req.AddFacet(name, bleve.NewFacetRequest(facetFields()[name], size))
	}
	if shared {
		req.AddFacet(fFacets, bleve.NewFacetRequest(fFacets, maxSharedTerms))
	}
}

// facetCounts turns Bleve's facet results into counts by facet name: the
// named facets only, each cut to its size, most frequent first and equal
// counts in term order, so that output is stable.
func facetCounts(res *bleve.SearchResult, names []string, size int) map[string][]FacetCount {
	byName := make(map[string][]FacetCount, len(names))
	for _, name := range names {
		byName[name] = []FacetCount{}
	}
	byCode := map[byte]string{}
	for name, code := range facetCodes() {
		byCode[code] = name
	}
	for field, fr := range res.Facets {
		if fr.Terms == nil {
			continue
		}
		for _, t := range fr.Terms.Terms() {
			name, term := field, t.Term
			if field == fFacets {
				if len(t.Term) < 2 || t.Term[1] != ':' {
					continue
				}
				name, term = byCode[t.Term[0]], t.Term[2:]
			}
			if counts, ok := byName[name]; ok {
				byName[name] = append(counts, FacetCount{Term: term, Count: t.Count})
			}
		}
	}
	for name, counts := range byName {
		slices.SortFunc(counts, func(a, b FacetCount) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			return strings.Compare(a.Term, b.Term)
		})
		byName[name] = counts[:min(len(counts), size)]
	}
	return byName
}
