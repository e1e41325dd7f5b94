package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"carrel/app/preserve/bagittest"
	"carrel/storage/s3/s3test"
)

// TestPreservationExport runs the job from the command line beside a
// running server and checks the bags with the independent validator,
// including the metadata app/formats writes.
func TestPreservationExport(t *testing.T) {
	t.Setenv("CARREL_SITE_PUBLISHER", "Example University") // for the server and the CLI alike
	s := startServer(t)
	id := exportIceCores(t, s)
	bag := filepath.Join(s.Data, "preservation", fmt.Sprintf("carrel-item-%d-v1", id))
	info := bagittest.Validate(t, os.DirFS(bag))
	if got := info["Source-Organization"]; len(got) != 1 || got[0] != "Example University" {
		t.Errorf("Source-Organization %v", got)
	}
	for _, name := range []string{"datacite.xml", "dublin-core.xml", "carrel.json"} {
		b, err := os.ReadFile(filepath.Join(bag, "metadata", name))
		if err != nil || !strings.Contains(string(b), "Ice cores") {
			t.Errorf("metadata/%s: %v %.200s", name, err, b)
		}
	}

	dir := t.TempDir()
	out, err := s.cli("", "export", "bag", fmt.Sprint(id), "--to", dir, "--tar")
	if err != nil || strings.TrimSpace(out) != filepath.Join(dir, fmt.Sprintf("carrel-item-%d-v1.tar", id)) {
		t.Fatalf("export bag: %q %v", out, err)
	}
	bagittest.Validate(t, os.DirFS(bagittest.Untar(t, strings.TrimSpace(out))))
	for _, args := range [][]string{{"export", "bag", "x"}, {"export", "bag", fmt.Sprintf("%d/9", id)}, {"export", "bag", "999"}, {"export"}} {
		if _, err := s.cli("", append(args, "--to", dir)...); err == nil {
			t.Errorf("carrel %v succeeded", args)
		}
	}
}

// TestPreservationExportToBucket: with [preservation] store naming an S3
// store, the job writes its bags into the bucket, where they pass the
// independent validator once read back with a plain S3 client.
func TestPreservationExportToBucket(t *testing.T) {
	m := s3test.Start(t)
	s := startServerWith(t, strings.ReplaceAll(archiveConfig(m), "archive", "bags")+"[preservation]\nstore = \"bags\"\n")
	id := exportIceCores(t, s)
	bagittest.Validate(t, os.DirFS(m.Download(t, fmt.Sprintf("bags/carrel-item-%d-v1/", id))))
	if _, err := os.Stat(filepath.Join(s.Data, "preservation")); err == nil {
		t.Error("bags were also written to the data directory")
	}
}

// exportIceCores publishes an item with one file and runs the
// preservation-export job from the command line, which must write one bag.
func exportIceCores(t *testing.T, s *testServer) int64 {
	t.Helper()
	tok := s.account("ada@example.edu", false)
	id := s.createItem(t, tok, "Ice cores")
	s.upload(t, tok, id, "cores.csv", []byte("depth,age\n1,2\n"), nil)
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", id), tok, nil).want(t, 201)
	out, err := s.cli("", "jobs", "run", "preservation-export")
	if err != nil || !strings.Contains(out, "bags_written: 1") {
		t.Fatalf("jobs run preservation-export: %q %v", out, err)
	}
	return id
}
