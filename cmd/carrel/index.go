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
// the catalog, which first applies any changes the index missed. A new or
// discarded index (after a schema change) is rebuilt from the catalog
// instead, which is faster than replaying the whole change log.
func openIndex(ctx context.Context, cfg Config, cat *catalog.DB, log *slog.Logger) (*search.Index, *catalog.Indexer, error) {
	ix, err := openIndexOffline(cfg)
	if err != nil {
		return nil, nil, err
	}
	if err := rebuildIfEmpty(ctx, cat, ix, log); err != nil {
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

// rebuildIfEmpty rebuilds an index that has applied no change of a catalog
// that has some.
func rebuildIfEmpty(ctx context.Context, cat *catalog.DB, ix *search.Index, log *slog.Logger) error {
	applied, err := ix.Applied()
	if err != nil || applied > 0 {
		return err
	}
	seq, err := cat.LastChange(ctx)
	if err != nil || seq == 0 {
		return err
	}
	total, err := cat.CountItems(ctx)
	if err != nil {
		return err
	}
	log.Info("the search index is empty: rebuilding it from the catalog", "items", total)
	start := time.Now()
	feed := func(yield func(search.Document) error) error { return cat.AllSearchDocuments(ctx, yield) }
	if err := ix.Rebuild(ctx, seq, feed, nil); err != nil {
		return fmt.Errorf("rebuilding the search index: %w", err)
	}
	log.Info("search index rebuilt", "items", total, "seconds", time.Since(start).Seconds())
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
