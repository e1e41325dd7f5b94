package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"carrel/app"
	"carrel/app/catalog"
	"carrel/storage/migrate"
)

const storageSynopsis = "storage status | storage migrate --to STORE [--max-blobs N]"

// runStorage is `carrel storage`: which store holds the blobs, and moving
// them to another.
func runStorage(ctx context.Context, e *env, args []string) error {
	fs := e.flags("storage", storageSynopsis)
	to := fs.String("to", "", "the `STORE` to move the blobs to: \"default\" ([storage]) or a [stores.NAME] section's NAME")
	maxBlobs := fs.Int("max-blobs", 0, "copy at most `N` blobs in this run, then stop (run again to continue); 0 = all")
	rest, err := parseMixed(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 || (rest[0] != "status" && rest[0] != "migrate") {
		fs.Usage()
		return errors.New("want a subcommand: status or migrate --to STORE")
	}
	cfg, err := e.config()
	if err != nil {
		return err
	}
	if rest[0] == "status" {
		return storageStatus(ctx, e, cfg)
	}
	if *to == "" {
		return errors.New("migrate needs --to STORE (one of: " + strings.Join(cfg.storeNames(), ", ") + ")")
	}
	if _, err := cfg.storeConfig(*to); err != nil {
		return err
	}
	if *maxBlobs < 0 {
		return errors.New("--max-blobs must not be negative")
	}
	show := newMigrationDisplay(e.stderr, e.stdout)
	running, err := serverRunning(cfg)
	if err != nil {
		return err
	}
	var res migrationResult
	if running {
		fmt.Fprintf(e.stderr, "carrel serve is running: it copies the blobs to %q while it keeps serving\n", *to)
		res, err = migrateOnline(ctx, cfg, *to, *maxBlobs, show.event)
	} else {
		res, err = migrateOffline(ctx, cfg, *to, *maxBlobs, show.event)
	}
	fmt.Fprintln(e.stderr)
	switch {
	case errors.Is(err, migrate.ErrStopped) || err != nil && err.Error() == migrate.ErrStopped.Error():
		fmt.Fprintf(e.stdout, "copied and verified %d blobs to %q and stopped (--max-blobs); run the same command again to continue\n", res.Copied, *to)
		return nil
	case err != nil:
		return fmt.Errorf("%w\nnothing was switched: the blobs are still served from %q; run the same command again to resume", err, res.From)
	}
	fmt.Fprintf(e.stdout, "switched: the blobs are now in store %q (%d blobs copied in this run, every blob verified by SHA-256).\n"+
		"The catalog records the switch, so restarts use %q. Store %q was left as it was; empty it when you no longer need it.\n",
		*to, res.Copied, *to, res.From)
	return nil
}

func storageStatus(ctx context.Context, e *env, cfg Config) error {
	cat, err := openCatalog(ctx, cfg)
	if err != nil {
		return err
	}
	defer cat.Close()
	active, err := cat.ActiveStore(ctx)
	if err != nil {
		return err
	}
	for _, name := range cfg.storeNames() {
		sc, _ := cfg.storeConfig(name)
		where := sc.Path
		if sc.Backend == "s3" {
			where = fmt.Sprintf("s3://%s/%s/%s", sc.S3.Endpoint, sc.S3.Bucket, sc.S3.Prefix)
		}
		mark := " "
		if name == active {
			mark = "*"
		}
		fmt.Fprintf(e.stdout, "%s %-12s %-5s %s\n", mark, name, sc.Backend, where)
	}
	return nil
}

// migrationResult is how a migration ended.
type migrationResult struct {
	From   string `json:"from"`
	Copied int    `json:"copied"`
}

// migrateStore moves the blobs sw serves to the store named to: copies and
// verifies everything (resuming from the catalog's ledger), then, with
// blob writes held back, copies what was written meanwhile, records the
// switch in the catalog and switches sw.
func migrateStore(ctx context.Context, cfg Config, cat *catalog.DB, sw *migrate.Switch, to string, maxBlobs int, report func(migrate.Event)) (migrationResult, error) {
	fromName, from := sw.Active()
	res := migrationResult{From: fromName}
	if fromName == to {
		return res, app.Errorf(app.ECONFLICT, "the blobs are already in store %q", to)
	}
	dst, err := openStore(ctx, cfg, to)
	if err != nil {
		return res, err
	}
	m := &migrate.Migration{From: from, To: dst, Target: to, Ledger: cat, MaxBlobs: maxBlobs, Report: report}
	err = m.Run(ctx)
	if err == nil {
		err = sw.SwitchOver(to, dst, func() error {
			if err := m.Final(ctx); err != nil {
				return err
			}
			return cat.SwitchStore(context.WithoutCancel(ctx), fromName, to, m.Copied())
		})
	}
	res.Copied = m.Copied()
	return res, err
}

// migrateOffline migrates with no server running, holding the data
// directory's lock so none starts meanwhile.
func migrateOffline(ctx context.Context, cfg Config, to string, maxBlobs int, report func(migrate.Event)) (migrationResult, error) {
	release, err := lockDataDir(cfg.Server.DataDir)
	if err != nil {
		return migrationResult{}, err
	}
	defer release()
	cat, err := openCatalog(ctx, cfg)
	if err != nil {
		return migrationResult{}, err
	}
	defer cat.Close()
	sw, err := openBlobs(ctx, cfg, cat)
	if err != nil {
		return migrationResult{}, err
	}
	return migrateStore(ctx, cfg, cat, sw, to, maxBlobs, report)
}

// migrationLine is one line of the control socket's migration stream.
type migrationLine struct {
	Event  *migrate.Event   `json:"event,omitempty"`
	Result *migrationResult `json:"result,omitempty"`
	Error  string           `json:"error,omitempty"`
}

// handleMigrate runs a storage migration in the server and streams its
// progress as JSON lines; the last line is the result or an error. One
// migration runs at a time.
func (c *control) handleMigrate(w http.ResponseWriter, r *http.Request) {
	if !c.migrating.TryLock() {
		http.Error(w, "a storage migration is already running", http.StatusConflict)
		return
	}
	defer c.migrating.Unlock()
	to := r.URL.Query().Get("to")
	maxBlobs, _ := strconv.Atoi(r.URL.Query().Get("max_blobs"))
	w.Header().Set("Content-Type", "application/x-ndjson")
	enc := json.NewEncoder(w)
	send := func(l migrationLine) {
		_ = enc.Encode(l)
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
	}
	c.log.Info("storage migration started", "to", to)
	res, err := migrateStore(r.Context(), c.cfg, c.cat, c.blobs, to, maxBlobs, func(ev migrate.Event) { send(migrationLine{Event: &ev}) })
	switch {
	case errors.Is(err, migrate.ErrStopped):
		c.log.Info("storage migration paused", "to", to, "copied", res.Copied)
		send(migrationLine{Result: &res, Error: err.Error()})
	case err != nil:
		c.log.Error("storage migration failed", "to", to, "err", err)
		send(migrationLine{Result: &res, Error: app.ErrorMessage(err)})
	default:
		c.log.Info("storage migration switched over", "to", to, "copied", res.Copied)
		send(migrationLine{Result: &res})
	}
}

// migrateOnline asks the running server to migrate, showing its progress.
func migrateOnline(ctx context.Context, cfg Config, to string, maxBlobs int, report func(migrate.Event)) (migrationResult, error) {
	path, client := controlPath(cfg), controlClient(cfg)
	q := url.Values{"to": {to}, "max_blobs": {strconv.Itoa(maxBlobs)}}
	req, err := http.NewRequestWithContext(ctx, "POST", "http://carrel/storage/migrate?"+q.Encode(), nil)
	if err != nil {
		return migrationResult{}, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return migrationResult{}, fmt.Errorf("control socket %s: %w", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return migrationResult{}, fmt.Errorf("the server refused: %s %s", resp.Status, strings.TrimSpace(string(body)))
	}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		var l migrationLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return migrationResult{}, fmt.Errorf("bad answer from the server: %w", err)
		}
		switch {
		case l.Event != nil:
			report(*l.Event)
		case l.Error == migrate.ErrStopped.Error():
			return *l.Result, migrate.ErrStopped
		case l.Error != "":
			return *l.Result, errors.New(l.Error)
		case l.Result != nil:
			return *l.Result, nil
		}
	}
	if err := sc.Err(); err != nil {
		return migrationResult{}, err
	}
	return migrationResult{}, errors.New("the server stopped before the migration finished")
}

// migrationDisplay draws a migration's progress on a terminal line, at
// most ten times a second but always the start and the first blob (so the
// operator sees bytes move), and each copy that failed verification on its
// own line.
type migrationDisplay struct {
	w, out io.Writer // progress; findings
	last   time.Time
}

func newMigrationDisplay(w, out io.Writer) *migrationDisplay {
	return &migrationDisplay{w: w, out: out}
}

func (d *migrationDisplay) event(ev migrate.Event) {
	if ev.Corrupt != "" {
		fmt.Fprintf(d.out, "corrupt copy of %s in the target (it does not match the source's SHA-256): copied it again\n", ev.Corrupt)
		return
	}
	if time.Since(d.last) < 100*time.Millisecond && ev.Done < ev.Total && ev.Done > 1 {
		return
	}
	d.last = time.Now()
	const width = 30
	filled := width
	if ev.Total > 0 {
		filled = min(width, ev.Done*width/ev.Total)
	}
	fmt.Fprintf(d.w, "\r%-6s [%-*s] %d/%d blobs, %d copied (%.1f MB)", ev.Phase, width, strings.Repeat("#", filled), ev.Done, ev.Total, ev.Copied, float64(ev.Bytes)/1e6)
}
