// Package s3test starts a throwaway MinIO server for tests of anything that
// stores blobs in S3: the s3 backend itself and the whole server on top of it.
package s3test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"carrel/testenv"
)

// Fixed root credentials of the throwaway test server.
const (
	User     = "carrel-test"
	Password = "carrel-test-secret"
)

// KMSKey is the name of the key of the built-in KMS that StartKMS enables;
// it is the key id for SSE-KMS.
const KMSKey = "carrel-test-key"

// kmsSecret is KMSKey's 32 bytes in base64 (MinIO's MINIO_KMS_SECRET_KEY).
const kmsSecret = KMSKey + ":MzJieXRlc2xvbmdzZWNyZXRrZXltdXN0YmVnaXZlbjE="

// Server is a MinIO server run for the duration of one test.
type Server struct {
	Endpoint string // host:port on 127.0.0.1
	Bucket   string // an empty bucket made at start
	proc     *process
}

// process is the running minio command, which a test may stop and start
// again on the same data directory and port.
type process struct {
	t    testing.TB
	bin  string
	addr string
	dir  string
	env  []string

	mu     sync.Mutex
	cancel context.CancelFunc
	exited chan error
}

// Start runs `minio server` on a free local port with a temporary data
// directory and one bucket, and stops it when t's test ends. It finds the
// binary via $CARREL_MINIO, defaulting to .cache/bin/minio in the repository
// (made by scripts/minio.sh). If there is none it fails the test when $CI is
// set, where a missing service is a broken build, and skips it otherwise.
func Start(t testing.TB) Server { return start(t, nil) }

// StartKMS is Start with MinIO's built-in single-key KMS enabled, so that
// server-side encryption (SSE-S3, and SSE-KMS with key id KMSKey) works.
func StartKMS(t testing.TB) Server { return start(t, []string{"MINIO_KMS_SECRET_KEY=" + kmsSecret}) }

func start(t testing.TB, extraEnv []string) Server {
	t.Helper()
	bin := os.Getenv("CARREL_MINIO")
	if bin == "" {
		bin = filepath.Join(testenv.RepoRoot(t), ".cache", "bin", "minio")
	}
	if _, err := os.Stat(bin); err != nil {
		testenv.Missing(t, fmt.Sprintf("no MinIO server binary at %s (%v): run scripts/minio.sh or set CARREL_MINIO", bin, err))
	}
	p := &process{t: t, bin: bin, addr: freeAddr(t), dir: t.TempDir(), env: append(os.Environ(),
		"MINIO_ROOT_USER="+User,
		"MINIO_ROOT_PASSWORD="+Password,
		"MINIO_BROWSER=off",
		"MINIO_UPDATE=off",
	)}
	p.env = append(p.env, extraEnv...)
	p.start()
	t.Cleanup(p.stop)

	srv := Server{Endpoint: p.addr, Bucket: "carrel-test", proc: p}
	client, err := minio.New(p.addr, &minio.Options{Creds: credentials.NewStaticV4(User, Password, "")})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.MakeBucket(context.Background(), srv.Bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatalf("creating bucket: %v", err)
	}
	return srv
}

// Stop stops the server (as if it crashed or was taken down), keeping its
// data directory and port for Resume.
func (s Server) Stop() { s.proc.stop() }

// Resume starts the server again on the same data directory and port, and
// waits until it is live.
func (s Server) Resume() { s.proc.start() }

func (p *process) start() {
	p.t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, p.bin, "server", "--quiet", "--address", p.addr, "--console-address", freeAddr(p.t), p.dir)
	cmd.Env = p.env
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		cancel()
		p.t.Fatalf("starting %s: %v", p.bin, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	p.cancel, p.exited = cancel, exited
	waitLive(p.t, "http://"+p.addr+"/minio/health/live", exited, &out)
}

func (p *process) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cancel == nil {
		return
	}
	p.cancel()
	<-p.exited
	p.cancel = nil
}

// waitLive polls url until it answers 200, the server exits or 60s pass.
func waitLive(t testing.TB, url string, exited <-chan error, out fmt.Stringer) {
	t.Helper()
	deadline := time.After(60 * time.Second)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case err := <-exited:
			t.Fatalf("minio exited before it was live: %v\n%s", err, out)
		case <-deadline:
			t.Fatalf("minio not live at %s after 60s\n%s", url, out)
		case <-tick.C:
		}
	}
}

// freeAddr returns a 127.0.0.1 address with a port nobody listens on now.
func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// Client is a plain minio-go client of the server, for tests that look at
// or tamper with the bucket behind Carrel's back.
func (s Server) Client(t testing.TB) *minio.Client {
	t.Helper()
	c, err := minio.New(s.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(User, Password, "")})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Download copies every object of the bucket under prefix into a new
// directory, named by the rest of its key, and returns the directory. It
// fails the test if there is none.
func (s Server) Download(t testing.TB, prefix string) string {
	t.Helper()
	ctx, c, dir, n := context.Background(), s.Client(t), t.TempDir(), 0
	for oi := range c.ListObjects(ctx, s.Bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if oi.Err != nil {
			t.Fatal(oi.Err)
		}
		dst := filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(oi.Key, prefix)))
		if err := c.FGetObject(ctx, s.Bucket, oi.Key, dst, minio.GetObjectOptions{}); err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n == 0 {
		t.Fatalf("no objects under %q in the bucket", prefix)
	}
	return dir
}
