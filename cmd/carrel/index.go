package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"carrel/app/catalog"
	"carrel/search"
)

// openIndex opens the search index in the data directory and attaches it to
// the catalog, which first applies any changes the index missed. An index
// that cannot be caught up (a new or discarded one beside a catalog with
// history, or one ahead of a restored catalog) is rebuilt instead.
func openIndex(ctx context.Context, cfg Config, cat *catalog.DB, log *slog.Logger) (*search.Index, *catalog.Indexer, error) {
	ix, err := openIndexOffline(cfg)
	if err != nil {
		return nil, nil, err
	}
	ix.SetConcurrentSearches(cfg.Search.Concurrent)
	if err := rebuildIfAhead(ctx, cat, ix, log); err != nil {
		ix.Close()
		return nil, nil, err
	}
	in, err := cat.AttachIndex(ctx, ix, func(err error) {
		log.Error("search index update failed; it is retried at the next change", "err", err)
	})
	if err != nil {
		ix.Close()
		return nil, nil, fmt.Errorf("bringing the search index up to date: %w", err)
	}
	return ix, in, nil
}

// rebuildIfAhead rebuilds an index that cannot be caught up: one that has
// applied changes the catalog does not have (the catalog was restored from
// an older backup) or an empty one beside a catalog with history (the index
// was removed, e.g. by carrel restore). Catching up would silently leave
// items the catalog no longer has, or miss ones it does.
func rebuildIfAhead(ctx context.Context, cat *catalog.DB, ix *search.Index, log *slog.Logger) error {
	applied, err := ix.Applied()
	if err != nil {
		return err
	}
	last, err := cat.LastChange(ctx)
	if err != nil {
		return err
	}
	if applied <= last && (applied > 0 || last == 0) {
		return nil
	}
	log.Warn("search index does not match the catalog; rebuilding it", "index_change", applied, "catalog_change", last)
	feed := func(yield func(search.Document) error) error { return cat.AllSearchDocuments(ctx, yield) }
	if err := ix.Rebuild(ctx, last, feed, func(int) {}); err != nil {
		return fmt.Errorf("rebuilding the search index: %w", err)
	}
	return nil
}

// followCatalog applies, every interval until ctx ends, catalog changes
// made by other processes (carrel jobs run, carrel user ...), which the
// server's own change hooks do not see.
func followCatalog(ctx context.Context, in *catalog.Indexer, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := in.CatchUp(ctx); err != nil && ctx.Err() == nil {
				log.Error("search index: catching up with the catalog failed", "err", err)
			}
		}
	}
}

// countEverything counts the facets of everything public in the
// background, so that no reader waits for that count after a start or a
// rebuild (see search.Index.CountEverything).
func countEverything(ctx context.Context, ix *search.Index, log *slog.Logger) {
	if err := ix.CountEverything(ctx); err != nil && ctx.Err() == nil {
		log.Warn("search index: counting the facets of everything failed; the first browse counts them", "err", err)
	}
}
