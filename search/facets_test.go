package search

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestTopCounts checks that picking the first few facet counts gives what
// sorting them all and cutting would, ties in term order included.
func TestTopCounts(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 5, 10, 11, 50, 3000} {
		for _, size := range []int{1, 3, 10, 100} {
			var counts []FacetCount
			for i := range n {
				counts = append(counts, FacetCount{Term: fmt.Sprint("t", r.IntN(n+1), "-", i), Count: r.IntN(8)})
			}
			want := slices.Clone(counts)
			slices.SortFunc(want, facetBefore)
			want = want[:min(len(want), size)]
			if got := topCounts(counts, size); !slices.Equal(got, want) {
				t.Fatalf("%d counts, size %d:\n got %v\nwant %v", n, size, got, want)
			}
		}
	}
}
