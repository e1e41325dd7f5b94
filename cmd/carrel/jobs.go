package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"carrel/app"
	"carrel/app/catalog"
	"carrel/app/doi"
	"carrel/app/jobs"
	"carrel/app/metrics"
	"carrel/app/stats"
	"carrel/storage"
)

// jobDeps is what the jobs are built from. index is nil outside carrel
// serve: a CLI run leaves the search index to the server, which catches up
// with catalog changes made by other processes (see serve.go).
type jobDeps struct {
	cfg   Config
	cat   *catalog.DB
	blobs storage.Backend
	log   *slog.Logger
	// metrics, if set, counts what the jobs do (in carrel serve only).
	metrics *metrics.Metrics
	doi     *doi.Worker // the server's DOI outbox worker; nil outside carrel serve or with DataCite off
}

// registerJobs registers every job. To add one: a line in the table below
// and, if it runs by itself, its default [jobs.<name>] in defaultJobs and
// config.example.toml.
func registerJobs(s *jobs.Scheduler, d jobDeps) error {
	table := []struct {
		name, summary string
		fn            app.JobFunc
	}{
		{"doi-outbox", "sends pending DOI registrations to DataCite (the server also sends them at once after each publish)", doiOutboxJob(d)},
		{stats.RollupJobName, "fold new usage events into the daily view, download and share counts", stats.RollupJob(d.cat)},
		{"backup", "copies the catalog to the backup directory with a manifest; keeps the newest backup.keep", backupJob(d)},
		{"fixity-audit", "re-reads stored files (fixity.budget_bytes per run, oldest-checked first) and checks their SHA-256", fixityJob(d)},
		{"preservation-export", "writes a BagIt bag of every newly published version, and records withdrawals", preservationJob(d)},
		{"embargo-lift", "lifts embargoes whose date has come; the items become public in search and OAI-PMH", embargoLiftJob(d.cat)},
		{"notify", "turns review events and lifting embargoes into mail and sends the outbox ([mail]); retries what the SMTP server refused", notifyJob(d)},
		{"metadata-dump", "writes the bulk metadata dump served at /dumps/metadata.jsonl.gz: every public record as gzipped JSON Lines", metadataDumpJob(d)},
		{"saml-metadata-refresh", "fetches each SAML identity provider's metadata from its metadata_url, checks it and swaps it in; a failure keeps the last good copy", samlMetadataJob(d)},
		{"private-link-expiry", "deletes expired private links (they stop working when they expire) and audits each", privateLinkExpiryJob(d.cat)},
	}
	for _, j := range table {
		jc := d.cfg.Jobs[j.name]
		if err := s.Add(j.name, j.summary, jobs.Schedule{Spec: jc.Schedule, Enabled: jc.Enabled}, j.fn); err != nil {
			return fmt.Errorf("config: %w", err)
		}
	}
	var unknown []string
	for name := range d.cfg.Jobs {
		if !contains(s.Names(), name) {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return fmt.Errorf("config: [jobs.%s] names no job; the jobs are: %s", unknown[0], strings.Join(s.Names(), ", "))
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// newScheduler builds the scheduler with every job registered.
func newScheduler(d jobDeps) (*jobs.Scheduler, error) {
	s := jobs.New(d.cat, d.log)
	if err := registerJobs(s, d); err != nil {
		return nil, err
	}
	return s, nil
}

const jobsSynopsis = `jobs list | jobs run NAME | jobs runs NAME [--config FILE] [--data DIR]

  list       every job with its schedule, next and last run
  run NAME   run a job now, in this process, and wait for it; exits 1 and
             prints the problems if the run fails. Safe while carrel serve
             runs on the same data directory; refused if the job is running.
  runs NAME  the job's recent runs, newest first`

func runJobs(ctx context.Context, e *env, args []string) error {
	fs := e.flags("jobs", jobsSynopsis)
	rest, err := parseMixed(fs, args)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		fs.Usage()
		return errors.New("missing subcommand: list, run NAME or runs NAME")
	}
	sub, operands := rest[0], rest[1:]
	want := map[string]int{"list": 0, "run": 1, "runs": 1}
	n, ok := want[sub]
	if !ok {
		return fmt.Errorf("unknown subcommand %q: use list, run NAME or runs NAME", sub)
	}
	if len(operands) != n {
		return fmt.Errorf("jobs %s takes %d argument(s)", sub, n)
	}
	cfg, err := e.config()
	if err != nil {
		return err
	}
	return jobsCommand(ctx, e, cfg, sub, operands)
}

// jobsCommand runs `carrel jobs SUB OPERANDS...` with a loaded config.
func jobsCommand(ctx context.Context, e *env, cfg Config, sub string, operands []string) error {
	log := newLogger(e.stderr, cfg.Log)
	cat, err := openCatalog(ctx, cfg)
	if err != nil {
		return err
	}
	defer cat.Close()
	blobs, err := openBlobs(ctx, cfg, cat)
	if err != nil {
		return err
	}
	sched, err := newScheduler(jobDeps{cfg: cfg, cat: cat, blobs: blobs, log: log})
	if err != nil {
		return err
	}
	switch sub {
	case "list":
		return printJobs(ctx, e, sched)
	case "runs":
		runs, err := sched.Runs(ctx, operands[0], 20)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "RUN\tTRIGGER\tSTARTED\tTOOK\tOUTCOME\tERROR")
		for _, r := range runs {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Trigger, r.Started.Local().Format(time.DateTime), took(r), r.Outcome, r.Error)
		}
		return tw.Flush()
	}
	run, err := sched.Run(ctx, operands[0])
	if err != nil {
		return err
	}
	printRun(e, run)
	if run.Outcome != app.JobOK {
		return fmt.Errorf("job %s failed: %s", run.Job, run.Error)
	}
	return nil
}

func printJobs(ctx context.Context, e *env, sched *jobs.Scheduler) error {
	list, err := sched.Status(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "JOB\tSCHEDULE\tLAST RUN\tOUTCOME\tWHAT IT DOES")
	for _, j := range list {
		sched := j.Schedule
		if !j.Enabled {
			sched = "by hand only"
		}
		last, outcome := "never", "-"
		if j.Last != nil {
			last, outcome = j.Last.Started.Local().Format(time.DateTime), j.Last.Outcome
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", j.Name, sched, last, outcome, j.Summary)
	}
	return tw.Flush()
}

func printRun(e *env, r app.JobRun) {
	fmt.Fprintf(e.stdout, "job %s run %d: %s in %s\n", r.Job, r.ID, r.Outcome, took(r))
	names := make([]string, 0, len(r.Report.Counts))
	for k := range r.Report.Counts {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Fprintf(e.stdout, "  %s: %d\n", k, r.Report.Counts[k])
	}
	for _, p := range r.Report.Problems {
		fmt.Fprintf(e.stdout, "  problem: %s\n", p)
	}
}

func took(r app.JobRun) string {
	if r.Finished.IsZero() {
		return "-"
	}
	return r.Finished.Sub(r.Started).Round(time.Millisecond).String()
}
