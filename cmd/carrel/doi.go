package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"carrel/app"
	"carrel/app/catalog"
	"carrel/app/doi"
	"carrel/app/formats"
	"carrel/app/oai"
)

// DOIConfig is the [doi] section: how Carrel names the identifiers it
// reserves.
type DOIConfig struct {
	Prefix       string `toml:"prefix"`
	HandlePrefix string `toml:"handle_prefix"`
}

// DataCiteConfig is the [datacite] section: where DOIs are registered.
// With no repository id and password nothing is sent.
type DataCiteConfig struct {
	Endpoint     string `toml:"endpoint"`
	RepositoryID string `toml:"repository_id"`
	Password     string `toml:"password"`
	RetrySeconds int    `toml:"retry_seconds"`
	PollSeconds  int    `toml:"poll_seconds"`
}

// enabled reports whether DataCite registration is configured.
func (c DataCiteConfig) enabled() bool { return c.RepositoryID != "" && c.Password != "" }

// testPrefix is DataCite's historical test prefix: fine for reserving DOIs
// locally, but DataCite registers nothing under it any more.
const testPrefix = "10.5072"

func (c *Config) validateDOI() error {
	if !app.ValidDOIPrefix(c.DOI.Prefix) {
		return fmt.Errorf("config: doi.prefix %q is not a DOI prefix such as 10.12345", c.DOI.Prefix)
	}
	if c.DOI.HandlePrefix != "" && !app.ValidHandlePrefix(c.DOI.HandlePrefix) {
		return fmt.Errorf("config: doi.handle_prefix %q is not a handle prefix such as 20.500.12345", c.DOI.HandlePrefix)
	}
	d := c.DataCite
	if (d.RepositoryID == "") != (d.Password == "") {
		return errors.New("config: set both datacite.repository_id and datacite.password, or neither (to reserve DOIs locally only)")
	}
	if !strings.HasPrefix(d.Endpoint, "https://") && !strings.HasPrefix(d.Endpoint, "http://") {
		return fmt.Errorf("config: datacite.endpoint %q must start with https://", d.Endpoint)
	}
	if d.enabled() && c.DOI.Prefix == testPrefix {
		return errors.New("config: DataCite registers nothing under 10.5072; set doi.prefix to the prefix DataCite assigned to your repository (test accounts have their own test prefix)")
	}
	if d.RetrySeconds <= 0 || d.PollSeconds <= 0 {
		return errors.New("config: datacite.retry_seconds and datacite.poll_seconds must be positive")
	}
	return nil
}

// identifiers is the naming scheme configured in [doi].
func (c *Config) identifiers() app.Identifiers {
	return app.Identifiers{DOIPrefix: c.DOI.Prefix, HandlePrefix: c.DOI.HandlePrefix}
}

// dataCentreSymbol is the DataCite repository that registers DOIs, as
// oai_datacite records name it; empty with DataCite off.
func (c *Config) dataCentreSymbol() string {
	if !c.DataCite.enabled() {
		return ""
	}
	return c.DataCite.RepositoryID
}

// doiWorker returns the worker that delivers the DOI outbox, or nil when
// DataCite is not configured.
func doiWorker(cfg Config, cat *catalog.DB, log *slog.Logger) *doi.Worker {
	if !cfg.DataCite.enabled() {
		return nil
	}
	records := oai.New(oai.Config{BaseURL: cfg.publicBaseURL(), RepositoryName: cfg.Site.Name, AdminEmail: cfg.Site.AdminEmail,
		Publisher: cfg.publisher()}, cat, log)
	client := &doi.Client{Endpoint: cfg.DataCite.Endpoint, Repository: cfg.DataCite.RepositoryID, Password: cfg.DataCite.Password}
	w := doi.NewWorker(client, cat, doiPayloads{records: records, cat: cat, baseURL: cfg.publicBaseURL()}, log)
	w.Backoff = time.Duration(cfg.DataCite.RetrySeconds) * time.Second
	return w
}

// doiPayloads builds what DataCite is told about a DOI from the catalog.
type doiPayloads struct {
	records *oai.Provider
	cat     *catalog.DB
	baseURL string
}

// Payload describes a version DOI by its version and landing page, and the
// concept DOI by the latest version, its HasVersion relations naming every
// version DOI, resolving to the item's page.
func (p doiPayloads) Payload(ctx context.Context, reg app.DOIRegistration) (doi.Payload, error) {
	rec, err := p.records.VersionRecord(ctx, reg.ItemID, reg.Version)
	if err != nil {
		return doi.Payload{}, err
	}
	title := rec.Version.Metadata.Title
	out := doi.Payload{URL: p.baseURL + app.LandingPath(title, reg.ItemID) + fmt.Sprintf("/versions/%d", reg.Version)}
	rec.VersionDOI, rec.LandingURL = reg.DOI, out.URL
	if reg.Concept {
		out.URL = p.baseURL + app.LandingPath(title, reg.ItemID)
		rec.LandingURL = out.URL
		vs, err := p.cat.Versions(ctx, reg.ItemID)
		if err != nil {
			return doi.Payload{}, err
		}
		for _, v := range vs {
			full, err := p.cat.Version(ctx, reg.ItemID, v.Number)
			if err != nil {
				return doi.Payload{}, err
			}
			if full.Metadata.DOI == app.VersionDOI(reg.DOI, v.Number) {
				rec.HasVersions = append(rec.HasVersions, full.Metadata.DOI)
			}
		}
	}
	var b bytes.Buffer
	if err := formats.WriteDataCiteXML(&b, rec); err != nil {
		return doi.Payload{}, err
	}
	out.XML = b.Bytes()
	return out, nil
}

func runDOI(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "status" {
		fmt.Fprintln(e.stderr, "Usage: carrel doi status [--all] [--limit N]")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return nil
		}
		return errors.New("unknown or missing subcommand")
	}
	fs := e.flags("doi status", "doi status [--all] [--limit N]")
	all := fs.Bool("all", false, "list sent registrations too, not only pending ones")
	limit := fs.Int("limit", 50, "list at most `N` registrations")
	if err := parse(fs, args[1:]); err != nil {
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
	regs, err := cat.DOIOutbox(ctx, !*all, *limit)
	if err != nil {
		return err
	}
	if cfg.DataCite.enabled() {
		fmt.Fprintf(e.stdout, "DataCite: %s as %s, prefix %s\n", cfg.DataCite.Endpoint, cfg.DataCite.RepositoryID, cfg.DOI.Prefix)
	} else {
		fmt.Fprintf(e.stdout, "DataCite: disabled (no [datacite] repository_id and password); DOIs under %s are reserved locally and wait in the outbox\n", cfg.DOI.Prefix)
	}
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tDOI\tITEM\tVERSION\tEVENT\tSTATE\tATTEMPTS\tNEXT OR SENT\tLAST ERROR")
	for _, r := range regs {
		state, when := "pending", r.NextAt
		if r.SentAt != "" {
			state, when = "sent", r.SentAt
		}
		fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%s\t%s\t%d\t%s\t%s\n", r.ID, r.DOI, r.ItemID, r.Version, r.Event, state, r.Attempts, when, r.Error)
	}
	return tw.Flush()
}

// startDOIWorker runs the DOI outbox worker w until ctx ends, woken after
// every catalog change; with DataCite not configured (w nil) it only says so.
func startDOIWorker(ctx context.Context, cfg Config, cat *catalog.DB, w *doi.Worker, log *slog.Logger) (stopped <-chan struct{}) {
	done := make(chan struct{})
	if w == nil {
		close(done)
		waiting, _ := cat.PendingDOICount(ctx)
		log.Info("DataCite registration is off ([datacite] repository_id and password are not set): DOIs are reserved locally only and nothing is sent",
			"prefix", cfg.DOI.Prefix, "registrations_waiting", waiting)
		return done
	}
	cat.OnChange(func(context.Context, int64, []int64) { w.Wake() })
	log.Info("DataCite registration is on", "endpoint", cfg.DataCite.Endpoint, "repository", cfg.DataCite.RepositoryID, "prefix", cfg.DOI.Prefix)
	go func() {
		defer close(done)
		w.Run(ctx, time.Duration(cfg.DataCite.PollSeconds)*time.Second)
	}()
	return done
}

// doiOutboxJob is the doi-outbox job: it delivers every due registration,
// with the server's worker when there is one. With DataCite off it only
// counts what waits.
func doiOutboxJob(d jobDeps) app.JobFunc {
	return func(ctx context.Context, r *app.JobReport) error {
		w := d.doi
		if w == nil {
			w = doiWorker(d.cfg, d.cat, d.log)
		}
		if w == nil {
			n, err := d.cat.PendingDOICount(ctx)
			r.Add("waiting_datacite_off", int64(n))
			return err
		}
		return w.Deliver(ctx, r)
	}
}
