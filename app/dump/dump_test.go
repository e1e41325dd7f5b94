package dump

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"carrel/app"
	"carrel/app/api"
	"carrel/app/catalog"
)

// fixture is a real catalog with published items and the API's renderer.
type fixture struct {
	db     *catalog.DB
	render Renderer
	ids    []int64
}

func newFixture(t *testing.T, published int) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := catalog.Open(ctx, filepath.Join(t.TempDir(), "catalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	a := &app.Account{Email: "ada@example.edu", FirstName: "Ada", LastName: "Lovelace"}
	if err := db.CreateAccount(ctx, a, ""); err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, render: api.New(api.Config{BaseURL: "https://data.example.edu", Publisher: "Example University"},
		db, nil, nil, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))}
	for i := range published + 1 {
		it, err := db.CreateItem(ctx, a.ID, 0, app.Metadata{Title: fmt.Sprintf("Soil moisture %d", i),
			Authors: []app.Author{{FullName: "Ada Lovelace"}}, License: 1, ItemType: 3, Categories: []int64{3001}})
		if err != nil {
			t.Fatal(err)
		}
		if i == published {
			break // the last stays a draft
		}
		if _, err := db.Publish(ctx, it.ID); err != nil {
			t.Fatal(err)
		}
		f.ids = append(f.ids, it.ID)
	}
	return f
}

// ids reads back the item ids of a dump, checking every line is JSON.
func ids(t *testing.T, b []byte) []int64 {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for sc := bufio.NewScanner(zr); sc.Scan(); {
		var rec struct {
			ID int64 `json:"id"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("line %d: %v", len(out)+1, err)
		}
		out = append(out, rec.ID)
	}
	return out
}

// TestBatches pages through the catalog in batches smaller than it, with
// a boundary falling exactly on the last item, and lists each public item
// once, in id order.
func TestBatches(t *testing.T) {
	f := newFixture(t, 6)
	for _, size := range []int{1, 2, 3, 4, 500} {
		w := New(f.db, f.render, time.Now)
		w.batch = size
		var b bytes.Buffer
		res, err := w.Write(context.Background(), &b)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(t, b.Bytes()); fmt.Sprint(got) != fmt.Sprint(f.ids) || res.Records != 6 {
			t.Errorf("batch %d: ids %v, want %v; %+v", size, got, f.ids, res)
		}
	}
}

// cancelling stops a dump midway, as a shutdown would: it cancels the
// write's context once the first record is rendered.
type cancelling struct {
	Renderer
	cancel context.CancelFunc
}

func (c cancelling) PublicArticle(ctx context.Context, it *app.Item, ver *app.Version) (json.RawMessage, error) {
	defer c.cancel()
	return c.Renderer.PublicArticle(ctx, it, ver)
}

// TestInterruptedWrite checks that a dump that does not finish leaves the
// previous one as it was, and no temporary file behind.
func TestInterruptedWrite(t *testing.T) {
	f := newFixture(t, 3)
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	if _, err := New(f.db, f.render, time.Now).WriteFile(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Publish(context.Background(), f.ids[len(f.ids)-1]+1); err != nil { // the draft: a fourth record
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	w := New(f.db, cancelling{f.render, cancel}, time.Now)
	w.batch = 1
	if _, err := w.WriteFile(ctx, path); err == nil {
		t.Fatal("an interrupted dump reported success")
	}
	after, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(before, after) || len(ids(t, after)) != 3 {
		t.Fatalf("the previous dump changed (%v)", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("files left in the dump directory: %v", entries)
	}

	// A temporary file of a write that died long ago is cleared by the next.
	stale := filepath.Join(dir, "."+FileName+".123.tmp")
	os.WriteFile(stale, []byte("partial"), 0o644)
	old := time.Now().Add(-48 * time.Hour)
	os.Chtimes(stale, old, old)
	res, err := New(f.db, f.render, time.Now).WriteFile(context.Background(), path)
	if err != nil || res.Records != 4 {
		t.Fatalf("rewrite: %+v %v", res, err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale temporary file kept: %v", err)
	}
}

// TestWriteFileReplacesOnlyFiles checks that the atomic rename never
// replaces a device or a pipe, and that through a symbolic link it
// replaces the file linked to, keeping the link.
func TestWriteFileReplacesOnlyFiles(t *testing.T) {
	f := newFixture(t, 1)
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	w := New(f.db, f.render, time.Now)
	if _, err := w.WriteFile(context.Background(), fifo); app.ErrorCode(err) != app.EINVALID {
		t.Errorf("writing over a named pipe: %v, want EINVALID", err)
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the named pipe was replaced: %v %v", fi.Mode(), err)
	}

	target, link := filepath.Join(dir, "real.jsonl.gz"), filepath.Join(dir, "link.jsonl.gz")
	os.WriteFile(target, []byte("old"), 0o644)
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if _, err := w.WriteFile(context.Background(), link); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v", err)
	}
	b, _ := os.ReadFile(target)
	if got := ids(t, b); len(got) != 1 {
		t.Errorf("the linked file holds %v", got)
	}
}
