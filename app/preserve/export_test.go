package preserve_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"carrel/app"
	"carrel/app/catalog"
	"carrel/app/preserve"
	"carrel/app/preserve/bagittest"
	"carrel/storage"
	"carrel/storage/local"
)

// fixture is a real catalog and blob store with an exporter over them.
type fixture struct {
	t     *testing.T
	db    *catalog.DB
	blobs storage.Backend
	// blobDir is where the local backend keeps the bytes.
	blobDir string
	owner   int64
	n       int
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := catalog.Open(ctx, filepath.Join(dir, "catalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	blobs, err := local.Open(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	a := &app.Account{Email: "ada@example.edu", FirstName: "Ada", LastName: "Lovelace"}
	if err := db.CreateAccount(ctx, a, ""); err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, db: db, blobs: blobs, blobDir: filepath.Join(dir, "blobs"), owner: a.ID}
}

// describer stands in for app/formats, which cmd/carrel wires; its tests
// cover the real formats.
type describer struct{}

func (describer) Describe(_ context.Context, it *app.Item, v *app.Version) (map[string][]byte, error) {
	return map[string][]byte{"datacite.xml": fmt.Appendf(nil, "<resource><title>%s</title></resource>\n", v.Metadata.Title)}, nil
}

func (f *fixture) exporter(target string, tar bool) *preserve.Exporter {
	return preserve.New(f.db, f.blobs, describer{}, preserve.Config{Target: target, Tar: tar, Publisher: "Example University",
		ContactEmail: "repo@example.edu", BaseURL: "https://data.example.edu"}, time.Now)
}

// addFile stores content and adds it to item's draft at path.
func (f *fixture) addFile(item int64, path string, content []byte) *app.File {
	f.t.Helper()
	ctx := context.Background()
	f.n++
	folder, name := filepath.Split(path)
	file := &app.File{ItemID: item, Name: name, Folder: strings.TrimSuffix(folder, "/"), Size: int64(len(content)),
		StorageKey: fmt.Sprintf("files/%d", f.n), UploadToken: fmt.Sprintf("tok-%d", f.n), PartSize: app.MinPartSize}
	if err := f.db.CreateFile(ctx, file, 0); err != nil {
		f.t.Fatal(err)
	}
	if err := f.blobs.Put(ctx, file.StorageKey, bytes.NewReader(content), file.Size); err != nil {
		f.t.Fatal(err)
	}
	s, m := sha256.Sum256(content), md5.Sum(content)
	file.Status, file.SHA256, file.ComputedMD5 = app.FileAvailable, hex.EncodeToString(s[:]), hex.EncodeToString(m[:])
	if err := f.db.FinishFile(ctx, file); err != nil {
		f.t.Fatal(err)
	}
	return file
}

func (f *fixture) publish(title string, files map[string]string) int64 {
	f.t.Helper()
	ctx := context.Background()
	md := app.Metadata{Title: title, Description: "Measurements.", Authors: []app.Author{{FullName: "Ada Lovelace"}},
		License: 1, ItemType: 3, Categories: []int64{3001}, Keywords: []string{"soil"}}
	it, err := f.db.CreateItem(ctx, f.owner, 0, md)
	if err != nil {
		f.t.Fatal(err)
	}
	for p, c := range files {
		f.addFile(it.ID, p, []byte(c))
	}
	if _, err := f.db.Publish(ctx, it.ID); err != nil {
		f.t.Fatal(err)
	}
	return it.ID
}

func run(t *testing.T, job app.JobFunc) app.JobReport {
	t.Helper()
	var r app.JobReport
	if err := job(context.Background(), &r); err != nil {
		t.Fatalf("job: %v (%v)", err, r.Problems)
	}
	return r
}

func TestExport(t *testing.T) {
	f := newFixture(t)
	target := filepath.Join(t.TempDir(), "preservation")
	id := f.publish("Soil moisture", map[string]string{"readme.txt": "hello\n", "raw/2024/site a.csv": "t,v\n1,2\n",
		"raw/100%.txt": strings.Repeat("x", 70000)})
	job := f.exporter(target, false).Job()
	if r := run(t, job); r.Counts["bags_written"] != 1 || len(r.Problems) > 0 {
		t.Fatalf("first run: %+v", r)
	}
	bagDir := filepath.Join(target, fmt.Sprintf("carrel-item-%d-v1", id))
	info := bagittest.Validate(t, os.DirFS(bagDir))
	for label, want := range map[string]string{"Source-Organization": "Example University", "Payload-Oxum": "70014.3",
		"External-Identifier": fmt.Sprintf("https://data.example.edu/articles/Soil_moisture/%d/versions/1", id)} {
		if got := info[label]; len(got) != 1 || got[0] != want {
			t.Errorf("bag-info %s = %v, want %s", label, got, want)
		}
	}
	for _, p := range []string{"data/raw/2024/site a.csv", "metadata/datacite.xml", "metadata/carrel.json", "manifest-md5.txt"} {
		if _, err := os.Stat(filepath.Join(bagDir, p)); err != nil {
			t.Errorf("bag lacks %s", p)
		}
	}

	// Idempotent: nothing new, nothing written.
	if r := run(t, job); r.Counts["bags_written"] != 0 {
		t.Errorf("second run wrote %+v", r)
	}
	// A new version gets its own bag; a withdrawal a note bag; v1 stays.
	ctx := context.Background()
	it, _ := f.db.Item(ctx, id)
	md := it.Draft
	md.Title = "Soil moisture, corrected"
	if _, err := f.db.UpdateDraft(ctx, id, md); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Publish(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := f.db.Withdraw(ctx, id, "Consent withdrawn by participants", app.AuditEntry{}); err != nil {
		t.Fatal(err)
	}
	if r := run(t, job); r.Counts["bags_written"] != 2 {
		t.Errorf("after v2 and withdrawal: %+v", r)
	}
	bagittest.Validate(t, os.DirFS(bagDir))
	bagittest.Validate(t, os.DirFS(filepath.Join(target, fmt.Sprintf("carrel-item-%d-v2", id))))
	w := bagittest.Validate(t, os.DirFS(filepath.Join(target, fmt.Sprintf("carrel-item-%d-v2-withdrawal", id))))
	if got := w["Carrel-Withdrawal-Reason"]; len(got) != 1 || got[0] != "Consent withdrawn by participants" {
		t.Errorf("withdrawal bag-info: %v", w)
	}
	if r := run(t, job); r.Counts["bags_written"] != 0 {
		t.Errorf("run after everything is exported wrote %+v", r)
	}
}

func TestExportTar(t *testing.T) {
	f := newFixture(t)
	target := t.TempDir()
	id := f.publish("Tide gauge", map[string]string{"a/b/c.txt": "abc", "d.txt": ""})
	run(t, f.exporter(target, true).Job())
	file := filepath.Join(target, fmt.Sprintf("carrel-item-%d-v1.tar", id))
	if tarBin, err := exec.LookPath("tar"); err == nil {
		if out, err := exec.Command(tarBin, "-tf", file).CombinedOutput(); err != nil {
			t.Fatalf("GNU tar cannot read the bag: %v %s", err, out)
		}
	}
	info := bagittest.Validate(t, os.DirFS(bagittest.Untar(t, file)))
	if got := info["Payload-Oxum"]; got[0] != "3.2" {
		t.Errorf("Payload-Oxum %v", got)
	}
	entries, _ := os.ReadDir(target)
	if len(entries) != 1 {
		t.Errorf("target holds %v, want only the tar", entries)
	}
}

// TestExportFaults: corrupted or missing stored bytes are not bagged; a
// full or read-only target fails the run loudly, leaves earlier bags
// intact and no partial bag, and the next run after the fault succeeds.
func TestExportFaults(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	target := t.TempDir()
	good := f.publish("Good", map[string]string{"g.txt": "good bytes"})
	job := f.exporter(target, false).Job()
	run(t, job)
	goodBag := filepath.Join(target, fmt.Sprintf("carrel-item-%d-v1", good))

	bad := f.publish("Bad", map[string]string{"b.txt": "original"})
	v, _ := f.db.Version(ctx, bad, 1)
	f.blobs.Delete(ctx, v.Files[0].StorageKey)
	f.blobs.Put(ctx, v.Files[0].StorageKey, strings.NewReader("0riginal"), 8)
	var r app.JobReport
	job(ctx, &r)
	if len(r.Problems) != 1 || !strings.Contains(r.Problems[0], "SHA-256") {
		t.Errorf("corrupted blob: %+v", r)
	}
	f.blobs.Delete(ctx, v.Files[0].StorageKey)
	r = app.JobReport{}
	job(ctx, &r)
	if len(r.Problems) != 1 || !strings.Contains(r.Problems[0], "missing") {
		t.Errorf("missing blob: %+v", r)
	}
	f.blobs.Put(ctx, v.Files[0].StorageKey, strings.NewReader("original"), 8)
	if r := run(t, job); r.Counts["bags_written"] != 1 {
		t.Errorf("after repair: %+v", r)
	}

	// A target on a small file system: full, then read-only.
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs to fill (needs root): %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", mnt).Run() })
	small := f.exporter(mnt, false).Job()
	f.publish("Fits", map[string]string{"small.txt": "fits"})
	if r := run(t, small); r.Counts["bags_written"] != 1 { // only what is new: Fits
		t.Fatalf("small target: %+v", r)
	}
	f.publish("Too big", map[string]string{"big.bin": strings.Repeat("z", 200000)})
	r = app.JobReport{}
	small(ctx, &r)
	if len(r.Problems) != 1 || !strings.Contains(r.Problems[0], "no space") {
		t.Errorf("full target: %+v", r)
	}
	entries, _ := os.ReadDir(mnt)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".tmp") {
			t.Errorf("a partial bag was left: %s", e.Name())
		}
	}
	if len(entries) != 1 {
		t.Errorf("target holds %d entries, want the earlier bag", len(entries))
	}
	for _, e := range entries {
		bagittest.Validate(t, os.DirFS(filepath.Join(mnt, e.Name())))
	}
	if out, err := exec.Command("mount", "-o", "remount,ro", mnt).CombinedOutput(); err != nil {
		t.Fatalf("remount read-only: %v %s", err, out)
	}
	r = app.JobReport{}
	small(ctx, &r)
	if len(r.Problems) != 1 || !strings.Contains(r.Problems[0], "read-only") {
		t.Errorf("read-only target: %+v", r)
	}
	exec.Command("mount", "-o", "remount,rw,size=1m", mnt).Run()
	if r := run(t, small); r.Counts["bags_written"] != 1 {
		t.Errorf("after the fault is fixed: %+v", r)
	}
	bagittest.Validate(t, os.DirFS(goodBag))
}
