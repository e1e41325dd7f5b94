// Command search benchmarks Carrel's search at scale, the way `make bench`
// runs it: for each corpus size it fills a fresh data directory with the
// shared synthetic corpus (`carrel dev seed`, then more items created and
// published through the API by concurrent clients), measures search
// latency with five facets under concurrent clients over HTTP, an online
// full reindex, the index size and the server's memory, and then runs the
// same query mix in-process on the Bleve index and on SQLite FTS5 over the
// same corpus, reporting the ratio. It writes the bench:search section of
// BENCHMARKS.md.
//
// FTS5 needs go-sqlite3's sqlite_fts5 build tag, which only this program
// uses: go run -tags sqlite_fts5 ./bench/search.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"carrel/bench/benchmd"
)

// options are the driver's flags.
type options struct {
	carrel   string
	work     string
	out      string
	sizes    []int
	ingest   int
	clients  int
	duration time.Duration
	command  string
	reuse    bool
	section  string
}

func main() {
	var o options
	fs := flag.NewFlagSet("bench-search", flag.ExitOnError)
	fs.StringVar(&o.carrel, "carrel", ".cache/bin/carrel", "the carrel `binary` to benchmark")
	fs.StringVar(&o.work, "work", ".cache/bench/search", "work `dir` for the data directories")
	fs.StringVar(&o.out, "out", "BENCHMARKS.md", "the Markdown `file` whose bench:search section is replaced")
	sizes := fs.String("sizes", envOr("BENCH_SEARCH_SIZES", "100000,1000000"), "corpus `sizes`, comma separated (env BENCH_SEARCH_SIZES)")
	fs.IntVar(&o.ingest, "ingest", envInt("BENCH_SEARCH_INGEST", 10000), "items of each corpus created through the API (env BENCH_SEARCH_INGEST); the rest are seeded")
	fs.IntVar(&o.clients, "clients", 8, "concurrent clients for ingest and search")
	fs.DurationVar(&o.duration, "duration", 30*time.Second, "how long each latency run lasts")
	fs.StringVar(&o.section, "section", "search", "the `name` of the BENCHMARKS.md section to write, so that a run of other sizes can sit beside the default one")
	fs.BoolVar(&o.reuse, "reuse", false, "reuse the data directory of an earlier run of each size when there is one: no seeding; the ingest still runs, so the corpus grows by -ingest items a run")
	fs.StringVar(&o.command, "command", "go run -tags sqlite_fts5 ./bench/search", "the `command` to record in the report")
	fs.Parse(os.Args[1:])
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1000 {
			fmt.Fprintf(os.Stderr, "bench-search: bad size %q (at least 1000)\n", s)
			os.Exit(2)
		}
		o.sizes = append(o.sizes, n)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, &o); err != nil {
		fmt.Fprintf(os.Stderr, "bench-search: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o *options) error {
	if err := ftsAvailable(); err != nil {
		return err
	}
	m, err := benchmd.DescribeMachine(ctx, o.carrel)
	if err != nil {
		return err
	}
	rep := &report{machine: m, started: time.Now().UTC(), opts: o}
	for _, n := range o.sizes {
		r, err := benchSize(ctx, o, n)
		if err != nil {
			return fmt.Errorf("%d items: %w", n, err)
		}
		rep.sizes = append(rep.sizes, r)
		// Write after each size, so a long run reports what it has.
		rep.machine.Load = benchmd.LoadAverage()
		if err := benchmd.WriteSection(o.out, o.section, rep.markdown()); err != nil {
			return err
		}
		logf("wrote %s", o.out)
	}
	return nil
}

// mixSize is the number of distinct queries made for a run, more than
// any latency run sends; warmMix is how many of them the warm run repeats,
// fewer than the server's answer cache holds.
const (
	mixSize = 30_000
	warmMix = 400
)

// sizeResult is everything measured at one corpus size.
type sizeResult struct {
	items         int
	seeded        int
	seedTime      time.Duration
	reusedItems   int // the items a reused corpus held before this run's ingest
	ingested      int
	ingestTime    time.Duration
	ingestCPU     time.Duration // the server's CPU time during the ingest
	http          latencies     // search over HTTP with 5 facets, each query once
	httpWarm      latencies     // the first warmMix queries again and again: answered from the cache
	reindex       time.Duration
	reindexItems  int
	indexBytes    int64
	rssIdle       int64
	rssPeak       int64
	bleve         latencies // the same mix in-process on the index
	fts           latencies // and on SQLite FTS5
	ftsBuild      time.Duration
	ftsBytes      int64
	ftsRows       int
	queryMixKinds string
}

// benchSize runs every measure on a fresh corpus of n items.
func benchSize(ctx context.Context, o *options, n int) (*sizeResult, error) {
	r := &sizeResult{items: n, ingested: min(o.ingest, n/2)}
	r.seeded = n - r.ingested
	data := filepath.Join(o.work, fmt.Sprintf("data-%d", n))
	c := carrel{bin: o.carrel, data: data}
	_, statErr := os.Stat(filepath.Join(data, "catalog.db"))
	reused := o.reuse && statErr == nil
	if !reused {
		if err := os.RemoveAll(data); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(o.work, 0o755); err != nil {
			return nil, err
		}
		logf("%d items: seeding %d with carrel dev seed", n, r.seeded)
		start := time.Now()
		if _, err := c.run(ctx, "dev", "seed", "--items", strconv.Itoa(r.seeded), "--seed", "42", "--files", "0"); err != nil {
			return nil, err
		}
		r.seedTime = time.Since(start)
	}
	srv, err := c.serve(ctx, filepath.Join(o.work, fmt.Sprintf("serve-%d.log", n)))
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	if reused {
		r.seeded = 0
		if r.reusedItems, err = countItems(filepath.Join(data, "catalog.db")); err != nil {
			return nil, err
		}
		logf("%d items: reusing %s, which holds %d items", n, data, r.reusedItems)
	}
	start := time.Now()
	if err := waitIdle(ctx, srv.pid()); err != nil {
		return nil, err
	}
	logf("%d items: the server finished its start-up work in %s", n, time.Since(start).Round(time.Second))
	logf("%d items: creating and publishing %d through the API with %d clients", n, r.ingested, o.clients)
	cpu := cpuTime(srv.pid())
	if r.ingestTime, err = ingest(ctx, srv, r.ingested, o.clients); err != nil {
		return nil, err
	}
	r.ingestCPU = cpuTime(srv.pid()) - cpu
	logf("%d items: ingested in %s, %.2f ms of server CPU per item", n, r.ingestTime, perItemMS(r.ingestCPU, r.ingested))
	mix, err := queryMix(filepath.Join(data, "catalog.db"), mixSize)
	if err != nil {
		return nil, err
	}
	r.queryMixKinds = mix.kinds()
	r.rssIdle = rss(srv.pid())
	logf("%d items: searching over HTTP, %d clients for %s, each of %d queries at most once", n, o.clients, o.duration, len(mix))
	if r.http, err = runClients(ctx, o.clients, o.duration, mix, true, srv.search); err != nil {
		return nil, err
	}
	logf("%d items: p50 %s, p99 %s, %d queries", n, ms(r.http.p50), ms(r.http.p99), r.http.n)
	logf("%d items: the first %d queries over HTTP again and again for %s", n, warmMix, o.duration/2)
	if r.httpWarm, err = runClients(ctx, o.clients, o.duration/2, mix[:min(warmMix, len(mix))], false, srv.search); err != nil {
		return nil, err
	}
	logf("%d items: online reindex", n)
	start = time.Now()
	out, err := c.run(ctx, "reindex")
	if err != nil {
		return nil, err
	}
	r.reindex = time.Since(start)
	logf("%d items: reindexed in %s", n, r.reindex)
	fmt.Sscanf(out[strings.LastIndex(out, "indexed"):], "indexed %d items", &r.reindexItems)
	r.rssPeak = hwm(srv.pid())
	srv.stop()
	r.indexBytes = du(filepath.Join(data, "index"))

	logf("%d items: the same mix in-process on Bleve", n)
	if r.bleve, err = bleveRun(ctx, filepath.Join(data, "index"), o.clients, o.duration, mix); err != nil {
		return nil, err
	}
	logf("%d items: building SQLite FTS5 over the same corpus", n)
	fts, err := buildFTS(ctx, filepath.Join(data, "catalog.db"), filepath.Join(o.work, fmt.Sprintf("fts-%d.db", n)))
	if err != nil {
		return nil, err
	}
	defer fts.close()
	r.ftsBuild, r.ftsBytes, r.ftsRows = fts.build, fts.bytes, fts.rows
	logf("%d items: the same mix on FTS5", n)
	if r.fts, err = runClients(ctx, o.clients, o.duration, mix, true, fts.search); err != nil {
		return nil, err
	}
	return r, nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return n
	}
	return def
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench-search %s: %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}
