package search

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"carrel/app"
)

// TestCollector_MatchesBleve runs queries through Carrel's collector and
// through Bleve's matching and scoring, on an index of many segments with
// deleted and replaced documents. Totals must equal those of Bleve with the
// access and date filters as queries (term ranges over the date keys), and
// facet counts those counted from the documents Bleve matches; the hits,
// in order, must be those Bleve matches for the same query, kept to the
// items the documents say the viewer may see in the dates, and ordered by
// Bleve's scores and the documents' own sort keys. The index keeps no doc
// values for these fields, so nothing here reads Bleve's facets or sorting.
func TestCollector_MatchesBleve(t *testing.T) {
	ix := MustOpen(t, t.TempDir())
	docs := SyntheticDocuments(11, 900)
	// Several batches make several segments; later batches replace and
	// delete documents of earlier ones, which leaves deleted documents in
	// the segments.
	seq := int64(0)
	for start := 0; start < len(docs); start += 150 {
		seq++
		mustApply(t, ix, seq, docs[start:min(start+150, len(docs))])
	}
	seq++
	changed := slices.Clone(docs[100:160])
	for i := range changed {
		changed[i].Title += " revised"
		changed[i].Embargoed = i%3 == 0
		// Many equal keys, which the next sort field orders.
		changed[i].Downloads, changed[i].Views = 0, 5
	}
	deleted := []int64{5, 6, 7, 400, 401}
	mustApply(t, ix, seq, changed, deleted...)
	state := map[int64]Document{}
	for _, d := range append(slices.Clone(docs), changed...) {
		state[d.ItemID] = d
	}
	for _, id := range deleted {
		delete(state, id)
	}

	owner := docs[0].OwnerID
	pub := docs[slices.IndexFunc(docs, func(d Document) bool { return d.Public && !d.Embargoed && !d.Confidential })]
	admin := app.Actor{AccountID: 1, Admin: true}
	since := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)
	before := time.Date(2022, 6, 1, 0, 0, 0, 0, time.UTC)
	queries := []Query{
		{},
		{Text: "climate"},
		{Text: "climate OR survey", Sort: SortTitle},
		{Text: "revised NOT code"},
		{Text: `"field samples"`},
		// Phrases: words the analyser drops leave gaps; terms of two
		// keywords (values of one field) do not make a phrase; a term twice.
		{Text: `"pottery studies in the Amazon basin"`},
		{Text: `"studies circuit" OR "studies series" OR "images images" OR sediment`},
		{Text: `"time series" NOT "Amazon basin"`, Sort: SortTitle},
		{Text: `"pottery basin" OR "basin pottery" OR studies`},
		{Text: `:title:"new zealand" climate`},
		{Text: `:title:"new zealand"`, Viewer: app.Actor{AccountID: 1, Admin: true}, Scope: ScopeAll},
		{Sort: SortViews, Desc: true},
		{Sort: SortDownloads},
		{Text: "data", Sort: SortModified, Desc: true, Offset: 7},
		{PublishedSince: since},
		{PublishedSince: since, PublishedBefore: before, Sort: SortTitle, Desc: true},
		{ModifiedSince: since, Text: "climate OR ocean"},
		{ItemType: 3, PublishedSince: since},
		{Viewer: app.Actor{AccountID: owner}, Scope: ScopeOwn},
		{Viewer: app.Actor{AccountID: owner}, Scope: ScopeOwn, Sort: SortCreated, Text: "NOT climate"},
		{Viewer: admin, Scope: ScopeAll, Sort: SortPublished},
		{Viewer: admin, Scope: ScopeAll, Sort: SortPublished, Desc: true}, // drafts, without a date, last
		{Viewer: admin, Scope: ScopeAll, Text: "survey", PublishedBefore: before},
		{Groups: []int64{1, 2, 3, 4, 5}, Sort: SortPublished},
		{Groups: []int64{1, 2, 3, 4, 5}, Text: "climate OR survey"},
		{ItemIDs: []int64{1, 2, 3, 5, 120, 130, 150, 402, 800, 899, 1000}},
		{ItemType: pub.ItemType, Groups: []int64{pub.GroupID, pub.GroupID + 1}},
		{Viewer: app.Actor{AccountID: owner}, Scope: ScopeOwn, ItemType: docs[0].ItemType},
		{Terms: map[string][]string{FacetCategory: {strconv.FormatInt(pub.CategoryIDs[0], 10)}}, Sort: SortTitle},
		{Terms: map[string][]string{FacetAuthor: {pub.Authors[0]}}, Text: "NOT nothingatall"},
	}
	// Relevance is scored reading each term's postings as it pays, each
	// way always, and pruned in every segment, on the same queries.
	for n, q := range slices.Concat(queries, queries, queries, queries) {
		i := n % len(queries)
		ix.columns.scoreBy = byte(n / len(queries))
		t.Run(fmt.Sprint(i, "/", ix.columns.scoreBy), func(t *testing.T) {
			q.Facets, q.FacetSize, q.Cursor, q.NoCache = true, MaxFacetSize, true, true
			if q.Limit == 0 {
				q.Limit = MaxLimit
			}
			got := mustSearch(t, ix, q)
			if got.Total == 0 || len(got.Hits) == 0 {
				t.Fatal("nothing found: the query tests nothing")
			}
			total, facets := bleveCounts(t, ix, q, state)
			if got.Total != total {
				t.Fatalf("total = %d, Bleve's %d", got.Total, total)
			}
			for name, counts := range facets {
				if !slices.Equal(got.Facets[name], counts) {
					t.Errorf("facet %s = %v, Bleve's %v", name, got.Facets[name], counts)
				}
			}
			key := func(h Hit) string { return strings.Join(h.SortKeys[:len(h.SortKeys)-1], "|") }
			if g, w := hitGroups(got.Hits, key), bleveOrder(t, ix, q, state); !slices.Equal(g, w) {
				t.Errorf("hits in order:\n got %v\nwant %v", g, w)
			}
			// A short page keeps the best few in a full heap, and without
			// Cursor ties keep index order in both collectors.
			q.Limit, q.Cursor, q.Facets = 7, false, false
			want := bleveIDs(t, ix, q, state)
			if got := ids(mustSearch(t, ix, q)); !slices.Equal(got, want) {
				t.Errorf("a page of 7: got %v, want %v", got, want)
			}
		})
	}
}

// bleveCounts counts q's matches with Bleve's collector, the access and
// date filters as queries, as Carrel did before it had its own, and the
// facets of the documents in state that Bleve matched.
func bleveCounts(t *testing.T, ix *Index, q Query, state map[int64]Document) (uint64, map[string][]FacetCount) {
	t.Helper()
	if err := q.validate(); err != nil {
		t.Fatal(err)
	}
	e, err := parse(q.Text)
	if err != nil {
		t.Fatal(err)
	}
	must := []query.Query{q.accessFilter()}
	for _, f := range q.filters() {
		must = append(must, f.query())
	}
	// The dates as Bleve term ranges over the sort keys.
	for _, r := range q.keyRanges() {
		incl, excl := true, false
		hi := r.hi
		if hi == "" {
			hi = search.HighTerm
		}
		tr := bleve.NewTermRangeInclusiveQuery(r.lo, hi, &incl, &excl)
		tr.SetField(r.field)
		must = append(must, tr)
	}
	if e != nil {
		must = append(must, ix.textQuery(e))
	}
	res := bleveRun(t, ix, bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(must...), len(state)+1, 0, false))
	counted := map[string]map[string]int{}
	for _, h := range res.Hits {
		d := state[hitItem(t, h)]
		for _, f := range []string{fFacets, fAuthor, fKeyword} {
			if counted[f] == nil {
				counted[f] = map[string]int{}
			}
			seen := map[string]bool{} // a term counts once per document
			for _, term := range docTerms(&d, f) {
				if !seen[term] {
					seen[term] = true
					counted[f][term]++
				}
			}
		}
	}
	return res.Total, facetCounts(counted, q.facetNames(), q.FacetSize, nil)
}

// docTerms are the terms of a keyword field of d.
func docTerms(d *Document, field string) []string {
	switch v := d.fields()[field].(type) {
	case string:
		return []string{v}
	case []string:
		return v
	}
	return nil
}

func hitItem(t *testing.T, h *search.DocumentMatch) int64 {
	t.Helper()
	id, err := strconv.ParseInt(h.ID, 10, 64)
	if err != nil {
		t.Fatalf("hit id %q: %v", h.ID, err)
	}
	return id
}

// sortHits orders Bleve's hits as its collector would by order, reading
// each field's value from the hit's document in state rather than from doc
// values, and returns each hit's sort values (the score's formatted).
func sortHits(t *testing.T, hits search.DocumentMatchCollection, order search.SortOrder, state map[int64]Document) map[*search.DocumentMatch][]string {
	t.Helper()
	vals := map[*search.DocumentMatch][]string{}
	for _, h := range hits {
		d := state[hitItem(t, h)]
		for _, so := range order {
			var v string
			switch so := so.(type) {
			case *search.SortScore:
				v = strconv.FormatFloat(h.Score, 'g', -1, 64)
			case *search.SortDocID:
				v = h.ID
			case *search.SortField:
				// Bleve's value for a document without one sorts last.
				terms := docTerms(&d, so.Field)
				switch {
				case len(terms) > 0:
					v = terms[0]
				case so.Desc:
					v = search.LowTerm
				default:
					v = search.HighTerm
				}
			default:
				t.Fatalf("unexpected sort %T", so)
			}
			vals[h] = append(vals[h], v)
		}
	}
	slices.SortStableFunc(hits, func(a, b *search.DocumentMatch) int {
		for x, so := range order {
			var c int
			if _, ok := so.(*search.SortScore); ok {
				c = cmp.Compare(a.Score, b.Score)
			} else {
				c = strings.Compare(vals[a][x], vals[b][x])
			}
			if c != 0 {
				if so.Descending() {
					return -c
				}
				return c
			}
		}
		// Then index order, as Bleve's collector breaks a tie.
		return cmp.Compare(a.HitNumber, b.HitNumber)
	})
	return vals
}

// bleveIDs are the ids of the page of q that bleveOrder describes.
func bleveIDs(t *testing.T, ix *Index, q Query, state map[int64]Document) []int64 {
	var out []int64
	for _, h := range bleveHits(t, ix, q, state, nil) {
		out = append(out, h.ItemID)
	}
	return out
}

// bleveOrder ranks q's query (as Carrel builds it, without the filters the
// collector applies) with Bleve's collector, keeps the items state says the
// viewer may see in q's dates, and describes the page of them.
func bleveOrder(t *testing.T, ix *Index, q Query, state map[int64]Document) []string {
	t.Helper()
	if err := q.validate(); err != nil {
		t.Fatal(err)
	}
	keys := map[int64]string{}
	hits := bleveHits(t, ix, q, state, keys)
	return hitGroups(hits, func(h Hit) string { return keys[h.ItemID] })
}

// bleveHits is the page of q ranked by Bleve and kept to what state says
// the viewer may see in q's dates; it records each hit's sort keys but the
// last in keys, when not nil.
func bleveHits(t *testing.T, ix *Index, q Query, state map[int64]Document, keys map[int64]string) []Hit {
	t.Helper()
	if err := q.validate(); err != nil {
		t.Fatal(err)
	}
	e, _ := parse(q.Text)
	bq, order := ix.query(q, e)
	res := bleveRun(t, ix, bleve.NewSearchRequestOptions(bq, len(state)+1, 0, false))
	vals := sortHits(t, res.Hits, order, state)
	var hits []Hit
	for _, h := range res.Hits {
		id := hitItem(t, h)
		d := state[id]
		visible := q.Scope != ScopePublic || d.Public && !d.Embargoed && !d.Confidential
		inDates := (q.PublishedSince.IsZero() || !d.Published.Before(q.PublishedSince)) &&
			(q.PublishedBefore.IsZero() || d.Published.Before(q.PublishedBefore) && !d.Published.IsZero()) &&
			(q.ModifiedSince.IsZero() || !d.Modified.Before(q.ModifiedSince))
		if !visible || !inDates {
			continue
		}
		if keys != nil {
			ks := vals[h]
			keys[id] = strings.Join(ks[:len(ks)-1], "|") // the last is the id
		}
		hits = append(hits, Hit{ItemID: id})
	}
	hits = hits[min(q.Offset, len(hits)):]
	return hits[:min(q.Limit, len(hits))]
}

func bleveRun(t *testing.T, ix *Index, req *bleve.SearchRequest) *bleve.SearchResult {
	t.Helper()
	g, release, err := ix.current()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	res, err := g.idx.SearchInContext(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// hitGroups describes hits in order as runs of equal sort keys, each with
// its item ids sorted: two collectors may break a tie in item id order
// differently, but must agree on everything else.
func hitGroups(hits []Hit, key func(Hit) string) []string {
	var out []string
	var run []int64
	last := ""
	flush := func() {
		if len(run) > 0 {
			slices.Sort(run)
			out = append(out, fmt.Sprintf("%s:%v", last, run))
		}
		run = nil
	}
	for _, h := range hits {
		k := key(h)
		if k != last {
			flush()
			last = k
		}
		run = append(run, h.ItemID)
	}
	flush()
	return out
}

// TestColumns_DropStale checks that the columns of segments the index no
// longer has, here those of the generation a rebuild replaced, are dropped.
func TestColumns_DropStale(t *testing.T) {
	ix := MustOpen(t, t.TempDir())
	mustApply(t, ix, 1, SyntheticDocuments(3, 300))
	q := Query{Facets: true, NoCache: true, Sort: SortTitle, FacetNames: []string{FacetAuthor, FacetYear}}
	before := mustSearch(t, ix, q)
	if err := ix.Rebuild(context.Background(), 2, SyntheticFeed(3, 300), nil); err != nil {
		t.Fatal(err)
	}
	snap := mustSnapshot(t, ix)
	stale := func() (n int) {
		live := map[any]bool{}
		for _, ss := range snap.Segments() {
			live[ss.Segment()] = true
		}
		ix.columns.mu.Lock()
		defer ix.columns.mu.Unlock()
		for k := range ix.columns.entries {
			if !live[k.seg] {
				n++
			}
		}
		return n
	}
	if stale() == 0 {
		t.Fatal("no columns of the replaced generation to drop")
	}
	ix.columns.tidied = time.Time{}
	after := mustSearch(t, ix, q)
	if n := stale(); n != 0 {
		t.Errorf("%d columns of the replaced generation kept", n)
	}
	if after.Total != before.Total || !slices.Equal(ids(after), ids(before)) ||
		!slices.Equal(after.Facets[FacetAuthor], before.Facets[FacetAuthor]) {
		t.Error("the rebuilt index answers differently")
	}
}

// TestCollector_Empty searches an index with nothing in it, as a new
// repository's first page does.
func TestCollector_Empty(t *testing.T) {
	for _, dir := range []string{"", t.TempDir()} {
		ix := MustOpen(t, dir)
		for _, q := range []Query{{Facets: true}, {Text: "climate", Facets: true}, {CountOnly: true, Facets: true},
			{Sort: SortTitle, PublishedSince: time.Now()}} {
			if res := mustSearch(t, ix, q); res.Total != 0 || len(res.Hits) != 0 {
				t.Errorf("%+v found %d in an empty index", q, res.Total)
			}
		}
		if err := ix.CountEverything(context.Background()); err != nil {
			t.Error(err)
		}
	}
}
