package stats_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"

	"carrel/app"
	"carrel/app/catalog"
	"carrel/app/stats"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

const firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"

func TestRobots(t *testing.T) {
	r, err := stats.LoadRobots("")
	if err != nil {
		t.Fatal(err)
	}
	if r.Patterns < 300 {
		t.Fatalf("only %d robot patterns in use (skipped %v)", r.Patterns, r.Skipped)
	}
	for ua, want := range map[string]bool{
		firefox: false,
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)": true,
		"python-requests/2.31.0": true,
		"curl/8.5.0":             true,
		"":                       true,
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15": false,
		"Wget/1.21.4":               true,
		"Mozilla/5.0 YandexBot/3.0": true,
	} {
		if got := r.IsRobot(ua); got != want {
			t.Errorf("IsRobot(%q) = %v, want %v", ua, got, want)
		}
		if got := r.IsRobot(ua); got != want { // now from the cache
			t.Errorf("cached IsRobot(%q) = %v, want %v", ua, got, want)
		}
	}
	t.Run("UpdatedFile", func(t *testing.T) {
		f := filepath.Join(t.TempDir(), "robots.json")
		os.WriteFile(f, []byte(`[{"pattern":"^LibraryHarvester"},{"pattern":"(?<=bad)lookbehind"}]`), 0o644)
		r, err := stats.LoadRobots(f)
		if err != nil {
			t.Fatal(err)
		}
		if !r.IsRobot("LibraryHarvester/1.0") || r.IsRobot("Googlebot") || len(r.Skipped) != 1 {
			t.Fatalf("updated list not used as given: skipped %v", r.Skipped)
		}
	})
	t.Run("ErrBadFile", func(t *testing.T) {
		f := filepath.Join(t.TempDir(), "robots.json")
		os.WriteFile(f, []byte(`{not json`), 0o644)
		if _, err := stats.LoadRobots(f); err == nil {
			t.Fatal("a broken robots file was accepted")
		}
		if _, err := stats.LoadRobots(f + ".missing"); err == nil {
			t.Fatal("a missing robots file was accepted")
		}
	})
}

// openRecorder starts a recorder on a real catalog.
func openRecorder(t *testing.T, cfg stats.Config) (*stats.Recorder, *catalog.DB) {
	t.Helper()
	db := catalogFor(t)
	rec, err := stats.New(cfg, db, quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rec.Close(context.Background()) })
	return rec, db
}

func view(item int64, addr, ua string, at time.Time) app.UsageEvent {
	return app.UsageEvent{Kind: app.UsageView, ItemID: item, Version: 1, At: at,
		Client: app.UsageClient{Address: addr, UserAgent: ua}}
}

func total(t *testing.T, db *catalog.DB, kind app.UsageKind, item int64) app.UsageCount {
	t.Helper()
	if _, _, err := db.RollUpUsage(context.Background()); err != nil {
		t.Fatal(err)
	}
	c, err := db.UsageTotal(context.Background(), app.UsageQuery{Kind: kind, Scope: app.ScopeArticle, ID: item})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestFiltering(t *testing.T) {
	rec, db := openRecorder(t, stats.Config{FlushInterval: time.Hour})
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	rec.Record(view(1, "192.0.2.1", firefox, t0))
	rec.Record(view(1, "192.0.2.1", firefox, t0.Add(10*time.Second))) // double click
	rec.Record(view(1, "192.0.2.1", firefox, t0.Add(29*time.Second))) // still within 30 s of the counted one
	rec.Record(view(1, "192.0.2.1", firefox, t0.Add(31*time.Second))) // counts again
	rec.Record(view(1, "192.0.2.2", firefox, t0.Add(31*time.Second))) // another reader
	rec.Record(view(1, "192.0.2.3", "Googlebot/2.1", t0))
	rec.Record(view(2, "192.0.2.1", firefox, t0.Add(5*time.Second))) // another item
	if err := rec.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, want := total(t, db, app.UsageView, 1), (app.UsageCount{Total: 3, Unique: 2}); got != want {
		t.Errorf("item 1 views = %+v, want %+v", got, want)
	}
	if got, want := total(t, db, app.UsageView, 2), (app.UsageCount{Total: 1, Unique: 1}); got != want {
		t.Errorf("item 2 views = %+v, want %+v", got, want)
	}
	c := rec.Counters()
	if c.Recorded != 4 || c.Robots != 1 || c.DoubleClicks != 2 || c.Dropped != 0 {
		t.Errorf("counters = %+v", c)
	}
}

func TestNoAddressStored(t *testing.T) {
	rec, db := openRecorder(t, stats.Config{})
	rec.Record(view(7, "198.51.100.77", firefox, time.Now()))
	rec.Close(context.Background())
	total(t, db, app.UsageView, 7)
	files, _ := filepath.Glob(filepath.Join(catalogDir[db], "*"))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{"198.51.100.77", "Firefox"} {
			if bytes.Contains(raw, []byte(s)) {
				t.Errorf("%s contains %q", filepath.Base(f), s)
			}
		}
	}
}

func TestFlushWithinInterval(t *testing.T) {
	rec, db := openRecorder(t, stats.Config{FlushInterval: 50 * time.Millisecond})
	rec.Record(view(3, "192.0.2.9", firefox, time.Now()))
	deadline := time.Now().Add(5 * time.Second)
	for rec.Counters().Recorded == 0 {
		if time.Now().After(deadline) {
			t.Fatal("event not written within the flush interval")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got := total(t, db, app.UsageView, 3).Total; got != 1 {
		t.Fatalf("views = %d, want 1", got)
	}
}

// slowStore blocks writes until released, to fill the recorder's buffer.
type slowStore struct {
	stats.Store
	release chan struct{}
}

func (s slowStore) AddUsageEvents(ctx context.Context, ev []app.UsageEvent) error {
	<-s.release
	return s.Store.AddUsageEvents(ctx, ev)
}

func TestFullBufferDropsNeverBlocks(t *testing.T) {
	db := catalogFor(t)
	store := slowStore{Store: db, release: make(chan struct{})}
	rec, err := stats.New(stats.Config{Buffer: 10, BatchSize: 1}, store, quiet)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		for i := range 1000 {
			rec.Record(view(int64(i+1), "192.0.2.1", firefox, time.Now()))
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Record blocked while the store was stuck")
	}
	close(store.release)
	rec.Close(context.Background())
	c := rec.Counters()
	if c.Dropped == 0 || c.Recorded+c.Dropped != 1000 {
		t.Fatalf("counters = %+v, want drops and recorded+dropped = 1000", c)
	}
}

func TestCountries(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "countries.mmdb")
	writeCountryDB(t, file, map[string]string{"192.0.2.0/24": "NZ", "2001:db8::/32": "FR"})
	rec, db := openRecorder(t, stats.Config{GeoIPFile: file})
	rec.Record(view(5, "192.0.2.10", firefox, time.Now()))
	rec.Record(view(5, "2001:db8::1", firefox, time.Now()))
	rec.Record(view(5, "203.0.113.5", firefox, time.Now()))
	rec.Close(context.Background())
	total(t, db, app.UsageView, 5)
	rows, err := db.UsageByCountry(context.Background(), app.UsageQuery{Kind: app.UsageView, Scope: app.ScopeArticle, ID: 5}, "total")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, r := range rows {
		got[r.Country] = r.Total
	}
	if got["NZ"] != 1 || got["FR"] != 1 || got[""] != 1 || len(got) != 3 {
		t.Fatalf("by country = %v", got)
	}
	t.Run("MissingFileMeansNoCountry", func(t *testing.T) {
		if _, err := stats.New(stats.Config{GeoIPFile: filepath.Join(dir, "absent.mmdb")}, db, quiet); err != nil {
			t.Fatalf("missing GeoIP file: %v", err)
		}
	})
	t.Run("ErrCorruptFile", func(t *testing.T) {
		bad := filepath.Join(dir, "bad.mmdb")
		os.WriteFile(bad, []byte("not a database"), 0o644)
		if _, err := stats.New(stats.Config{GeoIPFile: bad}, db, quiet); err == nil {
			t.Fatal("a corrupt GeoIP file was accepted")
		}
	})
}

// writeCountryDB writes a MaxMind database with GeoIP2 Country's record
// shape, using MaxMind's own writer.
func writeCountryDB(t *testing.T, file string, nets map[string]string) {
	t.Helper()
	w, err := mmdbwriter.New(mmdbwriter.Options{DatabaseType: "GeoIP2-Country", RecordSize: 24, IncludeReservedNetworks: true})
	if err != nil {
		t.Fatal(err)
	}
	for cidr, iso := range nets {
		_, n, err := net.ParseCIDR(cidr)
		if err != nil {
			t.Fatal(err)
		}
		rec := mmdbtype.Map{"country": mmdbtype.Map{"iso_code": mmdbtype.String(iso)}}
		if err := w.Insert(n, rec); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := w.WriteTo(f); err != nil {
		t.Fatal(err)
	}
}

// catalogDir remembers each test catalog's directory.
var catalogDir = map[*catalog.DB]string{}

func catalogFor(t *testing.T) *catalog.DB {
	t.Helper()
	dir := t.TempDir()
	db, err := catalog.Open(context.Background(), filepath.Join(dir, "catalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	catalogDir[db] = dir
	return db
}
