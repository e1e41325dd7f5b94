package main

import (
	"context"
	"time"

	"carrel/search"
)

// bleveRun runs the mix in-process on the index Carrel built, with the
// same five facets and the public access filter, like the HTTP endpoint
// but without HTTP or the catalog lookups of the hits.
func bleveRun(ctx context.Context, dir string, clients int, d time.Duration, m mix) (latencies, error) {
	// NoCache: the index's answer cache would serve a repeated query
	// without searching, and the comparison is of the engines.
	ix, err := search.Open(dir)
	if err != nil {
		return latencies{}, err
	}
	defer ix.Close()
	// As `carrel serve` does in the background at start, so that the run
	// measures searching, not the first searches making the columns.
	if err := ix.CountEverything(ctx); err != nil {
		return latencies{}, err
	}
	return runClients(ctx, clients, d, m, true, func(ctx context.Context, q query) error {
		sq := search.Query{Text: q.text, ItemType: q.itemType, Limit: 10, Facets: true, NoCache: true,
			FacetNames: []string{search.FacetItemType, search.FacetCategory, search.FacetLicense, search.FacetYear, search.FacetGroup}}
		if q.since != 0 {
			sq.PublishedSince = time.Date(q.since, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		_, err := ix.Search(ctx, sq)
		return err
	})
}
