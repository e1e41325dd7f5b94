package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"carrel/app/catalog"
	"carrel/search"
)

// openIndex opens the search index in the data directory and attaches it to
// the catalog, which first applies any changes the index missed.
func openIndex(ctx context.Context, cfg Config, cat *catalog.DB, log *slog.Logger) (*search.Index, *catalog.Indexer, error) {
	dir := filepath.Join(cfg.Server.DataDir, "index")
	ix, err := search.Open(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("search index %s: %w (is another carrel process using this data directory?)", dir, err)
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
