package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"

	"carrel/app/catalog"
	"carrel/search"
)

// openIndex opens the search index in the data directory and attaches it to
// the catalog, which first applies any changes the index missed.
func openIndex(ctx context.Context, cfg Config, cat *catalog.DB, log *slog.Logger) (*search.Index, error) {
	dir := filepath.Join(cfg.Server.DataDir, "index")
	ix, err := search.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("search index %s: %w (is another carrel process using this data directory?)", dir, err)
	}
	if _, err := cat.AttachIndex(ctx, ix, func(err error) {
		log.Error("search index update failed; it is retried at the next change", "err", err)
	}); err != nil {
		ix.Close()
		return nil, fmt.Errorf("bringing the search index up to date: %w", err)
	}
	return ix, nil
}
