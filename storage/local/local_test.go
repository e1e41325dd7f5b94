package local_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"carrel/storage"
	"carrel/storage/local"
	"carrel/storage/storagetest"
)

// MustOpen returns a Backend in a fresh temporary directory.
func MustOpen(tb testing.TB) *local.Backend {
	tb.Helper()
	b, err := local.Open(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestBackend(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Backend { return MustOpen(t) })
}

func TestOpen_File(t *testing.T) {
	ctx := context.Background()
	b := MustOpen(t)
	if err := b.Put(ctx, "k", strings.NewReader("hello"), 5); err != nil {
		t.Fatal(err)
	}
	blob, _, err := b.Open(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	defer blob.Close()
	// net/http only uses sendfile when it gets the *os.File itself.
	if _, ok := blob.(*os.File); !ok {
		t.Fatalf("Open returned %T, want *os.File", blob)
	}
}

func TestPut_NoLitter(t *testing.T) {
	ctx := context.Background()
	b := MustOpen(t)
	if err := b.Put(ctx, "a/b", strings.NewReader("short"), 10); err == nil {
		t.Fatal("short Put succeeded")
	}
	if err := b.Put(ctx, "a/c", strings.NewReader("ok"), 2); err != nil {
		t.Fatal(err)
	}
	wantEntries(t, filepath.Join(b.Dir(), ".tmp"))
	wantEntries(t, filepath.Join(b.Dir(), "a"), "c")
}

func TestKey_Reserved(t *testing.T) {
	ctx := context.Background()
	b := MustOpen(t)
	for _, key := range []string{".tmp/x", ".uploads/x", ".tmp"} {
		if err := b.Put(ctx, key, strings.NewReader("x"), 1); !errors.Is(err, storage.ErrInvalidKey) {
			t.Errorf("Put(%q) = %v; want ErrInvalidKey", key, err)
		}
	}
	if err := b.Put(ctx, "x/.tmp", strings.NewReader("x"), 1); err != nil {
		t.Errorf("Put(x/.tmp) = %v; only top-level names are reserved", err)
	}
}

func TestUpload_SurvivesRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	b, err := local.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	id, err := b.StartUpload(ctx, "k", 6)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.PutPart(ctx, "k", id, 1, 0, strings.NewReader("abc"), 3); err != nil {
		t.Fatal(err)
	}

	b, err = local.Open(dir) // the server restarted
	if err != nil {
		t.Fatal(err)
	}
	if err := b.CompleteUpload(ctx, "k", id, 2); err == nil {
		t.Fatal("CompleteUpload succeeded with part 2 missing")
	}
	if err := b.PutPart(ctx, "k", id, 2, 3, strings.NewReader("def"), 3); err != nil {
		t.Fatal(err)
	}
	if err := b.CompleteUpload(ctx, "k", id, 2); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "k"))
	if err != nil || string(got) != "abcdef" {
		t.Fatalf("blob = %q, %v; want abcdef", got, err)
	}
	wantEntries(t, filepath.Join(dir, ".uploads"))
}

func TestUpload_AbortLeavesNothing(t *testing.T) {
	ctx := context.Background()
	b := MustOpen(t)
	id, err := b.StartUpload(ctx, "k", 3)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.PutPart(ctx, "k", id, 1, 0, strings.NewReader("abc"), 3); err != nil {
		t.Fatal(err)
	}
	if err := b.AbortUpload(ctx, "k", id); err != nil {
		t.Fatal(err)
	}
	wantEntries(t, filepath.Join(b.Dir(), ".uploads"))
	wantEntries(t, b.Dir(), ".tmp", ".uploads")
}

func TestUpload_OutsideBlob(t *testing.T) {
	ctx := context.Background()
	b := MustOpen(t)
	id, err := b.StartUpload(ctx, "k", 4)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.PutPart(ctx, "k", id, 2, 2, strings.NewReader("abc"), 3); err == nil {
		t.Fatal("PutPart past the end of the blob succeeded")
	}
	if err := b.PutPart(ctx, "k", id, 1, -1, strings.NewReader("a"), 1); err == nil {
		t.Fatal("PutPart at a negative offset succeeded")
	}
}

// wantEntries fails unless dir holds exactly the named entries.
func wantEntries(t *testing.T, dir string, want ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if !slices.Equal(got, want) {
		t.Fatalf("%s holds %q, want %q", dir, got, want)
	}
}
