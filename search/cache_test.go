package search

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"carrel/app"
)

// TestSearch_CacheFollowsChanges checks that a cached public answer is never
// served after the index changed: not the hits, not the total, not the
// facet counts, whether the change is an applied batch or a rebuild.
func TestSearch_CacheFollowsChanges(t *testing.T) {
	ix := fixtureIndex(t)
	q := Query{Text: "glacier", Facets: true, FacetNames: []string{FacetGroup}}
	first := mustSearch(t, ix, q)
	if again := mustSearch(t, ix, q); !slices.Equal(ids(again), ids(first)) || again.Total != first.Total {
		t.Fatalf("repeat gave %v (total %d), first %v (total %d)", ids(again), again.Total, ids(first), first.Total)
	}
	// Another page of the same query reuses the facet counts; they must
	// still be those of every match.
	page := q
	page.Offset, page.Limit = 1, 1
	if got := mustSearch(t, ix, page); got.Facets[FacetGroup][0] != first.Facets[FacetGroup][0] || len(got.Hits) != 1 {
		t.Fatalf("second page: facets %v hits %v; first page facets %v", got.Facets, ids(got), first.Facets)
	}

	// Item 7, a draft about glaciers in group 10, is published.
	d := fixture()[6]
	d.Public, d.Published = true, day("2024-06-01")
	mustApply(t, ix, 2, []Document{d})
	after := mustSearch(t, ix, q)
	if !slices.Contains(ids(after), 7) || after.Total != first.Total+1 {
		t.Fatalf("after publishing item 7: hits %v total %d; before: total %d", ids(after), after.Total, first.Total)
	}
	if got, was := countOf(after, FacetGroup, "10"), countOf(first, FacetGroup, "10"); got != was+1 {
		t.Fatalf("group 10 counted %d after publishing, %d before", got, was)
	}

	// A rebuild to a corpus without item 1 swaps in a new generation.
	var docs []Document
	for _, d := range fixture() {
		if d.ItemID != 1 {
			docs = append(docs, d)
		}
	}
	feed := func(yield func(Document) error) error {
		for _, d := range docs {
			if err := yield(d); err != nil {
				return err
			}
		}
		return nil
	}
	if err := ix.Rebuild(context.Background(), 3, feed, nil); err != nil {
		t.Fatalf("Rebuild: %v", err)
	}
	if got := mustSearch(t, ix, q); slices.Contains(ids(got), 1) || slices.Contains(ids(got), 7) {
		t.Fatalf("after the rebuild: hits %v, want neither 1 nor 7", ids(got))
	}
}

// TestSearch_CacheKeepsScopesApart checks that only public answers are
// shared: an owner's search of their own items is never answered from, nor
// stored into, what the public gets.
func TestSearch_CacheKeepsScopesApart(t *testing.T) {
	ix := fixtureIndex(t)
	public := mustSearch(t, ix, Query{Text: "secret"})
	if len(public.Hits) != 0 {
		t.Fatalf("public search for hidden items found %v", ids(public))
	}
	own := mustSearch(t, ix, Query{Text: "secret", Scope: ScopeOwn, Viewer: app.Actor{AccountID: 7}})
	if len(own.Hits) != 3 {
		t.Fatalf("owner found %v, want their 3 hidden items", ids(own))
	}
	if again := mustSearch(t, ix, Query{Text: "secret"}); len(again.Hits) != 0 {
		t.Fatalf("public search after the owner's found %v", ids(again))
	}
}

func countOf(r *Result, facet, term string) int {
	for _, c := range r.Facets[facet] {
		if c.Term == term {
			return c.Count
		}
	}
	return 0
}

// TestSearch_CountOnly checks that a count-only query returns the same total
// and facets as the full query, and no hits.
func TestSearch_CountOnly(t *testing.T) {
	// Two indexes, so that neither answer comes from the other's cache.
	full := mustSearch(t, fixtureIndex(t), Query{Facets: true, Limit: 3})
	count := mustSearch(t, fixtureIndex(t), Query{Facets: true, CountOnly: true})
	if len(count.Hits) != 0 || count.Total != full.Total || full.Total != 6 {
		t.Fatalf("count only: %d hits, total %d; full query: total %d", len(count.Hits), count.Total, full.Total)
	}
	for _, name := range FacetNames() {
		if fmt.Sprint(count.Facets[name]) != fmt.Sprint(full.Facets[name]) {
			t.Errorf("facet %s: count only %v, full %v", name, count.Facets[name], full.Facets[name])
		}
	}
}

// TestSearch_After walks every public item a page at a time by keyset, in
// relevance and in a field order, and checks each is seen exactly once and
// in the order one big page gives.
func TestSearch_After(t *testing.T) {
	ix := fixtureIndex(t)
	for _, q := range []Query{{Text: "glacier OR ocean OR reef OR climate"}, {Sort: SortTitle}, {Sort: SortViews, Desc: true}} {
		all := mustSearch(t, ix, Query{Text: q.Text, Sort: q.Sort, Desc: q.Desc, Limit: 100})
		walked := walk(t, ix, q)
		if !slices.Equal(walked, ids(all)) || len(walked) < 3 {
			t.Errorf("%+v: walked %v, one page gives %v", q, walked, ids(all))
		}
	}
	for _, bad := range []Query{
		{Sort: SortTitle, After: []string{"x"}},
		{Sort: SortViews, After: []string{"not a number", "2020-01-01T00:00:00Z", "1"}},
		{Sort: SortTitle, After: []string{"a", "b", "1"}, Offset: 1},
	} {
		if _, err := ix.Search(context.Background(), bad); app.ErrorCode(err) != app.EINVALID {
			t.Errorf("%+v: %v, want EINVALID", bad, err)
		}
	}
}

// TestSearch_AfterDrafts walks a depositor's own items by keyset in
// published order when some are drafts with no published date: Bleve's
// sentinel for a missing value is a valid position too.
func TestSearch_AfterDrafts(t *testing.T) {
	ix := MustOpen(t, "")
	owner := app.Actor{AccountID: 3}
	var docs []Document
	for i := int64(1); i <= 5; i++ {
		d := Document{ItemID: i, OwnerID: 3, Title: "draft soil data", Created: day("2020-01-01"), Modified: day("2020-01-02")}
		if i%2 == 0 {
			d.Public, d.Published = true, day("2021-01-01").AddDate(0, 0, int(i))
		}
		docs = append(docs, d)
	}
	mustApply(t, ix, 1, docs)
	for _, sort := range []string{SortPublished, SortRelevance, SortViews} {
		q := Query{Text: "soil", Viewer: owner, Scope: ScopeOwn, Sort: sort}
		all := mustSearch(t, ix, q)
		walked := walk(t, ix, q)
		if !slices.Equal(walked, ids(all)) || len(walked) != 5 {
			t.Errorf("sort %s: walked %v, one page gives %v", sort, walked, ids(all))
		}
	}
}

// walk returns the ids q finds, read two at a time by keyset.
func walk(t *testing.T, ix *Index, q Query) []int64 {
	t.Helper()
	var walked []int64
	q.Limit = 2
	for range 10 {
		res := mustSearch(t, ix, q)
		walked = append(walked, ids(res)...)
		if len(res.Hits) < q.Limit {
			break
		}
		q.After = res.Hits[len(res.Hits)-1].SortKeys
	}
	return walked
}
