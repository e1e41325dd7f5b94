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
	ix, err := search.Open(dir)
	if err != nil {
		return latencies{}, err
	}
	defer ix.Close()
	return runClients(ctx, clients, d, m, func(ctx context.Context, q query) error {
		_, err := ix.Search(ctx, search.Query{Text: q.text, ItemType: q.itemType, Limit: 10, Facets: true,
			FacetNames: []string{search.FacetItemType, search.FacetCategory, search.FacetLicense, search.FacetYear, search.FacetGroup}})
		return err
	})
}
