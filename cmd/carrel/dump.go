package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"carrel/app"
	"carrel/app/api"
	"carrel/app/catalog"
	"carrel/app/dump"
)

// metadataDumpPath is where the metadata-dump job writes the dump that
// /dumps/metadata.jsonl.gz serves.
func (c *Config) metadataDumpPath() string {
	return filepath.Join(c.Server.DataDir, "dumps", dump.FileName)
}

// newDumpWriter renders each record with the API's own renderer, so that a
// line of the dump is what GET /v2/articles/{id} answers the public.
func newDumpWriter(cfg Config, cat *catalog.DB, log *slog.Logger) *dump.Writer {
	render := api.New(api.Config{BaseURL: cfg.publicBaseURL(), Publisher: cfg.publisher(), Identifiers: cfg.identifiers()},
		cat, nil, nil, nil, log)
	return dump.New(cat, render, time.Now)
}

func metadataDumpJob(d jobDeps) app.JobFunc {
	return newDumpWriter(d.cfg, d.cat, d.log).Job(d.cfg.metadataDumpPath())
}

// exportMetadata is `carrel export metadata [--out FILE]`: the dump, written
// now, to the served place (by default), to FILE, or to standard output.
func exportMetadata(ctx context.Context, e *env, cfg Config, out string) error {
	log := newLogger(e.stderr, cfg.Log)
	cat, err := openCatalog(ctx, cfg)
	if err != nil {
		return err
	}
	defer cat.Close()
	w := newDumpWriter(cfg, cat, log)
	var res dump.Result
	switch {
	case out == "-":
		res, err = w.Write(ctx, e.stdout)
	case out == "":
		out = cfg.metadataDumpPath()
		res, err = w.WriteFile(ctx, out)
	case isStream(out):
		res, err = writeStream(ctx, w, out)
	default:
		res, err = w.WriteFile(ctx, out)
	}
	if err != nil {
		return err
	}
	if out != "-" {
		fmt.Fprintf(e.stdout, "%s: %d records, %d tombstones, %d bytes\n", out, res.Records, res.Tombstones, res.Bytes)
	} else {
		fmt.Fprintf(e.stderr, "%d records, %d tombstones\n", res.Records, res.Tombstones)
	}
	return nil
}

// isStream reports whether path names a device or a named pipe (such as
// /dev/stdout or a FIFO), which the dump is written into rather than
// atomically replaced.
func isStream(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode()&(os.ModeDevice|os.ModeCharDevice|os.ModeNamedPipe) != 0
}

func writeStream(ctx context.Context, w *dump.Writer, path string) (dump.Result, error) {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return dump.Result{}, err
	}
	res, err := w.Write(ctx, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return res, err
}
