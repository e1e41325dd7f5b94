package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFixityCLI: a damaged stored file makes `carrel jobs run fixity-audit`
// exit non-zero naming it, and shows on the admin jobs endpoint.
func TestFixityCLI(t *testing.T) {
	s := startServer(t)
	admin := s.account("admin@example.edu", true)
	tok := s.account("ada@example.edu", false)
	id := s.createItem(t, tok, "Rotting bits")
	fid := s.upload(t, tok, id, "bits.bin", []byte("0123456789abcdef"), nil)
	if out, err := s.cli("", "jobs", "run", "fixity-audit"); err != nil || !strings.Contains(out, "files_verified: 1") {
		t.Fatalf("clean audit: %q %v", out, err)
	}
	var blobs []string
	filepath.WalkDir(filepath.Join(s.Data, "blobs"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.Contains(p, ".tmp") {
			blobs = append(blobs, p)
		}
		return nil
	})
	if len(blobs) != 1 {
		t.Fatalf("blobs: %v", blobs)
	}
	os.WriteFile(blobs[0], []byte("0123456789abcdeF"), 0o600)
	out, err := s.cli("", "jobs", "run", "fixity-audit")
	if err == nil || !strings.Contains(out, fmt.Sprintf("problem: file %d (item %d, bits.bin", fid, id)) {
		t.Fatalf("audit of a damaged file: %q %v", out, err)
	}
	var runs []struct {
		Outcome  string
		Problems []string
	}
	s.do("GET", "/v2/admin/jobs/fixity-audit/runs", admin, nil).want(t, 200).JSON(t, &runs)
	if len(runs) != 2 || runs[0].Outcome != "failed" || len(runs[0].Problems) != 1 {
		t.Errorf("admin runs: %+v", runs)
	}
}
