package search

import (
	"context"
	"testing"

	"carrel/app"
)

// benchCorpusSize keeps `go test -bench .` short on a shared machine; the
// figures scale roughly linearly for index size and sub-linearly for search.
const benchCorpusSize = 5000

// benchIndex is an in-memory index of the synthetic corpus.
func benchIndex(b *testing.B, dir string) *Index {
	b.Helper()
	ix := MustOpen(b, dir)
	if err := ix.Rebuild(context.Background(), 1, SyntheticFeed(42, benchCorpusSize), nil); err != nil {
		b.Fatal(err)
	}
	return ix
}

func BenchmarkIndexApply(b *testing.B) {
	for _, bench := range []struct {
		name  string
		batch int
		disk  bool
	}{{"one/memory", 1, false}, {"one/disk", 1, true}, {"100/memory", 100, false}, {"100/disk", 100, true}} {
		b.Run(bench.name, func(b *testing.B) {
			dir := ""
			if bench.disk {
				dir = b.TempDir()
			}
			ix := MustOpen(b, dir)
			docs := SyntheticDocuments(42, bench.batch*16)
			seq := int64(0)
			for i := 0; b.Loop(); i++ {
				seq++
				start := (i % 16) * bench.batch
				if err := ix.Apply(context.Background(), seq, docs[start:start+bench.batch], nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*bench.batch)/b.Elapsed().Seconds(), "docs/s")
		})
	}
}

func BenchmarkIndexRebuild(b *testing.B) {
	ix := MustOpen(b, "")
	for seq := int64(1); b.Loop(); seq++ {
		if err := ix.Rebuild(context.Background(), seq, SyntheticFeed(42, 2000), nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*2000)/b.Elapsed().Seconds(), "docs/s")
}

func BenchmarkSearch(b *testing.B) {
	ix := benchIndex(b, "")
	admin := app.Actor{AccountID: 1, Admin: true}
	for _, bench := range []struct {
		name string
		q    Query
	}{
		{"all", Query{}},
		{"word", Query{Text: "climate"}},
		{"two words", Query{Text: "coral ocean"}},
		{"phrase", Query{Text: `"field samples"`}},
		{"boolean", Query{Text: "(climate OR ocean) NOT coral :item_type: dataset"}},
		{"prefixes", Query{Text: ":author: zhang :tag: genome"}},
		{"word+facets", Query{Text: "climate", Facets: true}},
		{"all+facets", Query{Facets: true}},
		{"word+highlight", Query{Text: "climate", Highlight: true}},
		{"sorted by views", Query{Text: "climate", Sort: SortViews, Desc: true}},
		{"filters", Query{Text: "survey", ItemType: 3, GroupID: 4}},
		{"deep page", Query{Text: "climate", Offset: 500, Limit: 100}},
		{"admin all", Query{Viewer: admin, Scope: ScopeAll, Text: "climate"}},
	} {
		b.Run(bench.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := ix.Search(context.Background(), bench.q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkSearchParallel(b *testing.B) {
	ix := benchIndex(b, "")
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := ix.Search(context.Background(), Query{Text: "climate OR ocean", Facets: true}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkSearchParse(b *testing.B) {
	const q = `(:title: "climate change" OR :tag: warming) AND NOT :extension: pdf :author: Zhang`
	for b.Loop() {
		if _, err := parse(q); err != nil {
			b.Fatal(err)
		}
	}
}
