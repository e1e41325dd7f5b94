// Command core benchmarks Carrel's core path, the way `make bench` runs it:
// a large file uploaded through Figshare's parts protocol and downloaded
// again, each compared with the same work done without Carrel in the same
// run (upload: cat to disk plus sha256sum; download: Debian's nginx over
// loopback), plus the server's resident memory during the upload. It
// writes its figures into one delimited section of BENCHMARKS.md.
//
// It builds nothing: it is given a carrel binary and starts it as a
// subprocess on a free loopback port with a fresh data directory.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"carrel/bench/benchmd"
)

// options are the driver's flags.
type options struct {
	carrel   string
	nginx    string
	work     string
	out      string
	size     int64
	parallel int
	repeats  int
	keep     bool
	command  string // how a person reproduces the run
	argv     string // the driver's own command line
	minio    string // with -minio: benchmark S3 storage on this MinIO binary instead
}

func main() {
	var o options
	fs := flag.NewFlagSet("bench-core", flag.ExitOnError)
	fs.StringVar(&o.carrel, "carrel", ".cache/bin/carrel", "the carrel `binary` to benchmark")
	fs.StringVar(&o.nginx, "nginx", "", "the nginx `binary` (default: nginx on PATH, else /usr/sbin/nginx)")
	fs.StringVar(&o.work, "work", "", "work `dir` for the test file, data and logs (default: a new temporary directory)")
	fs.StringVar(&o.out, "out", "BENCHMARKS.md", "the Markdown `file` whose bench:core section is replaced")
	fs.Int64Var(&o.size, "size", 1<<30, "test file size in `bytes`")
	fs.IntVar(&o.parallel, "parallel", 4, "parallel part uploads")
	fs.IntVar(&o.repeats, "repeats", 3, "timed downloads from each server; the best counts")
	fs.BoolVar(&o.keep, "keep", false, "keep the work directory's large files afterwards")
	fs.StringVar(&o.command, "command", "", "the `command` to record in the report as how to reproduce the run (e.g. make bench)")
	fs.StringVar(&o.minio, "minio", "", "benchmark Carrel on S3 storage instead: the MinIO server `binary` to start (section bench:s3)")
	fs.Parse(os.Args[1:])
	o.argv = commandLine(os.Args)
	if wd, err := os.Getwd(); err == nil {
		o.argv = strings.ReplaceAll(o.argv, wd+"/", "")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	runner := run
	if o.minio != "" {
		runner = runS3
	}
	if err := runner(ctx, &o); err != nil {
		fmt.Fprintf(os.Stderr, "bench-core: %v\n", err)
		os.Exit(1)
	}
}

// run does the whole benchmark and writes the report.
func run(ctx context.Context, o *options) error {
	carrel, work, err := prepare(o)
	if err != nil {
		return err
	}
	nginx, err := findNginx(o.nginx)
	if err != nil {
		return err
	}
	res := &results{started: time.Now(), size: o.size, parallel: o.parallel, repeats: o.repeats, command: o.command, argv: o.argv}
	logf("work directory %s", work)

	src := filepath.Join(work, "www", "file.bin")
	logf("writing a %d-byte test file", o.size)
	sums, err := makeTestFile(src, o.size)
	if err != nil {
		return err
	}
	defer cleanup(o.keep, src)

	if err := benchRaw(ctx, work, src, res); err != nil {
		return err
	}
	if err := benchCarrel(ctx, carrel, nginx, work, src, sums, o, res); err != nil {
		return err
	}
	if res.machine, err = benchmd.DescribeMachine(ctx, carrel); err != nil {
		return err
	}
	report := res.markdown()
	fmt.Print(report)
	return benchmd.WriteSection(o.out, "core", report)
}

// benchRaw times the upload baseline: the bytes copied to disk and hashed,
// as one shell pipeline.
func benchRaw(ctx context.Context, work, src string, res *results) error {
	dst := filepath.Join(work, "copy")
	defer os.Remove(dst)
	script := fmt.Sprintf("cat %s > %s && sha256sum %s", shellQuote(src), shellQuote(dst), shellQuote(dst))
	logf("raw upload path: %s", script)
	start := time.Now()
	out, err := commandContext(ctx, "sh", "-c", script).CombinedOutput()
	res.rawUpload = time.Since(start)
	if err != nil {
		return fmt.Errorf("raw upload path: %v: %s", err, out)
	}
	return nil
}

// benchCarrel starts Carrel, uploads and publishes the file, then times
// downloads of it from Carrel and from nginx, alternating between the two
// so that both see the same background load.
func benchCarrel(ctx context.Context, bin, nginx, work, src string, sums fileSums, o *options, res *results) error {
	data := filepath.Join(work, "carrel-data")
	if err := os.RemoveAll(data); err != nil {
		return err
	}
	defer cleanup(o.keep, data)
	srv, err := startCarrel(ctx, bin, data, filepath.Join(work, "carrel.log"))
	if err != nil {
		return err
	}
	defer srv.stop()
	c := newClient(srv.url, srv.token, o.parallel)

	item, err := c.createItem(ctx)
	if err != nil {
		return err
	}
	sampler := startRSS(srv.pid(), 50*time.Millisecond)
	logf("uploading through the parts protocol, %d parts at a time", o.parallel)
	up, err := c.upload(ctx, item, src, o.size, sums.md5)
	rss := sampler.stop()
	if err != nil {
		return err
	}
	res.upload, res.rss = up, rss
	if err := c.publish(ctx, item); err != nil {
		return err
	}
	carrelURL := fmt.Sprintf("%s/v2/file/download/%d", srv.url, up.fileID)
	logf("checking a download from Carrel against the file's SHA-256")
	if err := c.verifyDownload(ctx, carrelURL, o.size, sums.sha256); err != nil {
		return err
	}
	res.carrelURL = "/v2/file/download/{id}"

	ng, err := startNginx(ctx, nginx, filepath.Join(work, "nginx"), filepath.Dir(src))
	if err != nil {
		return err
	}
	defer ng.stop()
	res.nginxVersion = ng.version
	type target struct {
		url string
		dt  *downloadTimes
	}
	targets := []target{{carrelURL, &res.carrelDownload}, {ng.url + "/" + filepath.Base(src), &res.nginxDownload}}
	// Diagnostic: nginx serving Carrel's own stored blob, i.e. the same
	// bytes in the same page-cache state as Carrel's download.
	if blob, err := findBlob(filepath.Join(data, "blobs")); err == nil {
		link := filepath.Join(filepath.Dir(src), "carrel-blob.bin")
		os.Remove(link)
		if err := os.Symlink(blob, link); err == nil {
			defer os.Remove(link)
			targets = append(targets, target{ng.url + "/" + filepath.Base(link), &res.nginxBlobDownload})
		}
	} else {
		logf("not timing nginx on Carrel's blob: %v", err)
	}
	dc := newClient("", "", 1)
	for i := range o.repeats {
		for _, run := range targets {
			d, err := dc.download(ctx, run.url, o.size, nil)
			if err != nil {
				return err
			}
			logf("download %d/%d from %s: %s (%.0f MB/s)", i+1, o.repeats, run.url, d.Round(time.Millisecond), mbps(o.size, d))
			run.dt.add(d)
		}
	}
	return nil
}

// findBlob returns the one stored file under the local backend's blob
// directory (its hidden upload and temp directories aside).
func findBlob(dir string) (string, error) {
	var found []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && p != dir && strings.HasPrefix(d.Name(), "."):
			return filepath.SkipDir
		case d.Type().IsRegular():
			found = append(found, p)
		}
		return nil
	})
	if err == nil && len(found) != 1 {
		err = fmt.Errorf("found %d files under %s, want 1", len(found), dir)
	}
	if err != nil {
		return "", err
	}
	return found[0], nil
}

// cleanup removes a large file or directory unless asked to keep it.
func cleanup(keep bool, path string) {
	if !keep {
		os.RemoveAll(path)
	}
}

// commandLine joins args for the report, leaving out -command, which only
// says how the driver itself was reached.
func commandLine(args []string) string {
	var out []string
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "-command" || a == "--command":
			i++
		case strings.HasPrefix(a, "-command=") || strings.HasPrefix(a, "--command="):
		default:
			out = append(out, a)
		}
	}
	return strings.Join(out, " ")
}

// shellQuote quotes s for sh.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// logf reports progress on standard error.
func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench-core: "+format+"\n", args...)
}

// prepare checks the options and returns the absolute paths of the carrel
// binary and of the work directory, which it creates.
func prepare(o *options) (carrel, work string, err error) {
	if o.size <= 0 || o.parallel < 1 || o.repeats < 1 {
		return "", "", fmt.Errorf("-size, -parallel and -repeats must be positive")
	}
	if carrel, err = filepath.Abs(o.carrel); err != nil {
		return "", "", err
	}
	work = o.work
	if work == "" {
		if work, err = os.MkdirTemp("", "carrel-bench-"); err != nil {
			return "", "", err
		}
	}
	if work, err = filepath.Abs(work); err != nil {
		return "", "", err
	}
	return carrel, work, os.MkdirAll(work, 0o755)
}
