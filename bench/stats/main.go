// Command stats benchmarks what recording usage statistics costs a
// download, the way `make bench` runs it: two Carrel servers on fresh data
// directories, one with [stats] enabled and one without, each serving the
// same small public file to concurrent clients that look like distinct
// readers (each request from another address, so every download is
// counted and written). Timed runs alternate between the two servers so
// both see the same background load; the best run of each counts. It
// writes its figures into the bench:stats section of BENCHMARKS.md.
package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"carrel/app"
	"carrel/app/catalog"
	"carrel/bench/benchkit"
)

type options struct {
	carrel, out, work, command string
	size                       int
	seconds                    float64
	rounds, concurrency        int
}

func main() {
	var o options
	fs := flag.NewFlagSet("bench-stats", flag.ExitOnError)
	fs.StringVar(&o.carrel, "carrel", ".cache/bin/carrel", "the carrel `binary` to benchmark")
	fs.StringVar(&o.out, "out", "BENCHMARKS.md", "the Markdown `file` whose bench:stats section is replaced")
	fs.StringVar(&o.work, "work", "", "work `dir` for the data directories and logs (default: a new temporary directory)")
	fs.StringVar(&o.command, "command", "", "the `command` to record in the report as how to reproduce the run")
	fs.IntVar(&o.size, "size", 16<<10, "file size in `bytes`")
	fs.Float64Var(&o.seconds, "seconds", 2, "length of each timed run in `seconds`")
	fs.IntVar(&o.rounds, "rounds", 11, "timed runs per server, alternating")
	fs.IntVar(&o.concurrency, "concurrency", 8, "concurrent clients")
	fs.Parse(os.Args[1:])
	if err := run(&o); err != nil {
		fmt.Fprintf(os.Stderr, "bench-stats: %v\n", err)
		os.Exit(1)
	}
}

// result is one server's timed runs.
type result struct {
	name    string
	rates   []float64 // downloads per second, one per run
	count   int64     // downloads served in all runs
	cpu     float64   // the server's CPU seconds (user + system, all threads) over all runs
	perCPUs []float64 // downloads per CPU-second, one per run
}

// perCPU is downloads per CPU-second of the server: its capacity, which
// other load on a shared machine disturbs far less than wall-clock rates.
func (r *result) perCPU() float64 { return float64(r.count) / r.cpu }

func (r *result) best() float64 {
	var b float64
	for _, x := range r.rates {
		b = max(b, x)
	}
	return b
}

func run(o *options) error {
	ctx := context.Background()
	work := o.work
	var err error
	if work == "" {
		if work, err = os.MkdirTemp("", "carrel-bench-stats-"); err != nil {
			return err
		}
		defer os.RemoveAll(work)
	} else if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	data := make([]byte, o.size)
	rand.Read(data)
	modes := []struct {
		name string
		env  []string
	}{
		{"on", []string{"CARREL_STATS_ENABLED=true", "CARREL_STATS_FORWARDED_HEADER=X-Forwarded-For"}},
		{"off", []string{"CARREL_STATS_ENABLED=false", "CARREL_STATS_FORWARDED_HEADER=X-Forwarded-For"}},
	}
	servers := make([]*server, len(modes))
	paths := make([]string, len(modes))
	results := make([]*result, len(modes))
	for i, m := range modes {
		dir := filepath.Join(work, "data-"+m.name)
		os.RemoveAll(dir)
		if servers[i], err = startCarrel(ctx, o.carrel, dir, filepath.Join(work, "carrel-"+m.name+".log"), m.env); err != nil {
			return err
		}
		defer servers[i].stop()
		if paths[i], err = servers[i].publishFile(data); err != nil {
			return err
		}
		results[i] = &result{name: m.name}
	}
	var seq atomic.Int64 // distinct reader addresses across all runs
	for round := range o.rounds {
		for k := range modes {
			i := (k + round) % len(modes) // alternate which goes first
			cpu0, err := cpuSeconds(servers[i].cmd.Process.Pid)
			if err != nil {
				return err
			}
			n, d := hammer(servers[i].url+paths[i], o, &seq)
			cpu1, err := cpuSeconds(servers[i].cmd.Process.Pid)
			if err != nil {
				return err
			}
			results[i].cpu += cpu1 - cpu0
			results[i].perCPUs = append(results[i].perCPUs, float64(n)/max(cpu1-cpu0, 0.01))
			results[i].rates = append(results[i].rates, float64(n)/d.Seconds())
			results[i].count += n
			fmt.Fprintf(os.Stderr, "bench-stats: stats %s, round %d: %d downloads in %.2f s (%.0f/s)\n", modes[i].name, round+1, n, d.Seconds(), float64(n)/d.Seconds())
		}
	}
	servers[0].stop() // a clean shutdown writes every buffered event
	counted, err := countedDownloads(ctx, filepath.Join(work, "data-on", "catalog.db"))
	if err != nil {
		return err
	}
	report := markdown(o, results[0], results[1], counted)
	fmt.Print(report)
	return writeSection(o.out, report)
}

// hammer downloads url with o.concurrency clients for o.seconds, each
// request from a new address, and returns how many downloads completed.
func hammer(url string, o *options, seq *atomic.Int64) (int64, time.Duration) {
	tr := &http.Transport{MaxIdleConnsPerHost: o.concurrency, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	var n atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	stop := start.Add(time.Duration(o.seconds * float64(time.Second)))
	for range o.concurrency {
		wg.Go(func() {
			for time.Now().Before(stop) {
				v := seq.Add(1)
				req, _ := http.NewRequest("GET", url, nil)
				req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", v>>16&255, v>>8&255, v&255))
				res, err := client.Do(req)
				if err != nil {
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode == 200 {
					n.Add(1)
				}
			}
		})
	}
	wg.Wait()
	return n.Load(), time.Since(start)
}

// cpuSeconds is the CPU time a process has used: utime + stime from
// /proc/<pid>/stat, in clock ticks of 1/100 s.
func cpuSeconds(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	var ut, st float64
	if _, err := fmt.Sscan(f[11], &ut); err != nil {
		return 0, err
	}
	if _, err := fmt.Sscan(f[12], &st); err != nil {
		return 0, err
	}
	return (ut + st) / 100, nil
}

// countedDownloads rolls up the stats-enabled server's events and returns
// its download count.
func countedDownloads(ctx context.Context, path string) (int64, error) {
	db, err := catalog.Open(ctx, path)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	if _, _, err := db.RollUpUsage(ctx); err != nil {
		return 0, err
	}
	c, err := db.UsageTotal(ctx, app.UsageQuery{Kind: app.UsageDownload, Scope: app.ScopeInstitution, ID: app.InstitutionID})
	return c.Total, err
}

func markdown(o *options, on, off *result, counted int64) string {
	ratio, capRatio := median(on.rates, off.rates), median(on.perCPUs, off.perCPUs)
	verdict := "**FAIL**"
	if capRatio >= 0.95 {
		verdict = "**PASS**"
	}
	load, _ := os.ReadFile("/proc/loadavg")
	host, _ := os.Hostname()
	join := func(r *result) string {
		var s []string
		for _, x := range r.rates {
			s = append(s, fmt.Sprintf("%.0f", x))
		}
		return strings.Join(s, ", ")
	}
	return fmt.Sprintf(`<!-- bench:stats -->
## Usage statistics: downloads per second with recording on and off

Written by `+"`bench/stats`"+` (run with %s). Do not edit by hand.

- **Date:** %s; **host:** %s
- **Setup:** two carrel servers on fresh data directories, `+"`[stats] enabled = true`"+` and `+"`false`"+`, each serving
  one public %d-byte file; %d concurrent keep-alive clients, every request from a new address (X-Forwarded-For) with a
  browser user agent, so every download is a distinct reader that is counted and written; %d rounds, each one
  timed run of %.0f s per server (which goes first alternates).

| measure | stats on | stats off | ratio | target | result |
|---|---|---|---|---|---|
| downloads per second of server CPU (capacity; all runs) | %.0f | %.0f | %.3f× | ≥ 0.95× (< 5%% cost) | %s |
| downloads per second, wall clock (best run) | %.0f | %.0f | %.3f× | | |

Ratios are the median, over the rounds, of each round's on/off ratio (the two runs of a round are back to back,
so they share the machine's load). The verdict uses the CPU figure: client and servers share this machine's
cores with whatever else runs (load average when the report was written: %s), which moves wall-clock rates by
tens of percent from run to run; the CPU time each server spends per download (user + system, all threads,
from /proc) moves less.
All runs (downloads/s): on %s; off %s. Server CPU: on %.2f s for %d downloads; off %.2f s for %d.
Downloads served with stats on: %d; counted after a clean shutdown and roll-up: %d (the rest, if any, were dropped
because the buffer was full: recording never makes a request wait).
<!-- /bench:stats -->
`, commandOr(o.command), time.Now().UTC().Format("2006-01-02 15:04 UTC"), host, o.size, o.concurrency, o.rounds, o.seconds,
		on.perCPU(), off.perCPU(), capRatio, verdict, on.best(), off.best(), ratio, strings.TrimSpace(string(load)),
		join(on), join(off), on.cpu, on.count, off.cpu, off.count, on.count, counted)
}

// median is the median of the pairwise ratios a[i]/b[i].
func median(a, b []float64) float64 {
	var r []float64
	for i := range a {
		r = append(r, a[i]/b[i])
	}
	sort.Float64s(r)
	if len(r)%2 == 1 {
		return r[len(r)/2]
	}
	return (r[len(r)/2-1] + r[len(r)/2]) / 2
}

func commandOr(c string) string {
	if c == "" {
		return "`go run ./bench/stats`"
	}
	return "`" + c + "`"
}

func writeSection(path, section string) error { return benchkit.WriteSection(path, "stats", section) }
