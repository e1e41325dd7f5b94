package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"carrel/testenv"
)

// TestMetadataDump writes the bulk dump with the job and the CLI, reads it
// back line by line and compares each line with the public API's record:
// every public item once, withdrawn ones as tombstones, and nothing a
// stranger may not see in full (drafts, whole-item embargoes, confidential
// items).
func TestMetadataDump(t *testing.T) {
	port := testenv.FreePort(t)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	s := startServerWith(t, fmt.Sprintf("[server]\naddr = \"127.0.0.1:%d\"\nbase_url = %q\n", port, base))
	admin := s.account("curator@example.edu", true)
	owner := s.account("owner@example.edu", false)
	publish := func(title string, before func(id int64)) int64 { return s.publishItem(t, owner, title, before) }
	embargo := func(kind string) func(int64) {
		return func(id int64) {
			s.do("PUT", fmt.Sprintf("/v2/account/articles/%d/embargo", id), owner, map[string]any{
				"is_embargoed": true, "embargo_type": kind, "embargo_date": "2099-01-01", "embargo_reason": "patent"}).want(t, 205)
		}
	}
	open := publish("Open river data", func(id int64) { s.upload(t, owner, id, "flow.csv", []byte("t,q\n1,2\n"), nil) })
	filesEmbargoed := publish("River data with embargoed files", embargo("file"))
	withdrawn := publish("Withdrawn river data", nil)
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/unpublish", withdrawn), admin, map[string]string{"reason": "Contains personal data"}).want(t, 204)
	publish("Embargoed river data", embargo("article"))
	confidential := publish("Confidential river data", nil)
	s.do("PUT", fmt.Sprintf("/v2/account/articles/%d/confidentiality", confidential), owner,
		map[string]string{"reason": "interviews"}).want(t, 205)
	s.createItem(t, owner, "Draft river data")
	edited := publish("Published river data", nil)
	s.do("PUT", fmt.Sprintf("/v2/account/articles/%d", edited), owner, map[string]string{"title": "Unpublished draft title"}).want(t, 205)

	s.do("GET", "/dumps/metadata.jsonl.gz", "", nil).want(t, 404)
	out, err := s.cli("", "jobs", "run", "metadata-dump")
	if err != nil || !strings.Contains(out, "records: 3") || !strings.Contains(out, "tombstones: 1") || !strings.Contains(out, "left_out: 2") {
		t.Fatalf("jobs run metadata-dump: %v\n%s", err, out)
	}
	res := s.do("GET", "/dumps/metadata.jsonl.gz", "", nil).want(t, 200)
	if res.Header.Get("Content-Length") != fmt.Sprint(len(res.Body)) || res.Header.Get("Last-Modified") == "" ||
		res.Header.Get("ETag") == "" || res.Header.Get("Content-Type") != "application/gzip" {
		t.Fatalf("dump headers: %v", res.Header)
	}
	s.do("GET", "/dumps/metadata.jsonl.gz", "", nil, "If-None-Match", res.Header.Get("ETag")).want(t, 304)
	s.do("HEAD", "/dumps/metadata.jsonl.gz", "", nil).want(t, 200)
	s.do("POST", "/dumps/metadata.jsonl.gz", "", nil).want(t, 405)

	lines := readDump(t, res.Body)
	want := []int64{open, filesEmbargoed, withdrawn, edited}
	if len(lines) != len(want) {
		t.Fatalf("dump has %d lines, want %d (the public items): %v", len(lines), len(want), lines)
	}
	for i, id := range want {
		var api map[string]any
		s.do("GET", fmt.Sprintf("/v2/articles/%d", id), "", nil).want(t, 200).JSON(t, &api)
		if !reflect.DeepEqual(lines[i], api) {
			t.Errorf("line %d is not GET /v2/articles/%d:\n%v\n%v", i+1, id, lines[i], api)
		}
	}
	if lines[2]["is_withdrawn"] != true || len(lines[2]["files"].([]any)) != 0 || len(lines[1]["files"].([]any)) != 0 ||
		len(lines[0]["files"].([]any)) != 1 {
		t.Errorf("tombstone or embargoed files carry files: %v", lines)
	}
	text := string(gunzip(t, res.Body))
	for _, secret := range []string{"Embargoed river data", "Confidential", "Draft river data", "Unpublished draft title"} {
		if strings.Contains(text, secret) {
			t.Errorf("the dump carries %q", secret)
		}
	}

	// The CLI writes the same records, to a file or standard output.
	file := filepath.Join(t.TempDir(), "dump.jsonl.gz")
	if out, err := s.cli("", "export", "metadata", "--out", file); err != nil || !strings.Contains(out, "3 records, 1 tombstones") {
		t.Fatalf("export metadata: %v\n%s", err, out)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if got := readDump(t, b); !reflect.DeepEqual(got, lines) {
		t.Errorf("carrel export metadata differs from the job's dump")
	}
	stdout, err := s.cli("", "export", "metadata", "--out", "-")
	if err != nil || !reflect.DeepEqual(readDump(t, []byte(stdout)), lines) {
		t.Errorf("export metadata --out -: %v", err)
	}
	if _, err := s.cli("", "export", "metadata", "--out", filepath.Join(file, "under-a-file")); err == nil {
		t.Error("export metadata into a path under a file succeeded")
	}

	// A named pipe (or a device such as /dev/stdout) is written into, not
	// replaced.
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	read := make(chan []byte, 1)
	go func() {
		b, _ := os.ReadFile(fifo)
		read <- b
	}()
	if _, err := s.cli("", "export", "metadata", "--out", fifo); err != nil {
		t.Fatalf("export metadata into a named pipe: %v", err)
	}
	if got := readDump(t, <-read); !reflect.DeepEqual(got, lines) {
		t.Errorf("the dump written into a named pipe differs")
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the named pipe was replaced: %v", err)
	}
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("dump is not gzip: %v", err)
	}
	var out bytes.Buffer
	if _, err := out.ReadFrom(zr); err != nil {
		t.Fatalf("gunzip: %v", err)
	}
	return out.Bytes()
}

// readDump parses every line of a gzipped JSON Lines dump.
func readDump(t *testing.T, b []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(gunzip(t, b)))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("line %d is not JSON: %v", len(out)+1, err)
		}
		out = append(out, rec)
	}
	return out
}
