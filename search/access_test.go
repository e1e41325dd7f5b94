package search

import (
	"slices"
	"strconv"
	"testing"

	"carrel/app"
)

func TestSearch_Access(t *testing.T) {
	ix := fixtureIndex(t)
	anonymous, owner, other, admin := app.Actor{}, app.Actor{AccountID: 7}, app.Actor{AccountID: 8}, app.Actor{AccountID: 1, Admin: true}
	public := []int64{1, 2, 3, 4, 5, 6}
	tests := []struct {
		name   string
		viewer app.Actor
		scope  Scope
		want   []int64
	}{
		{"anonymous", anonymous, ScopePublic, public},
		{"other user", other, ScopePublic, public},
		{"owner in public scope", owner, ScopePublic, public},
		{"admin in public scope", admin, ScopePublic, public},
		{"owner's own", owner, ScopeOwn, []int64{1, 3, 4, 5, 6, 7, 8, 9}},
		{"other's own", other, ScopeOwn, []int64{2}},
		{"admin's own", admin, ScopeOwn, nil},
		{"admin, all", admin, ScopeAll, []int64{1, 2, 3, 4, 5, 6, 7, 8, 9}},
	}
	for _, tt := range tests {
		for _, text := range []string{"", "secret", "glacier", ":tag: secret", ":extension: zip", "NOT reef", `"glacier data"`} {
			t.Run(tt.name+"/"+text, func(t *testing.T) {
				res := mustSearch(t, ix, Query{Text: text, Viewer: tt.viewer, Scope: tt.scope, Facets: true, Limit: 100})
				got := sortedIDs(res)
				for _, id := range got {
					if !slices.Contains(tt.want, id) {
						t.Errorf("Search(%q) returned item %d, which %s may not find", text, id, tt.name)
					}
				}
				if res.Total != uint64(len(got)) {
					t.Errorf("Total = %d, but %d hits", res.Total, len(got))
				}
				hiddenOnly := map[string]string{FacetKeyword: "secret", FacetExtension: "zip"}
				for facet, term := range hiddenOnly {
					for _, fc := range res.Facets[facet] {
						if fc.Term == term && !slices.Contains(tt.want, 7) {
							t.Errorf("facet %s counts %q, which only hidden items carry", facet, term)
						}
					}
				}
			})
		}
	}
	t.Run("facet counts exclude hidden items", func(t *testing.T) {
		res := mustSearch(t, ix, Query{Facets: true})
		if got, want := count(res.Facets[FacetKeyword], "climate"), 2; got != want {
			t.Errorf("anonymous keyword climate = %d, want %d (items 1 and 5)", got, want)
		}
		res = mustSearch(t, ix, Query{Facets: true, Viewer: admin, Scope: ScopeAll})
		if got, want := count(res.Facets[FacetKeyword], "climate"), 5; got != want {
			t.Errorf("admin keyword climate = %d, want %d", got, want)
		}
	})
}

func count(fcs []FacetCount, term string) int {
	for _, fc := range fcs {
		if fc.Term == term {
			return fc.Count
		}
	}
	return 0
}

// TestSearch_AccessSynthetic checks the access rule over a larger corpus:
// every hit any viewer gets in the public scope is public, neither
// embargoed nor confidential, and ScopeOwn returns exactly the viewer's items.
func TestSearch_AccessSynthetic(t *testing.T) {
	docs := SyntheticDocuments(7, 600)
	ix := MustOpen(t, "")
	mustApply(t, ix, 1, docs)
	byID := map[int64]Document{}
	for _, d := range docs {
		byID[d.ItemID] = d
	}
	for _, text := range []string{"", "climate", "NOT climate", "survey OR code", ":extension: csv", ":item_type: dataset"} {
		for _, viewer := range []app.Actor{{}, {AccountID: 3}, {AccountID: 1, Admin: true}} {
			res := mustSearch(t, ix, Query{Text: text, Viewer: viewer, Limit: MaxLimit})
			for _, id := range ids(res) {
				if d := byID[id]; !d.Public || d.Embargoed || d.Confidential {
					t.Errorf("Search(%q) as %+v returned hidden item %d", text, viewer, id)
				}
			}
		}
	}
	owner := docs[0].OwnerID
	res := mustSearch(t, ix, Query{Viewer: app.Actor{AccountID: owner}, Scope: ScopeOwn, Limit: MaxLimit})
	var want []int64
	for _, d := range docs {
		if d.OwnerID == owner {
			want = append(want, d.ItemID)
		}
	}
	if got := sortedIDs(res); !slices.Equal(got, want) {
		t.Errorf("ScopeOwn for %d = %v, want %v", owner, got, want)
	}
}

// TestSearch_Facets checks every facet's counts against counts made by hand
// from the documents the viewer may see.
func TestSearch_Facets(t *testing.T) {
	docs := SyntheticDocuments(3, 400)
	ix := MustOpen(t, "")
	mustApply(t, ix, 1, docs)
	some := mustSearch(t, ix, Query{Facets: true, FacetNames: []string{FacetYear, FacetLicense}})
	if len(some.Facets) != 2 || some.Facets[FacetYear] == nil || some.Facets[FacetLicense] == nil {
		t.Errorf("asked for two facets, got %v", some.Facets)
	}
	for _, text := range []string{"", "climate OR ocean"} {
		res := mustSearch(t, ix, Query{Text: text, Facets: true, FacetSize: MaxFacetSize, Limit: MaxLimit})
		hits := map[int64]bool{}
		for _, id := range ids(res) {
			hits[id] = true
		}
		want := map[string]map[string]int{}
		add := func(facet string, terms ...string) {
			if want[facet] == nil {
				want[facet] = map[string]int{}
			}
			seen := map[string]bool{}
			for _, term := range terms {
				if !seen[term] { // an item counts once per term
					seen[term] = true
					want[facet][term]++
				}
			}
		}
		for _, d := range docs {
			if !hits[d.ItemID] {
				continue
			}
			add(FacetItemType, strconv.Itoa(d.ItemType))
			add(FacetLicense, strconv.Itoa(d.License))
			add(FacetGroup, strconv.FormatInt(d.GroupID, 10))
			add(FacetYear, strconv.Itoa(d.Published.Year()))
			add(FacetAuthor, d.Authors...)
			add(FacetKeyword, d.Keywords...)
			for _, c := range d.CategoryIDs {
				add(FacetCategory, strconv.FormatInt(c, 10))
			}
			var exts []string
			for _, f := range d.FileNames {
				exts = append(exts, fileExtension(f))
			}
			add(FacetExtension, exts...)
		}
		if len(hits) == 0 || uint64(len(hits)) != res.Total {
			t.Fatalf("Search(%q): %d hits of %d total; the test needs them all on one page", text, len(hits), res.Total)
		}
		for facet, counts := range want {
			got := res.Facets[facet]
			if len(got) == 0 {
				t.Errorf("Search(%q): facet %s missing", text, facet)
				continue
			}
			for i, fc := range got {
				if fc.Count != counts[fc.Term] {
					t.Errorf("Search(%q): facet %s term %q = %d, want %d", text, facet, fc.Term, fc.Count, counts[fc.Term])
				}
				if i > 0 && fc.Count > got[i-1].Count {
					t.Errorf("Search(%q): facet %s not in descending order at %q", text, facet, fc.Term)
				}
			}
			// Terms left out must not outnumber the last one shown.
			if len(got) < len(counts) {
				last := got[len(got)-1].Count
				for term, n := range counts {
					if n > last && count(got, term) == 0 {
						t.Errorf("Search(%q): facet %s omits %q (%d) but shows a term with %d", text, facet, term, n, last)
					}
				}
			} else if len(got) != len(counts) {
				t.Errorf("Search(%q): facet %s has %d terms, want %d", text, facet, len(got), len(counts))
			}
		}
	}
}
