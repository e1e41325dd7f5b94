package search

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"carrel/app"
)

func TestSearch_Text(t *testing.T) {
	ix := fixtureIndex(t)
	tests := []struct {
		text string
		want []int64 // sorted
	}{
		{"", []int64{1, 2, 3, 4, 5, 6}},
		{"glacier", []int64{1, 2, 5}},
		{"glaciers", []int64{1, 2, 5}},    // stemmed
		{"GLACIER melt", []int64{1}},      // implicit AND, case-folded
		{"the glacier", []int64{1, 2, 5}}, // stop words are ignored
		{"the", nil},                      // nothing left to match
		{"glacier OR reef", []int64{1, 2, 3, 5}},
		{"glacier NOT ocean", []int64{1}},
		{"NOT glacier", []int64{3, 4, 6}},
		{"(glacier OR reef) AND ocean", []int64{2, 5}},
		{`"ice loss"`, []int64{1}},
		{`"loss ice"`, nil},
		{"lovelace", []int64{1, 3}},     // authors
		{"oceanography", []int64{2, 5}}, // categories
		{"moisture", nil},
		{"melt_rates.csv", []int64{1}}, // file name as given
		{"stations", []int64{1}},       // a word of a file name
		{"em", nil},                    // description tags are not indexed
		{"sea", []int64{2}},            // but their text is
		{"10.5072/carrel.1.v1", []int64{1}},
		{"secret", nil}, // hidden items never match
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			res := mustSearch(t, ix, Query{Text: tt.text})
			if got := sortedIDs(res); !slices.Equal(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
				t.Errorf("Search(%q) = %v, want %v", tt.text, got, tt.want)
			}
			if got, want := res.Total, uint64(len(tt.want)); got != want {
				t.Errorf("Search(%q).Total = %d, want %d", tt.text, got, want)
			}
		})
	}
}

func TestSearch_Prefixes(t *testing.T) {
	ix := fixtureIndex(t)
	tests := []struct {
		text string
		want []int64
	}{
		{":title: glacier", []int64{1}},
		{":description: glacier", []int64{2, 5}},
		{`:title: "glacier melt"`, []int64{1}},
		{":title: (reef OR letters)", []int64{2, 3, 4}},
		{":tag: climate", []int64{1, 5}},
		{`:tag: "machine learning"`, []int64{3}},
		{":category: oceanography", []int64{2, 5}},
		{":category: 2", []int64{1, 2, 5}}, // by id, ancestors included
		{":author: turing", []int64{3, 6}},
		{`:author: "Ada Lovelace"`, []int64{1, 3}},
		{":orcid: 0000-0002-1825-0097", []int64{1}},
		{":orcid: https://orcid.org/0000-0002-1825-0097", []int64{1}},
		{":doi: 10.5072/CARREL.1.V1", []int64{1}},
		{":doi: https://doi.org/10.5072/carrel.1.v1", []int64{1}},
		{":handle: 20.500.12345/2", []int64{2}},
		{":extension: csv", []int64{1}},
		{":extension: .PY", []int64{3}},
		{":item_type: dataset", []int64{1, 2, 5}},
		{":item_type: 9", []int64{3}},
		{`:item_type: "journal contribution"`, []int64{6}},
		{`:licence: "CC BY 4.0"`, []int64{1, 4, 5}},
		{":license: MIT", []int64{3}},
		{":licence: 2", []int64{2}},
		{":group: 20", []int64{3, 4}},
		{":title: glacier OR :author: curie", []int64{1, 4}},
		{":tag: climate NOT :title: glacier", []int64{5}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			res := mustSearch(t, ix, Query{Text: tt.text})
			if got := sortedIDs(res); !slices.Equal(got, tt.want) {
				t.Errorf("Search(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

func TestSearch_Relevance(t *testing.T) {
	ix := MustOpen(t, "")
	mustApply(t, ix, 1, []Document{
		{ItemID: 1, Public: true, Title: "Soil samples", Description: "Permafrost cores from the tundra, permafrost thaw rates."},
		{ItemID: 2, Public: true, Title: "Permafrost thaw", Description: "Soil samples."},
		{ItemID: 3, Public: true, Title: "Unrelated", Description: "Nothing here."},
	})
	res := mustSearch(t, ix, Query{Text: "permafrost"})
	if got, want := ids(res), []int64{2, 1}; !slices.Equal(got, want) {
		t.Fatalf("Search(permafrost) = %v, want the title match first: %v", got, want)
	}
	if res.Hits[0].Score <= res.Hits[1].Score {
		t.Errorf("title match scored %v, description match %v", res.Hits[0].Score, res.Hits[1].Score)
	}
}

func TestSearch_Filters(t *testing.T) {
	ix := fixtureIndex(t)
	tests := []struct {
		name string
		q    Query
		want []int64
	}{
		{"item type", Query{ItemType: 3}, []int64{1, 2, 5}},
		{"group", Query{GroupID: 20}, []int64{3, 4}},
		{"institution", Query{InstitutionID: 2}, []int64{6}},
		{"published since", Query{PublishedSince: day("2022-01-02")}, []int64{3, 4, 6}},
		{"published before", Query{PublishedBefore: day("2019-03-04")}, []int64{5}},
		{"published range", Query{PublishedSince: day("2019-01-01"), PublishedBefore: day("2022-01-01")}, []int64{1, 2}},
		{"modified since", Query{ModifiedSince: day("2023-05-07")}, []int64{4, 6}},
		{"doi", Query{DOI: "doi:10.5072/carrel.1.v1"}, []int64{1}},
		{"handle", Query{Handle: "https://hdl.handle.net/20.500.12345/2"}, []int64{2}},
		{"resource doi", Query{ResourceDOI: "10.1000/JOURNAL.42"}, []int64{4}},
		{"text and filter", Query{Text: "glacier", GroupID: 10, ItemType: 3}, []int64{1, 2, 5}},
		{"orcid", Query{ORCID: "https://orcid.org/0000-0002-1825-0097"}, []int64{1}},
		{"category term, ancestors included", Query{Terms: map[string][]string{FacetCategory: {"2"}}}, []int64{1, 2, 5}},
		{"author term", Query{Terms: map[string][]string{FacetAuthor: {"Ada Lovelace"}}}, []int64{1, 3}},
		{"terms of two facets", Query{Terms: map[string][]string{FacetAuthor: {"Grace Hopper"}, FacetYear: {"2021"}}}, []int64{2}},
		{"two terms of one facet", Query{Terms: map[string][]string{FacetKeyword: {"ocean", "climate"}}}, []int64{5}},
		{"extension term", Query{Terms: map[string][]string{FacetExtension: {".CSV"}}}, []int64{1}},
		{"license term and text", Query{Text: "reef", Terms: map[string][]string{FacetLicense: {"3"}}}, []int64{3}},
		{"term of a hidden item", Query{Terms: map[string][]string{FacetKeyword: {"secret"}}}, nil},
		{"no match", Query{Text: "glacier", GroupID: 20}, nil},
		{"item ids", Query{ItemIDs: []int64{2, 4, 99}}, []int64{2, 4}},
		{"item ids and filter", Query{ItemIDs: []int64{1, 3}, GroupID: 20}, []int64{3}},
		{"no item ids", Query{ItemIDs: []int64{}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sortedIDs(mustSearch(t, ix, tt.q)); !slices.Equal(got, tt.want) && len(got)+len(tt.want) > 0 {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSearch_Sort(t *testing.T) {
	ix := fixtureIndex(t)
	tests := []struct {
		q    Query
		want []int64
	}{
		{Query{}, []int64{5, 1, 2, 3, 4, 6}}, // no text: published date, oldest first
		{Query{Desc: true}, []int64{6, 4, 3, 2, 1, 5}},
		{Query{Sort: SortPublished, Desc: true}, []int64{6, 4, 3, 2, 1, 5}},
		{Query{Sort: SortModified}, []int64{5, 1, 2, 3, 4, 6}},
		{Query{Sort: SortCreated, Desc: true}, []int64{6, 4, 3, 2, 1, 5}},
		{Query{Sort: SortTitle}, []int64{4, 2, 1, 6, 3, 5}},
		{Query{Sort: SortViews, Desc: true}, []int64{2, 1, 5, 3, 6, 4}}, // ties: newest first
		{Query{Sort: SortDownloads, Desc: true}, []int64{3, 1, 2, 6, 4, 5}},
		{Query{Sort: SortShares}, []int64{6, 4, 3, 2, 1, 5}},
		{Query{Sort: SortTitle, Offset: 2, Limit: 2}, []int64{1, 6}},
	}
	for _, tt := range tests {
		t.Run(tt.q.Sort, func(t *testing.T) {
			if got := ids(mustSearch(t, ix, tt.q)); !slices.Equal(got, tt.want) {
				t.Errorf("Search(%+v) = %v, want %v", tt.q, got, tt.want)
			}
		})
	}
}

func TestSearch_Highlight(t *testing.T) {
	ix := fixtureIndex(t)
	res := mustSearch(t, ix, Query{Text: "glacier", Highlight: true, Sort: SortPublished})
	if len(res.Hits) != 3 {
		t.Fatalf("got %d hits, want 3", len(res.Hits))
	}
	byID := map[int64]map[string][]string{}
	for _, h := range res.Hits {
		byID[h.ItemID] = h.Snippets
	}
	if got := byID[1]["title"]; len(got) != 1 || !strings.Contains(got[0], "<mark>Glacier</mark>") {
		t.Errorf("item 1 title snippets = %q, want Glacier marked", got)
	}
	got := byID[2]["description"]
	if len(got) != 1 || !strings.Contains(got[0], "<mark>glacier</mark>") || !strings.Contains(got[0], "&amp;") ||
		strings.Contains(got[0], "<em>") {
		t.Errorf("item 2 description snippets = %q, want glacier marked, text escaped, tags gone", got)
	}
	if res := mustSearch(t, ix, Query{Text: "glacier"}); res.Hits[0].Snippets != nil {
		t.Errorf("snippets without Highlight: %v", res.Hits[0].Snippets)
	}
}

func TestSearch_BadInput(t *testing.T) {
	ix := fixtureIndex(t)
	expired, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	tests := []struct {
		name string
		ctx  context.Context
		q    Query
		code string
		msg  string
	}{
		{"unbalanced quote", nil, Query{Text: `"ice`}, app.EINVALID, "unbalanced quote in query"},
		{"unbalanced paren", nil, Query{Text: `(ice`}, app.EINVALID, "unbalanced parenthesis"},
		{"unknown prefix", nil, Query{Text: `:colour: red`}, app.EINVALID, "unknown field prefix :colour:"},
		{"too long", nil, Query{Text: strings.Repeat("ice ", 1100)}, app.EINVALID, "longer than 4096 bytes"},
		{"limit too big", nil, Query{Limit: 1001}, app.EINVALID, "limit must be between 1 and 1000"},
		{"limit negative", nil, Query{Limit: -1}, app.EINVALID, "limit"},
		{"offset negative", nil, Query{Offset: -1}, app.EINVALID, "offset"},
		{"offset absurd", nil, Query{Offset: MaxOffset + 1}, app.EINVALID, "offset"},
		{"facet size", nil, Query{Facets: true, FacetSize: 1000}, app.EINVALID, "facet size"},
		{"facet name", nil, Query{Facets: true, FacetNames: []string{"colour"}}, app.EINVALID, `unknown facet "colour"`},
		{"sort", nil, Query{Sort: "colour"}, app.EINVALID, `unknown sort order "colour"`},
		{"filter name", nil, Query{Terms: map[string][]string{"colour": {"red"}}}, app.EINVALID, `unknown filter "colour"`},
		{"filter empty", nil, Query{Terms: map[string][]string{FacetAuthor: {""}}}, app.EINVALID, "1 to 300 characters"},
		{"filter long", nil, Query{Terms: map[string][]string{FacetAuthor: {strings.Repeat("a", 301)}}}, app.EINVALID, "1 to 300 characters"},
		{"too many filters", nil, Query{Terms: map[string][]string{FacetKeyword: strings.Fields(strings.Repeat("k ", 21))}}, app.EINVALID, "at most 20 filters"},
		{"date", nil, Query{PublishedSince: time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)}, app.EINVALID, "out of range"},
		{"scope", nil, Query{Scope: Scope(9)}, app.EINVALID, "scope"},
		{"own anonymous", nil, Query{Scope: ScopeOwn}, app.EUNAUTHORIZED, "sign in"},
		{"all not admin", nil, Query{Scope: ScopeAll, Viewer: app.Actor{AccountID: 7}}, app.EFORBIDDEN, "administrators"},
		{"deadline", expired, Query{Text: "glacier"}, app.EUNPROCESSABLE, "query took too long; narrow it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := tt.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			res, err := ix.Search(ctx, tt.q)
			if err == nil {
				t.Fatalf("Search(%+v) = %v, want an error", tt.q, ids(res))
			}
			wantCode(t, err, tt.code)
			if got := app.ErrorMessage(err); !strings.Contains(got, tt.msg) {
				t.Errorf("message %q, want it to contain %q", got, tt.msg)
			}
		})
	}
}

func TestSearch_Paging(t *testing.T) {
	ix := MustOpen(t, "")
	mustApply(t, ix, 1, SyntheticDocuments(1, 300))
	all := mustSearch(t, ix, Query{Limit: MaxLimit, Sort: SortTitle})
	var paged []int64
	for off := 0; off < len(all.Hits); off += 7 {
		res := mustSearch(t, ix, Query{Offset: off, Limit: 7, Sort: SortTitle})
		if res.Total != all.Total {
			t.Fatalf("page at %d: Total = %d, want %d", off, res.Total, all.Total)
		}
		paged = append(paged, ids(res)...)
	}
	if got, want := paged, ids(all); !slices.Equal(got, want) {
		t.Errorf("pages of 7 give %d ids, one page gives %d, or they differ", len(got), len(want))
	}
	if got := len(mustSearch(t, ix, Query{}).Hits); got != DefaultLimit {
		t.Errorf("default page has %d hits, want %d", got, DefaultLimit)
	}
}
