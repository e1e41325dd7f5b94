// Package dump writes and serves the bulk metadata dump: every public
// record of the repository as gzipped JSON Lines, one line per item in the
// form GET /v2/articles/{id} gives the public.
package dump

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"carrel/app"
)

// FileName is the dump's name, in its directory and in its URL.
const FileName = "metadata.jsonl.gz"

// batchSize is how many items are read from the catalog at a time.
const batchSize = 500

// staleTemp is how old a temporary file left by an interrupted write must
// be before a later write removes it (younger ones may be a concurrent
// write's, such as carrel export metadata while the server's job runs).
const staleTemp = 24 * time.Hour

// Source pages through the items that have a public record.
type Source interface {
	// PublishedItemsAfter lists up to limit published or withdrawn items
	// after afterID, ascending by id, each with its latest version and files.
	PublishedItemsAfter(ctx context.Context, afterID int64, limit int) ([]app.ListedItem, error)
}

// Renderer renders a record as the public API shows it.
type Renderer interface {
	// PublicArticle is the JSON of GET /v2/articles/{id} for an anonymous
	// caller; ENOTFOUND if the public may not see the item.
	PublicArticle(ctx context.Context, it *app.Item, ver *app.Version) (json.RawMessage, error)
}

// Result counts what a dump holds.
type Result struct {
	Records    int64 // live public records
	Tombstones int64 // withdrawn items
	Skipped    int64 // published but not open to the public (whole-item embargo, confidential)
	Bytes      int64 // compressed size (of a file written by WriteFile)
}

// Writer writes the dump from the catalog.
type Writer struct {
	src    Source
	render Renderer
	now    func() time.Time
	batch  int
}

// New returns a Writer; now is the clock the access policy is asked with.
func New(src Source, render Renderer, now func() time.Time) *Writer {
	return &Writer{src: src, render: render, now: now, batch: batchSize}
}

// WriteFile writes the dump to path atomically: into a temporary file in the
// same directory, synced, then renamed over path. A write that fails or is
// interrupted leaves the previous dump as it was.
func (w *Writer) WriteFile(ctx context.Context, path string) (Result, error) {
	// The rename replaces whatever has the name: only ever a regular file
	// (through a symbolic link, the file it names), never a device or a pipe.
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
		if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
			return Result{}, app.Errorf(app.EINVALID, "metadata dump: %s is not a regular file; it would be replaced", path)
		}
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Result{}, fmt.Errorf("metadata dump: %w", err)
	}
	removeStale(dir, base, w.now())
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return Result{}, fmt.Errorf("metadata dump: %w", err)
	}
	tmp := f.Name()
	done := false
	defer func() {
		if !done {
			f.Close()
			os.Remove(tmp)
		}
	}()
	res, err := w.Write(ctx, f)
	if err != nil {
		return res, err
	}
	fi, err := f.Stat()
	if err != nil {
		return res, fmt.Errorf("metadata dump: %w", err)
	}
	res.Bytes = fi.Size()
	if err := f.Chmod(0o644); err != nil {
		return res, fmt.Errorf("metadata dump: %w", err)
	}
	if err := f.Sync(); err != nil {
		return res, fmt.Errorf("metadata dump: %w", err)
	}
	if err := f.Close(); err != nil {
		return res, fmt.Errorf("metadata dump: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return res, fmt.Errorf("metadata dump: %w", err)
	}
	done = true
	if d, err := os.Open(dir); err == nil { // make the rename durable
		d.Sync()
		d.Close()
	}
	return res, nil
}

// removeStale removes temporary files of earlier writes that never finished.
func removeStale(dir, base string, now time.Time) {
	matches, _ := filepath.Glob(filepath.Join(dir, "."+base+".*.tmp"))
	for _, m := range matches {
		if fi, err := os.Stat(m); err == nil && now.Sub(fi.ModTime()) > staleTemp {
			os.Remove(m)
		}
	}
}

// Write streams the dump, gzipped, to out: a batch of items at a time,
// each public record as one line of JSON. Withdrawn items are tombstone
// lines (their public record, "is_withdrawn": true, no files), so that a
// mirror learns to take them down; items under a whole-item embargo or
// confidential are left out, as they are of search results and sitemaps.
func (w *Writer) Write(ctx context.Context, out io.Writer) (Result, error) {
	var res Result
	buf := bufio.NewWriterSize(out, 64<<10)
	zw := gzip.NewWriter(buf)
	for after := int64(0); ; {
		items, err := w.src.PublishedItemsAfter(ctx, after, w.batch)
		if err != nil {
			return res, err
		}
		for _, l := range items {
			after = l.Item.ID
			if err := w.line(ctx, zw, l, &res); err != nil {
				return res, err
			}
		}
		if len(items) < w.batch {
			break
		}
	}
	if err := zw.Close(); err != nil {
		return res, fmt.Errorf("metadata dump: %w", err)
	}
	if err := buf.Flush(); err != nil {
		return res, fmt.Errorf("metadata dump: %w", err)
	}
	return res, nil
}

// line writes one item's line, if it has one.
func (w *Writer) line(ctx context.Context, zw io.Writer, l app.ListedItem, res *Result) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	withdrawn := l.Item.Status == app.StatusWithdrawn
	if !withdrawn && !app.FindableByAll(l.Item, w.now()) {
		res.Skipped++
		return nil
	}
	b, err := w.render.PublicArticle(ctx, l.Item, l.Version)
	if err != nil {
		return fmt.Errorf("metadata dump: item %d: %w", l.Item.ID, err)
	}
	// json.Marshal escapes newlines inside strings, so a record is one line.
	if _, err := zw.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("metadata dump: %w", err)
	}
	if withdrawn {
		res.Tombstones++
	} else {
		res.Records++
	}
	return nil
}

// Job is the metadata-dump job: it rewrites the dump at path.
func (w *Writer) Job(path string) app.JobFunc {
	return func(ctx context.Context, r *app.JobReport) error {
		res, err := w.WriteFile(ctx, path)
		if err != nil {
			return err
		}
		r.Add("records", res.Records)
		r.Add("tombstones", res.Tombstones)
		r.Add("left_out", res.Skipped)
		r.Add("bytes", res.Bytes)
		return nil
	}
}
