package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"carrel/bench/benchmd"
)

// The S3 benchmark (-minio): the same file uploaded and downloaded through
// Carrel configured with S3 storage on a MinIO server, and by minio-go
// talking to that server directly, alternating so both see the same load.

const (
	minioUser   = "carrel-bench"
	minioSecret = "carrel-bench-secret"
	minioBucket = "carrel-bench"
)

// s3Results are what the S3 report shows.
type s3Results struct {
	started                        time.Time
	size                           int64
	parallel, repeats              int
	command, argv                  string
	machine                        benchmd.Machine
	minioVersion                   string
	carrelUpload, directUpload     downloadTimes // best of the runs
	uploads                        []uploadResult
	carrelDownload, directDownload downloadTimes
	partSize                       int64
	parts                          int
}

// runS3 runs the S3 benchmark and writes the bench:s3 section.
func runS3(ctx context.Context, o *options) error {
	carrel, work, err := prepare(o)
	if err != nil {
		return err
	}
	res := &s3Results{started: time.Now(), size: o.size, parallel: o.parallel, repeats: o.repeats, command: o.command, argv: o.argv}
	src := filepath.Join(work, "s3", "file.bin")
	logf("writing a %d-byte test file", o.size)
	sums, err := makeTestFile(src, o.size)
	if err != nil {
		return err
	}
	defer cleanup(o.keep, filepath.Dir(src))

	mc, stopMinio, err := startMinio(ctx, o.minio, work, res)
	if err != nil {
		return err
	}
	defer stopMinio()
	data := filepath.Join(work, "carrel-data-s3")
	if err := os.RemoveAll(data); err != nil {
		return err
	}
	defer cleanup(o.keep, data)
	srv, err := startCarrel(ctx, carrel, data, filepath.Join(work, "carrel-s3.log"),
		"CARREL_STORAGE_BACKEND=s3", "CARREL_STORAGE_S3_ENDPOINT="+mc.EndpointURL().Host, "CARREL_STORAGE_S3_BUCKET="+minioBucket,
		"CARREL_STORAGE_S3_ACCESS_KEY="+minioUser, "CARREL_STORAGE_S3_SECRET_KEY="+minioSecret,
		"CARREL_STORAGE_S3_USE_TLS=false", "CARREL_STORAGE_S3_PATH_STYLE=true")
	if err != nil {
		return err
	}
	defer srv.stop()
	c := newClient(srv.url, srv.token, o.parallel)

	// Uploads, alternating: Carrel (whose part list sets the part size),
	// then minio-go with the same parts, o.repeats times (at least twice);
	// the best of each counts.
	var fileID, item int64
	for i := range max(2, o.repeats) {
		if item, err = c.createItem(ctx); err != nil {
			return err
		}
		up, err := c.upload(ctx, item, src, o.size, sums.md5)
		if err != nil {
			return err
		}
		res.carrelUpload.add(up.total)
		res.uploads = append(res.uploads, up)
		res.partSize, res.parts, fileID = up.partSize, up.parts, up.fileID
		d, err := directUpload(ctx, mc, src, fmt.Sprintf("direct/%d", i), res.partSize, o.parallel)
		if err != nil {
			return err
		}
		res.directUpload.add(d)
		logf("upload %d: Carrel %s, minio-go %s", i+1, up.total.Round(time.Millisecond), d.Round(time.Millisecond))
	}
	if err := c.publish(ctx, item); err != nil {
		return err
	}
	carrelURL := fmt.Sprintf("%s/v2/file/download/%d", srv.url, fileID)
	if err := c.verifyDownload(ctx, carrelURL, o.size, sums.sha256); err != nil {
		return err
	}
	dc := newClient("", "", 1)
	for i := range o.repeats {
		d, err := dc.download(ctx, carrelURL, o.size, nil)
		if err != nil {
			return err
		}
		res.carrelDownload.add(d)
		dd, err := directDownload(ctx, mc, "direct/0", o.size)
		if err != nil {
			return err
		}
		res.directDownload.add(dd)
		logf("download %d: Carrel %s, minio-go %s", i+1, d.Round(time.Millisecond), dd.Round(time.Millisecond))
	}
	if res.machine, err = benchmd.DescribeMachine(ctx, carrel); err != nil {
		return err
	}
	report := res.markdown()
	fmt.Print(report)
	return benchmd.WriteSection(o.out, "s3", report)
}

// startMinio starts MinIO on a free port with a fresh data directory and
// makes the bucket; stop stops it and removes the data.
func startMinio(ctx context.Context, bin, work string, res *s3Results) (*minio.Client, func(), error) {
	dir := filepath.Join(work, "minio-data")
	if err := os.RemoveAll(dir); err != nil {
		return nil, nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, nil, err
	}
	console, err := freeAddr()
	if err != nil {
		return nil, nil, err
	}
	if out, err := commandContext(ctx, bin, "--version").Output(); err == nil {
		res.minioVersion = strings.SplitN(strings.TrimSpace(string(out)), "\n", 2)[0]
	}
	cmd := commandContext(ctx, bin, "server", "--quiet", "--address", addr, "--console-address", console, dir)
	cmd.Env = append(os.Environ(), "MINIO_ROOT_USER="+minioUser, "MINIO_ROOT_PASSWORD="+minioSecret, "MINIO_BROWSER=off", "MINIO_UPDATE=off")
	p, err := start(cmd, filepath.Join(work, "minio.log"))
	if err != nil {
		return nil, nil, err
	}
	stop := func() { p.stop(); os.RemoveAll(dir) }
	if err := p.waitReady(ctx, "http://"+addr+"/minio/health/live"); err != nil {
		stop()
		return nil, nil, err
	}
	mc, err := minio.New(addr, &minio.Options{Creds: credentials.NewStaticV4(minioUser, minioSecret, "")})
	if err == nil {
		err = mc.MakeBucket(ctx, minioBucket, minio.MakeBucketOptions{})
	}
	if err != nil {
		stop()
		return nil, nil, err
	}
	logf("minio serving at %s (pid %d)", addr, p.pid())
	return mc, stop, nil
}

// directUpload puts the file with minio-go as a multipart upload of the
// same part size and parallelism as Carrel's client uses.
func directUpload(ctx context.Context, mc *minio.Client, path, key string, partSize int64, parallel int) (time.Duration, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	start := time.Now()
	_, err = mc.PutObject(ctx, minioBucket, key, f, st.Size(), minio.PutObjectOptions{PartSize: uint64(partSize),
		NumThreads: uint(parallel), ConcurrentStreamParts: true, ContentType: "application/octet-stream"})
	return time.Since(start), err
}

// directDownload reads an object with minio-go into the same 1 MiB-buffer
// sink the Carrel download uses.
func directDownload(ctx context.Context, mc *minio.Client, key string, size int64) (time.Duration, error) {
	start := time.Now()
	obj, err := mc.GetObject(ctx, minioBucket, key, minio.GetObjectOptions{})
	if err != nil {
		return 0, err
	}
	defer obj.Close()
	n, err := io.CopyBuffer(sink{}, struct{ io.Reader }{obj}, make([]byte, 1<<20))
	if err == nil && n != size {
		err = fmt.Errorf("minio-go read %d bytes of %s, want %d", n, key, size)
	}
	return time.Since(start), err
}

// markdown renders the bench:s3 section, markers included.
func (r *s3Results) markdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	size := humanSize(r.size)
	up, dup := r.carrelUpload.best, r.directUpload.best
	dl, ddl := r.carrelDownload.best, r.directDownload.best
	p("%s", benchmd.Begin("s3"))
	p("## S3 storage: %s upload and download through Carrel on MinIO, against minio-go direct", size)
	p("")
	p("Written by `bench/core -minio` (run with `make bench`). Do not edit by hand: the text between the")
	p("`bench:s3` markers is replaced on every run.")
	p("")
	p("- **Date:** %s", r.started.UTC().Format("2006-01-02 15:04 MST"))
	p("- **Machine:** %s", r.machine)
	p("- **Software:** %s (driver built with %s); %s", r.machine.Carrel, r.machine.GoVersion, r.minioVersion)
	p("- **Load average when the report was written:** %s", r.machine.Load)
	if r.command != "" {
		p("- **Command:** `%s`, which ran `%s`", r.command, r.argv)
	} else {
		p("- **Command:** `%s`", r.argv)
	}
	p("")
	p("| measure | through Carrel | minio-go direct | ratio (Carrel ÷ direct throughput) |")
	p("|---|---|---|---|")
	p("| upload %s (%d parts × %s, %d in parallel; best of %d) | %s, %.0f MB/s | %s, %.0f MB/s | %.2f× |",
		size, r.parts, humanSize(r.partSize), r.parallel, len(r.carrelUpload.all), secs(up), mbps(r.size, up), secs(dup), mbps(r.size, dup), dup.Seconds()/up.Seconds())
	p("| download %s (`GET /v2/file/download/{id}` streamed by Carrel; `GetObject`; best of %d) | %s, %.0f MB/s | %s, %.0f MB/s | %.2f× |",
		size, r.repeats, secs(dl), mbps(r.size, dl), secs(ddl), mbps(r.size, ddl), ddl.Seconds()/dl.Seconds())
	p("")
	p("All runs: uploads Carrel %s, minio-go %s; downloads Carrel %s, minio-go %s.",
		joinTimes(r.carrelUpload.all), joinTimes(r.directUpload.all), joinTimes(r.carrelDownload.all), joinTimes(r.directDownload.all))
	if n := len(r.uploads); n > 0 {
		u := r.uploads[n-1]
		p("")
		p("Last Carrel upload, client side: setup %s; parts sent %s (%.0f MB/s; each part streamed into an S3 UploadPart);",
			secs(u.setup), secs(u.send), mbps(r.size, u.send))
		p("completion %s (CompleteMultipartUpload, which copies nothing, then Carrel reads the object back for MD5 and",
			secs(u.complete))
		p("SHA-256; minio-go direct does no such read).")
	}
	p("")
	p("Notes: MB = 10^6 bytes. MinIO runs on this machine with one local drive; Carrel, MinIO and the client share")
	p("its cores. The direct upload is minio-go `PutObject` with the part size and parallelism of Carrel's client;")
	p("uploads alternate (Carrel, then direct) and so do downloads. Presigned downloads are off: Carrel streams the bytes.")
	p("%s", benchmd.End("s3"))
	return b.String()
}
