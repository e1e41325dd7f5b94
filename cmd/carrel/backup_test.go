package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBackupRestoreServer backs up a running server's catalog, changes it,
// restores the backup with the server stopped, and checks that the search
// index follows the restored catalog instead of the newer one.
func TestBackupRestoreServer(t *testing.T) {
	s := startServer(t)
	tok := s.account("ada@example.edu", false)
	publish := func(title string) int64 {
		id := s.createItem(t, tok, title)
		s.upload(t, tok, id, "data.csv", []byte("a,b\n1,2\n"), nil)
		s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", id), tok, nil).want(t, 201)
		return id
	}
	search := func(srv *testServer, q string) int {
		var res []struct{ ID int64 }
		srv.do("POST", "/v2/articles/search", "", map[string]any{"search_for": q}).want(t, 200).JSON(t, &res)
		return len(res)
	}
	publish("Glacier mass balance")

	out, err := s.cli("", "backup")
	if err != nil || !strings.Contains(out, "ok") {
		t.Fatalf("carrel backup: %q %v", out, err)
	}
	list, _ := filepath.Glob(filepath.Join(s.Data, "backups", "carrel-catalog-*.db"))
	if len(list) != 1 {
		t.Fatalf("backups: %v", list)
	}
	other := t.TempDir()
	if out, err := s.cli("", "backup", "--to", other); err != nil || !strings.HasPrefix(strings.TrimSpace(out), other) {
		t.Fatalf("carrel backup --to: %q %v", out, err)
	}
	publish("Permafrost temperatures")
	if search(s, "permafrost") != 1 {
		t.Fatal("the new item is not found before the restore")
	}

	if _, err := s.cli("", "restore", list[0]); err == nil || !strings.Contains(err.Error(), "stop it first") {
		t.Fatalf("restore while the server runs: %v", err)
	}
	s.Stop()
	if out, err := s.cli("", "restore", list[0]); err != nil || !strings.Contains(out, "before-restore") {
		t.Fatalf("carrel restore: %q %v", out, err)
	}
	s2 := startServerIn(t, s.Data, "")
	if n := search(s2, "permafrost"); n != 0 {
		t.Errorf("after restoring the older catalog, search still finds the newer item (%d)", n)
	}
	if n := search(s2, "glacier"); n != 1 {
		t.Errorf("after the restore, search finds %d glacier items, want 1", n)
	}
	if _, err := s2.cli("", "restore", filepath.Join(s.Data, "nope.db")); err == nil {
		t.Error("restore of a missing file succeeded")
	}
}

// TestRestoreDamaged refuses a backup whose bytes do not match its
// manifest, and leaves the catalog as it was.
func TestRestoreDamaged(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := runCLI(t, "", "backup", "--to", filepath.Join(dir, "b"), "--data", dir); code != 0 {
		t.Fatal(errOut)
	}
	list, _ := filepath.Glob(filepath.Join(dir, "b", "*.db"))
	b, _ := os.ReadFile(list[0])
	b[100] ^= 0xff
	os.WriteFile(list[0], b, 0o600)
	before, _ := os.ReadFile(filepath.Join(dir, "catalog.db"))
	code, _, errOut := runCLI(t, "", "restore", list[0], "--data", dir)
	if code == 0 || !strings.Contains(errOut, "damaged") {
		t.Fatalf("restore of a damaged backup: %d %q", code, errOut)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "catalog.db")); string(after) != string(before) {
		t.Error("a refused restore changed the catalog")
	}
}
