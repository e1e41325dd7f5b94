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

// Server is a MinIO server run for the duration of one test.
type Server struct {
	Endpoint string // host:port on 127.0.0.1
	Bucket   string // an empty bucket made at start
}

// Start runs `minio server` on a free local port with a temporary data
// directory and one bucket, and stops it when t's test ends. It finds the
// binary via $CARREL_MINIO, defaulting to .cache/bin/minio in the repository
// (made by scripts/minio.sh). If there is none it fails the test when $CI is
// set, where a missing service is a broken build, and skips it otherwise.
func Start(t testing.TB) Server {
	t.Helper()
	bin := os.Getenv("CARREL_MINIO")
	if bin == "" {
		bin = filepath.Join(testenv.RepoRoot(t), ".cache", "bin", "minio")
	}
	if _, err := os.Stat(bin); err != nil {
		testenv.Missing(t, fmt.Sprintf("no MinIO server binary at %s (%v): run scripts/minio.sh or set CARREL_MINIO", bin, err))
	}
	addr, console := freeAddr(t), freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "server", "--quiet", "--address", addr, "--console-address", console, t.TempDir())
	cmd.Env = append(os.Environ(),
		"MINIO_ROOT_USER="+User,
		"MINIO_ROOT_PASSWORD="+Password,
		"MINIO_BROWSER=off",
		"MINIO_UPDATE=off",
	)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("starting %s: %v", bin, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cancel()
		<-exited
	})
	waitLive(t, "http://"+addr+"/minio/health/live", exited, &out)

	srv := Server{Endpoint: addr, Bucket: "carrel-test"}
	client, err := minio.New(addr, &minio.Options{Creds: credentials.NewStaticV4(User, Password, "")})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.MakeBucket(context.Background(), srv.Bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatalf("creating bucket: %v", err)
	}
	return srv
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
