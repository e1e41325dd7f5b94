package backup_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"carrel/app"
	"carrel/app/backup"
	"carrel/app/catalog"
	"carrel/testenv"
)

func openCatalog(t *testing.T, path string) *catalog.DB {
	t.Helper()
	db, err := catalog.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// fill gives the catalog some rows in several tables.
func fill(t *testing.T, db *catalog.DB, from, n int) {
	t.Helper()
	ctx := context.Background()
	for i := from; i < from+n; i++ {
		a := &app.Account{Email: "person" + string(rune('a'+i)) + "@example.edu", FirstName: "Test", LastName: "Person"}
		if err := db.CreateAccount(ctx, a, ""); err != nil {
			t.Fatal(err)
		}
		if err := db.Audit(ctx, &app.AuditEntry{Action: "test.fill", Target: a.Email}); err != nil {
			t.Fatal(err)
		}
	}
}

// dump is the sqlite3 CLI's .dump of a database file: every schema object
// and row, as SQL text.
func dump(t *testing.T, path string) string {
	t.Helper()
	sqlite := testenv.Tool(t, "sqlite3", "sqlite3")
	out, err := exec.Command(sqlite, "-readonly", path, ".dump").Output()
	if err != nil {
		t.Fatalf("sqlite3 .dump %s: %v", path, err)
	}
	return string(out)
}

func TestBackupRestore(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	dbPath := filepath.Join(data, "catalog.db")
	db := openCatalog(t, dbPath)
	fill(t, db, 0, 5)
	cfg := backup.Config{Dir: filepath.Join(data, "backups"), Keep: 2, Version: "test"}
	now := time.Date(2026, 11, 21, 2, 15, 0, 0, time.UTC)

	path, m, err := backup.Make(ctx, db, cfg, now)
	if err != nil {
		t.Fatal(err)
	}
	// Writers go on while backups are made; the copy is the state at its time.
	fill(t, db, 5, 3)
	for _, p := range []string{path, path + ".json"} {
		st, err := os.Stat(p)
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v, want mode 0600", p, st.Mode(), err)
		}
	}
	if m.SchemaVersion != catalog.KnownSchemaVersion() || m.CarrelVersion != "test" || !m.Created.Equal(now) || len(m.SHA256) != 64 {
		t.Errorf("manifest = %+v", m)
	}
	db.Close()
	want := dump(t, path)
	if !strings.Contains(want, "person") || !strings.Contains(want, "CREATE TABLE job_runs") {
		t.Fatalf("the backup lacks tables or rows:\n%.500s", want)
	}

	// Wipe, restore, compare.
	before := dump(t, dbPath)
	os.WriteFile(dbPath, []byte("garbage"), 0o600)
	aside, _, err := backup.Restore(path, dbPath, catalog.KnownSchemaVersion(), now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if got := dump(t, dbPath); got != want {
		t.Fatal("the restored catalog's dump differs from the backup's")
	}
	if b, _ := os.ReadFile(aside); string(b) != "garbage" {
		t.Errorf("the replaced catalog was not kept aside as %s", aside)
	}
	if before == want {
		t.Error("test is vacuous: the catalog did not change after the backup")
	}
	// The restored catalog opens and works.
	db = openCatalog(t, dbPath)
	defer db.Close()
	if _, err := db.AccountByEmail(ctx, "persona@example.edu"); err != nil {
		t.Errorf("restored catalog: %v", err)
	}
}

func TestRestoreRefuses(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	db := openCatalog(t, filepath.Join(data, "catalog.db"))
	fill(t, db, 0, 2)
	defer db.Close()
	cfg := backup.Config{Dir: filepath.Join(data, "backups"), Keep: 5, Version: "test"}
	path, _, err := backup.Make(ctx, db, cfg, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(t.TempDir(), "catalog.db")
	os.WriteFile(target, []byte("current"), 0o600)
	check := func(name, file string, schema int, code string) {
		t.Helper()
		if _, _, err := backup.Restore(file, target, schema, time.Now()); app.ErrorCode(err) != code {
			t.Errorf("%s: %v, want %s", name, err, code)
		}
		if b, _ := os.ReadFile(target); string(b) != "current" {
			t.Fatalf("%s: the catalog was changed by a refused restore", name)
		}
		if ents, _ := os.ReadDir(filepath.Dir(target)); len(ents) != 1 {
			t.Errorf("%s: left files behind: %v", name, ents)
		}
	}
	check("newer schema", path, catalog.KnownSchemaVersion()-1, app.EUNPROCESSABLE)
	check("no such backup", path+".nope", 999, app.ENOTFOUND)

	b, _ := os.ReadFile(path)
	b[len(b)/2] ^= 1
	os.WriteFile(path, b, 0o600)
	check("flipped byte", path, 999, app.EUNPROCESSABLE)
	os.WriteFile(path, b[:len(b)-10], 0o600)
	check("truncated", path, 999, app.EUNPROCESSABLE)
	os.WriteFile(path+".json", []byte("{not json"), 0o600)
	check("bad manifest", path, 999, app.EINVALID)
}

func TestRetention(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	db := openCatalog(t, filepath.Join(data, "catalog.db"))
	defer db.Close()
	cfg := backup.Config{Dir: filepath.Join(data, "backups"), Keep: 2}
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	job := backup.Job(db, cfg, func() time.Time { clock = clock.Add(time.Hour); return clock })
	var paths []string
	for i := range 4 {
		var r app.JobReport
		if err := job(ctx, &r); err != nil || r.Counts["backups_written"] != 1 {
			t.Fatalf("run %d: %v %+v", i, err, r)
		}
		list, _ := backup.List(cfg.Dir)
		paths = append(paths, list[len(list)-1])
	}
	list, err := backup.List(cfg.Dir)
	if err != nil || len(list) != 2 || list[0] != paths[2] || list[1] != paths[3] {
		t.Errorf("kept %v, want the newest two of %v", list, paths)
	}
	if _, err := os.Stat(paths[0] + ".json"); !os.IsNotExist(err) {
		t.Error("a pruned backup's manifest remains")
	}
}
