package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"carrel/search"
)

func runReindex(ctx context.Context, e *env, args []string) error {
	fs := e.flags("reindex", "reindex [--config FILE] [--data DIR]")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := e.config()
	if err != nil {
		return err
	}
	cat, err := openCatalog(ctx, cfg)
	if err != nil {
		return err
	}
	defer cat.Close()
	dir := filepath.Join(cfg.Server.DataDir, "index")
	ix, err := search.Open(dir)
	if err != nil {
		return fmt.Errorf("search index %s: %w; if carrel serve is running on this data directory, stop it first", dir, err)
	}
	defer ix.Close()
	seq, err := cat.LastChange(ctx)
	if err != nil {
		return err
	}
	total, err := cat.CountItems(ctx)
	if err != nil {
		return err
	}
	bar := progressBar(e.stderr, total)
	start := time.Now()
	feed := func(yield func(search.Document) error) error { return cat.AllSearchDocuments(ctx, yield) }
	if err := ix.Rebuild(ctx, seq, feed, bar); err != nil {
		return err
	}
	n, _ := ix.Count()
	fmt.Fprintf(e.stderr, "\nindexed %d items in %s\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}

// progressBar returns a progress callback drawing a bar on w, redrawn at
// most ten times a second.
func progressBar(w io.Writer, total int) func(done int) {
	var last time.Time
	return func(done int) {
		if time.Since(last) < 100*time.Millisecond && done < total {
			return
		}
		last = time.Now()
		const width = 40
		filled := width
		if total > 0 {
			filled = min(width, done*width/total)
		}
		fmt.Fprintf(w, "\r[%-*s] %d/%d", width, strings.Repeat("#", filled), done, total)
	}
}
