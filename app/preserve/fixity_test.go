package preserve_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"carrel/app"
	"carrel/app/preserve"
	"carrel/storage"
	"carrel/storage/s3"
	"carrel/storage/s3/s3test"
)

// corrupter damages a stored blob the way the storage itself would.
type corrupter struct {
	flip, truncate, remove func(t *testing.T, key string)
}

// viaBackend damages blobs by rewriting them through the backend (for a
// store whose files the test cannot reach directly).
func viaBackend(b storage.Backend) corrupter {
	rewrite := func(t *testing.T, key string, change func([]byte) []byte) {
		ctx := context.Background()
		blob, _, err := b.Open(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(blob)
		blob.Close()
		data = change(data)
		if err := b.Put(ctx, key, strings.NewReader(string(data)), int64(len(data))); err != nil {
			t.Fatal(err)
		}
	}
	return corrupter{
		flip: func(t *testing.T, key string) {
			rewrite(t, key, func(d []byte) []byte { d[len(d)/2] ^= 0x01; return d })
		},
		truncate: func(t *testing.T, key string) { rewrite(t, key, func(d []byte) []byte { return d[:len(d)-1] }) },
		remove: func(t *testing.T, key string) {
			if err := b.Delete(context.Background(), key); err != nil {
				t.Fatal(err)
			}
		},
	}
}

// onDisk damages the local backend's files in place, as bit rot would.
func onDisk(dir string) corrupter {
	p := func(key string) string { return filepath.Join(dir, filepath.FromSlash(key)) }
	return corrupter{
		flip: func(t *testing.T, key string) {
			d, err := os.ReadFile(p(key))
			if err != nil {
				t.Fatal(err)
			}
			d[0] ^= 0x80
			os.WriteFile(p(key), d, 0o600)
		},
		truncate: func(t *testing.T, key string) { os.Truncate(p(key), 3) },
		remove:   func(t *testing.T, key string) { os.Remove(p(key)) },
	}
}

func TestFixityLocal(t *testing.T) {
	f := newFixture(t)
	testFixity(t, f, onDisk(f.blobDir))
}

func TestFixityMinIO(t *testing.T) {
	srv := s3test.Start(t)
	f := newFixture(t)
	b, err := s3.Open(context.Background(), s3.Config{Endpoint: srv.Endpoint, Bucket: srv.Bucket, AccessKey: s3test.User,
		SecretKey: s3test.Password, PathStyle: true})
	if err != nil {
		t.Fatal(err)
	}
	f.blobs = b
	testFixity(t, f, viaBackend(b))
}

func testFixity(t *testing.T, f *fixture, c corrupter) {
	ctx := context.Background()
	content := strings.Repeat("0123456789", 100) // 1000 bytes each
	f.publish("Five files", map[string]string{"a": content, "b": content, "c": content, "d": content, "e": content})
	audit := preserve.NewFixityAudit(f.db, f.blobs, 1<<30, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
	job := audit.Job()
	if r := run(t, job); r.Counts["files_verified"] != 5 || r.Counts["bytes_verified"] != 5000 || len(r.Problems) > 0 {
		t.Fatalf("clean run: %+v", r)
	}
	it, _ := f.db.ListItems(ctx, app.ItemFilter{Limit: 1})
	v, _ := f.db.Version(ctx, it[0].Item.ID, 1)
	keys := map[string]string{}
	for _, file := range v.Files {
		keys[file.Name] = file.StorageKey
	}
	c.flip(t, keys["a"])
	c.truncate(t, keys["b"])
	c.remove(t, keys["c"])

	var r app.JobReport
	if err := job(ctx, &r); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a": "SHA-256 is", "b": "size is", "c": "missing from storage"}
	if len(r.Problems) != len(want) || r.Counts["files_failed"] != 3 {
		t.Fatalf("after damage: %+v", r)
	}
	for name, what := range want {
		found := false
		for _, p := range r.Problems {
			found = found || strings.Contains(p, ", "+name+", key "+keys[name]+"): "+what)
		}
		if !found {
			t.Errorf("no problem names file %s (%s): %v", name, what, r.Problems)
		}
	}
	if n, err := f.db.FixityFailures(ctx); err != nil || n != 3 {
		t.Errorf("fixity failures recorded: %d %v", n, err)
	}
}

// TestFixityBudget: a run reads about its budget, and successive runs
// roll through every file before re-reading any.
func TestFixityBudget(t *testing.T) {
	f := newFixture(t)
	content := strings.Repeat("x", 1000)
	f.publish("Four files", map[string]string{"a": content, "b": content, "c": content, "d": content})
	job := preserve.NewFixityAudit(f.db, f.blobs, 1500, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now).Job()
	for i, want := range []int64{2, 2, 2} { // 1000 < 1500: a second file; then the budget is spent
		if r := run(t, job); r.Counts["files_verified"] != want {
			t.Errorf("run %d verified %d files, want %d", i, r.Counts["files_verified"], want)
		}
	}
	small := preserve.NewFixityAudit(f.db, f.blobs, 1, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now).Job()
	if r := run(t, small); r.Counts["files_verified"] != 1 {
		t.Errorf("a budget smaller than a file still checks one file: %+v", r)
	}
}
