package main

import (
	"fmt"
	"strings"
	"time"

	"carrel/bench/benchmd"
)

// Targets from the issue that asked for the benchmark.
const (
	targetDownload = 0.9  // Carrel download ≥ 0.9× nginx
	targetUpload   = 0.7  // Carrel upload ≥ 0.7× cat + sha256sum
	targetRSS      = 64e6 // server RSS growth during the upload < 64 MB
)

// results are everything the report shows.
type results struct {
	started        time.Time
	size           int64
	parallel       int
	repeats        int
	command        string
	argv           string
	machine        benchmd.Machine
	rawUpload      time.Duration
	upload         uploadResult
	rss            rssStats
	carrelURL      string
	carrelDownload downloadTimes
	nginxDownload  downloadTimes
	// nginxBlobDownload is nginx serving Carrel's stored blob (diagnostic).
	nginxBlobDownload downloadTimes
	nginxVersion      string
}

// mbps is a throughput in MB/s (10^6 bytes per second).
func mbps(size int64, d time.Duration) float64 { return float64(size) / d.Seconds() / 1e6 }

// mb formats bytes as MB (10^6 bytes).
func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }

// verdict is PASS or FAIL.
func verdict(ok bool) string {
	if ok {
		return "**PASS**"
	}
	return "**FAIL**"
}

// secs formats a duration in seconds.
func secs(d time.Duration) string { return fmt.Sprintf("%.3f s", d.Seconds()) }

// markdown renders the bench:core section, markers included.
func (r *results) markdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	size := humanSize(r.size)
	up, raw := r.upload.total, r.rawUpload
	upRatio := raw.Seconds() / up.Seconds()
	dl, ng := r.carrelDownload.best, r.nginxDownload.best
	dlRatio := ng.Seconds() / dl.Seconds()
	peak := max(r.rss.peak, r.rss.hwm)
	growth := peak - r.rss.baseline

	p("%s", benchmd.Begin("core"))
	p("## Core path: %s upload and download", size)
	p("")
	p("Written by `bench/core` (run with `make bench`, i.e. `bash scripts/bench.sh`). Do not edit by hand:")
	p("the text between the `bench:core` markers is replaced on every run.")
	p("")
	p("- **Date:** %s", r.started.UTC().Format("2006-01-02 15:04 MST"))
	p("- **Machine:** %s", r.machine)
	p("- **Software:** %s (driver built with %s); %s", r.machine.Carrel, r.machine.GoVersion, r.nginxVersion)
	p("- **Load average when the report was written:** %s", r.machine.Load)
	if r.command != "" {
		p("- **Command:** `%s`, which ran `%s`", r.command, r.argv)
	} else {
		p("- **Command:** `%s`", r.argv)
	}
	p("")
	p("| measure | Carrel | without Carrel | ratio | target | result |")
	p("|---|---|---|---|---|---|")
	p("| upload %s (parts protocol, %d parts × %s, %d in parallel; file create → completion) | %s, %.0f MB/s | %s, %.0f MB/s (`cat` to disk + `sha256sum`) | %.2f× | ≥ %.1f× | %s |",
		size, r.upload.parts, humanSize(r.upload.partSize), r.parallel, secs(up), mbps(r.size, up), secs(raw), mbps(r.size, raw),
		upRatio, targetUpload, verdict(upRatio >= targetUpload))
	p("| download %s (`GET %s`, best of %d, alternating with nginx) | %s, %.0f MB/s | %s, %.0f MB/s (nginx, sendfile) | %.2f× | ≥ %.1f× | %s |",
		size, r.carrelURL, r.repeats, secs(dl), mbps(r.size, dl), secs(ng), mbps(r.size, ng), dlRatio, targetDownload, verdict(dlRatio >= targetDownload))
	p("| server RSS during the upload | baseline %s, peak %s, growth %s | | | growth < %.0f MB | %s |",
		mb(r.rss.baseline), mb(peak), mb(growth), targetRSS/1e6, verdict(float64(growth) < targetRSS))
	p("")
	p("Upload breakdown (client side): create the file and fetch its part list %s; send all parts %s (%.0f MB/s);",
		secs(r.upload.setup), secs(r.upload.send), mbps(r.size, r.upload.send))
	p("completion request (server assembles the parts, fsyncs, then reads the file back for MD5 + SHA-256) %s (%.0f MB/s).",
		secs(r.upload.complete), mbps(r.size, r.upload.complete))
	p("")
	p("All download runs: Carrel %s; nginx %s.", joinTimes(r.carrelDownload.all), joinTimes(r.nginxDownload.all))
	if nb := r.nginxBlobDownload.best; nb > 0 {
		p("")
		p("Diagnostic, not a target: the same nginx serving Carrel's own stored blob (the same bytes, in the page-cache")
		p("state the upload left them in) took %s at best (runs: %s; %.0f MB/s); Carrel's download is %.2f× of that.",
			secs(nb), joinTimes(r.nginxBlobDownload.all), mbps(r.size, nb), nb.Seconds()/dl.Seconds())
		p("The target compares against nginx serving the source file, as the issue specifies.")
	}
	p("")
	p("RSS: VmRSS from `/proc/<pid>/status` sampled every 50 ms (%d samples; largest %s) and VmHWM at the end (%s); peak is the larger.",
		r.rss.samples, mb(r.rss.peak), mb(r.rss.hwm))
	p("")
	p("Notes: MB = 10^6 bytes. Client, server and baselines share this machine's cores. Nothing is dropped")
	p("from the page cache, so the test file is in page cache for every path (Carrel and both baselines).")
	p("The raw upload path is `cat file > copy && sha256sum copy`, timed as one shell pipeline; it does not fsync,")
	p("while Carrel fsyncs each part and the assembled file. The client computes the file's MD5 before the timed")
	p("upload (Figshare clients send it with the file's size); Carrel computes MD5 and SHA-256 on completion. The")
	p("Carrel download is checked once against the file's SHA-256 before the timed runs; timed runs of both")
	p("servers discard the bytes through the same Go HTTP client with a 1 MiB buffer.")
	p("%s", benchmd.End("core"))
	return b.String()
}

// joinTimes formats durations as a list of seconds.
func joinTimes(ds []time.Duration) string {
	s := make([]string, len(ds))
	for i, d := range ds {
		s[i] = secs(d)
	}
	return strings.Join(s, ", ")
}

// humanSize formats a byte count in binary units.
func humanSize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}
