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
	running, err := serverRunning(cfg)
	if err != nil {
		return err
	}
	if running {
		fmt.Fprintln(e.stderr, "carrel serve is running: rebuilding its index online; search keeps answering meanwhile")
		n, took, err := reindexOnline(ctx, cfg, newBar(e.stderr).draw)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "\nindexed %d items in %s (online)\n", n, took.Round(time.Millisecond))
		return nil
	}
	cat, err := openCatalog(ctx, cfg)
	if err != nil {
		return err
	}
	defer cat.Close()
	ix, err := openIndexOffline(cfg)
	if err != nil {
		return err
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
	start := time.Now()
	feed := func(yield func(search.Document) error) error { return cat.AllSearchDocuments(ctx, yield) }
	if err := ix.Rebuild(ctx, seq, feed, progressBar(e.stderr, total)); err != nil {
		return err
	}
	n, _ := ix.Count()
	fmt.Fprintf(e.stderr, "\nindexed %d items in %s\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}

// openIndexOffline opens the search index of a data directory no server
// is using.
func openIndexOffline(cfg Config) (*search.Index, error) {
	dir := filepath.Join(cfg.Server.DataDir, "index")
	ix, err := search.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("search index %s: %w; is carrel serve running on this data directory?", dir, err)
	}
	return ix, nil
}

// bar draws a progress bar on a terminal line, at most ten times a second.
type bar struct {
	w    io.Writer
	last time.Time
}

func newBar(w io.Writer) *bar { return &bar{w: w} }

func (b *bar) draw(done, total int) {
	if time.Since(b.last) < 100*time.Millisecond && done < total {
		return
	}
	b.last = time.Now()
	const width = 40
	filled := width
	if total > 0 {
		filled = min(width, done*width/total)
	}
	fmt.Fprintf(b.w, "\r[%-*s] %d/%d", width, strings.Repeat("#", filled), done, total)
}

// progressBar returns a progress callback drawing a bar towards total.
func progressBar(w io.Writer, total int) func(done int) {
	b := newBar(w)
	return func(done int) { b.draw(done, total) }
}
