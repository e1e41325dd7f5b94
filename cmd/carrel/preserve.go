package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"carrel/app"
	"carrel/app/catalog"
	"carrel/app/formats"
	"carrel/app/preserve"
	"carrel/storage"
)

// formatDescriber renders a version's metadata with app/formats for the
// metadata/ directory of its preservation bag.
type formatDescriber struct {
	cat                *catalog.DB
	publisher, baseURL string
}

func (d formatDescriber) Describe(ctx context.Context, it *app.Item, v *app.Version) (map[string][]byte, error) {
	rec := &formats.Record{Item: it, Version: v, Publisher: d.publisher, VersionDOI: v.Metadata.DOI,
		LandingURL: strings.TrimSuffix(d.baseURL, "/") + app.LandingPath(v.Metadata.Title, it.ID)}
	types, err := d.cat.ItemTypes(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range types {
		if t.ID == v.Metadata.ItemType {
			rec.ItemType = t
		}
	}
	licenses, err := d.cat.Licenses(ctx)
	if err != nil {
		return nil, err
	}
	for _, l := range licenses {
		if l.ID == v.Metadata.License {
			rec.License = l
		}
	}
	cats, err := d.cat.Categories(ctx)
	if err != nil {
		return nil, err
	}
	for _, id := range v.Metadata.Categories {
		for _, c := range cats {
			if c.ID == id {
				rec.Categories = append(rec.Categories, c)
			}
		}
	}
	for _, f := range v.Files {
		rec.Files = append(rec.Files, formats.FileLink{Name: f.Name, Size: f.Size, MimeType: f.MimeType,
			URL: fmt.Sprintf("%s/v2/file/download/%d", strings.TrimSuffix(d.baseURL, "/"), f.ID)})
	}
	out := map[string][]byte{}
	for name, write := range map[string]func(io.Writer, *formats.Record) error{
		"datacite.xml":    formats.WriteDataCiteXML,
		"dublin-core.xml": formats.WriteDublinCore,
	} {
		var b bytes.Buffer
		if err := write(&b, rec); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[name] = b.Bytes()
	}
	return out, nil
}

// publicBaseURL is the site's public URL for links written into files
// that leave the server (bags, dumps).
func (c *Config) publicBaseURL() string {
	if c.Server.BaseURL != "" {
		return c.Server.BaseURL
	}
	return "http://" + c.Server.Addr
}

func (c *Config) publisher() string {
	if c.Site.Publisher != "" {
		return c.Site.Publisher
	}
	return c.Site.Name
}

// preservationDir is where bags go.
func (c *Config) preservationDir() string {
	if c.Preservation.Target != "" {
		return c.Preservation.Target
	}
	return filepath.Join(c.Server.DataDir, "preservation")
}

// newExporter returns an exporter writing bags into the directory target,
// or into store when it is not nil.
func newExporter(d jobDeps, target string, store storage.Backend, tar bool) *preserve.Exporter {
	return preserve.New(d.cat, d.blobs, formatDescriber{cat: d.cat, publisher: d.cfg.publisher(), baseURL: d.cfg.publicBaseURL()},
		preserve.Config{Target: target, Store: store, Tar: tar, Publisher: d.cfg.publisher(), ContactEmail: d.cfg.Site.AdminEmail,
			BaseURL: d.cfg.publicBaseURL()}, time.Now)
}

// preservationJob writes bags into [preservation] target, or into the
// store [preservation] store names, opened at each run so that a store
// that is down fails that run only.
func preservationJob(d jobDeps) app.JobFunc {
	name := d.cfg.Preservation.Store
	if name == "" {
		return newExporter(d, d.cfg.preservationDir(), nil, d.cfg.Preservation.Tar).Job()
	}
	return func(ctx context.Context, r *app.JobReport) error {
		store, err := openStore(ctx, d.cfg, name)
		if err != nil {
			return fmt.Errorf("preservation store: %w", err)
		}
		return newExporter(d, "", store, d.cfg.Preservation.Tar).Job()(ctx, r)
	}
}

func fixityJob(d jobDeps) app.JobFunc {
	a := preserve.NewFixityAudit(d.cat, d.blobs, d.cfg.Fixity.BudgetBytes, d.log, time.Now)
	if d.metrics != nil {
		a.OnResult = d.metrics.FixityResult
	}
	return a.Job()
}

func runExport(ctx context.Context, e *env, args []string) error {
	fs := e.flags("export", "export bag ITEM[/VERSION] [--to DIR] [--tar] | export metadata [--out FILE] [--config FILE] [--data DIR]\n\n"+
		"bag       writes a BagIt bag of a published version (the latest if VERSION is\n"+
		"          not given), the same bag the preservation-export job writes, into DIR.\n"+
		"metadata  writes the bulk metadata dump now (gzipped JSON Lines of every public\n"+
		"          record), the one the metadata-dump job writes and /dumps/metadata.jsonl.gz\n"+
		"          serves; to FILE instead with --out (\"-\": standard output).")
	to := fs.String("to", ".", "bag: write the bag into `DIR`")
	tar := fs.Bool("tar", false, "bag: write one .tar file instead of a directory")
	out := fs.String("out", "", "metadata: write the dump to `FILE` (default: the served dump in the data directory)")
	pos, err := parseMixed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 1 && pos[0] == "metadata" {
		cfg, err := e.config()
		if err != nil {
			return err
		}
		return exportMetadata(ctx, e, cfg, *out)
	}
	if len(pos) != 2 || pos[0] != "bag" {
		return fmt.Errorf("usage: carrel export bag ITEM[/VERSION] | carrel export metadata [--out FILE]")
	}
	what := pos[1]
	idText, verText, hasVer := strings.Cut(what, "/")
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 {
		return fmt.Errorf("%q is not an item id (ITEM or ITEM/VERSION)", what)
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
	blobs, err := openBlobs(ctx, cfg, cat)
	if err != nil {
		return err
	}
	ref := app.VersionRef{ItemID: id}
	if hasVer {
		if ref.Number, err = strconv.Atoi(verText); err != nil || ref.Number <= 0 {
			return fmt.Errorf("%q is not a version number", verText)
		}
	} else {
		it, err := cat.Item(ctx, id)
		if err != nil {
			return err
		}
		if ref.Number = it.Version; ref.Number == 0 {
			return fmt.Errorf("item %d has no published version", id)
		}
	}
	path, err := newExporter(jobDeps{cfg: cfg, cat: cat, blobs: blobs}, *to, nil, *tar).ExportVersion(ctx, ref)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, path)
	return nil
}
