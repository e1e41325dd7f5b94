package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/minio/minio-go/v7"

	"carrel/storage/s3/s3test"
)

// archiveConfig names a second store, "archive", in m's bucket.
func archiveConfig(m s3test.Server) string {
	return fmt.Sprintf(`[stores.archive]
backend = "s3"
[stores.archive.s3]
endpoint = %q
bucket = %q
prefix = "archive"
access_key = %q
secret_key = %q
use_tls = false
path_style = true
`, m.Endpoint, m.Bucket, s3test.User, s3test.Password)
}

// cancelOnWrite cancels a context once something matching is written.
type cancelOnWrite struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	match  string
	cancel func()
}

func (c *cancelOnWrite) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.buf.Write(p)
	if strings.Contains(c.buf.String(), c.match) {
		c.cancel()
	}
	return len(p), nil
}

// TestStorageMigrate moves the blobs from the local disk to MinIO and back
// while Carrel serves: an interrupted run and a run stopped by --max-blobs
// resume from the catalog's ledger, a copy corrupted in the target is
// found and copied again, files written during the migration (and an
// upload that straddles the switch) reach the new store, and the switch
// survives a restart.
func TestStorageMigrate(t *testing.T) {
	m := s3test.Start(t)
	dir := t.TempDir()
	cfg := archiveConfig(m)
	s := startServerIn(t, dir, cfg)
	tok := s.account("owner@example.edu", false)
	files := map[int64][]byte{}
	publish := func(s *testServer, title string, data []byte) {
		item := s.createItem(t, tok, title)
		files[s.upload(t, tok, item, "data.bin", data, nil)] = data
		s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", item), tok, nil).want(t, 201)
	}
	for i := range 4 {
		publish(s, fmt.Sprintf("Readings %d", i), randomBytes(50_000+i, uint64(i)))
	}
	checkDownloads := func(s *testServer) {
		t.Helper()
		for id, data := range files {
			if got := s.do("GET", fmt.Sprintf("/v2/file/download/%d", id), tok, nil).want(t, 200).Body; !bytes.Equal(got, data) {
				t.Fatalf("file %d: downloaded %d bytes that differ from the %d uploaded", id, len(got), len(data))
			}
		}
	}

	// Interrupted (offline, server stopped) after the first blob.
	s.Stop()
	ctx, cancel := context.WithCancel(context.Background())
	stderr := &cancelOnWrite{match: "] 1/4 blobs", cancel: cancel}
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: stderr}
	if code := run(ctx, e, []string{"storage", "migrate", "--to", "archive", "--data", dir, "--config", s.Config}); code == 0 ||
		!strings.Contains(stderr.buf.String(), "nothing was switched") {
		t.Fatalf("interrupted migration exited %d:\n%s", code, stderr.buf.String())
	}

	// Online from here: one more blob, then stop (--max-blobs).
	s = startServerIn(t, dir, cfg)
	out, err := s.cli("", "storage", "migrate", "--to", "archive", "--max-blobs", "1")
	if err != nil || !strings.Contains(out, "copied and verified 1 blobs") {
		t.Fatalf("migrate --max-blobs 1: %q, %v", out, err)
	}
	client := m.Client(t)
	var copies []minio.ObjectInfo
	for oi := range client.ListObjects(context.Background(), m.Bucket, minio.ListObjectsOptions{Prefix: "archive/", Recursive: true}) {
		copies = append(copies, oi)
	}
	if len(copies) != 2 {
		t.Fatalf("%d blobs in the archive after two interrupted runs, want 2", len(copies))
	}
	// Rot one copy: same size, different bytes.
	bad := copies[0]
	if _, err := client.PutObject(context.Background(), m.Bucket, bad.Key, bytes.NewReader(make([]byte, bad.Size)), bad.Size, minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	// Written during the migration: a published file, and an upload whose
	// parts go to the old store and which completes after the switch.
	publish(s, "Written meanwhile", randomBytes(70_000, 9))
	straddle := s.createItem(t, tok, "Straddling the switch")
	late := randomBytes(60_000, 10)
	lateID := s.uploadParts(t, tok, straddle, "late.bin", late, nil)

	out, err = s.cli("", "storage", "migrate", "--to", "archive")
	if err != nil || !strings.Contains(out, `switched: the blobs are now in store "archive"`) ||
		!strings.Contains(out, "corrupt copy of "+strings.TrimPrefix(bad.Key, "archive/")) {
		t.Fatalf("migrate: %q, %v", out, err)
	}
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/files/%d", straddle, lateID), tok, nil).want(t, 202)
	files[lateID] = late
	// The local copies go away: everything must now come from MinIO.
	if err := os.Rename(filepath.Join(dir, "blobs"), filepath.Join(dir, "blobs.old")); err != nil {
		t.Fatal(err)
	}
	checkDownloads(s)
	if out, _ := s.cli("", "storage", "status"); !strings.Contains(out, "* archive") {
		t.Fatalf("storage status after the switch:\n%s", out)
	}
	s.Stop()
	s = startServerIn(t, dir, cfg)
	checkDownloads(s)

	// And back to the local disk.
	if out, err := s.cli("", "storage", "migrate", "--to", "default"); err != nil || !strings.Contains(out, "switched") {
		t.Fatalf("migrate back: %q, %v", out, err)
	}
	if err := client.RemoveObject(context.Background(), m.Bucket, copies[1].Key, minio.RemoveObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	checkDownloads(s)
	if out, err := s.cli("", "storage", "migrate", "--to", "default"); err == nil || !strings.Contains(err.Error(), "already in store") {
		t.Fatalf("migrating to the active store: %q, %v", out, err)
	}
	if _, err := s.cli("", "storage", "migrate", "--to", "nowhere"); err == nil || !strings.Contains(err.Error(), `no store "nowhere"`) {
		t.Fatalf("migrating to an unknown store: %v", err)
	}
}

// TestStoreConfigBad: store sections that cannot work are refused at
// start, naming the key; so is a catalog whose active store has lost its
// section.
func TestStoreConfigBad(t *testing.T) {
	for _, c := range []struct{ name, toml, want string }{
		{"LocalNoPath", "[stores.array]\nbackend = \"local\"\n", "stores.array.path"},
		{"S3NoBucket", "[stores.cloud]\nbackend = \"s3\"\n[stores.cloud.s3]\nendpoint = \"x:9000\"\n", "stores.cloud.s3.endpoint and stores.cloud.s3.bucket"},
		{"HalfCredentials", "[stores.cloud]\nbackend = \"s3\"\n[stores.cloud.s3]\nendpoint = \"x:9000\"\nbucket = \"b\"\naccess_key = \"k\"\n", "stores.cloud.s3.access_key and stores.cloud.s3.secret_key"},
		{"NamedDefault", "[stores.default]\npath = \"/x\"\n", "a store name is"},
		{"BadName", "[stores.\"a b\"]\npath = \"/x\"\n", "a store name is"},
		{"UnknownBackend", "[stores.tape]\nbackend = \"tape\"\n", `stores.tape.backend "tape" is not supported`},
		{"BagStoreUnknown", "[preservation]\nstore = \"bags\"\n", `preservation.store "bags" names no [stores.bags]`},
		{"BagStoreAndTarget", "[preservation]\nstore = \"bags\"\ntarget = \"/x\"\n[stores.bags]\npath = \"/y\"\n", "not both"},
		{"PresignForever", "[storage]\nbackend = \"s3\"\n[storage.s3]\nendpoint = \"x:9000\"\nbucket = \"b\"\npresign_downloads = true\npresign_seconds = 0\n", "storage.s3.presign_seconds"},
	} {
		t.Run(c.name, func(t *testing.T) { wantServeRefuses(t, c.toml, c.want) })
	}
	t.Run("ActiveStoreGone", func(t *testing.T) {
		dir := t.TempDir()
		cfg := "[stores.array]\npath = \"" + filepath.Join(dir, "array") + "\"\n"
		s := startServerIn(t, dir, cfg)
		if out, err := s.cli("", "storage", "migrate", "--to", "array"); err != nil {
			t.Fatalf("migrate: %q, %v", out, err)
		}
		s.Stop()
		var stderr bytes.Buffer
		e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &stderr}
		if code := run(context.Background(), e, []string{"serve", "--data", dir, "--addr", "127.0.0.1:0"}); code == 0 ||
			!strings.Contains(stderr.String(), `the blobs are in store "array"`) {
			t.Fatalf("serve without the active store's section: exit %d, %q", code, stderr.String())
		}
	})
}
