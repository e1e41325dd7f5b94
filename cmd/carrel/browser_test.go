package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/image/tiff"

	"carrel/app"
	"carrel/testenv"
)

// TestBrowser drives Carrel's pages in headless Chromium (Debian's
// chromium, through npm's playwright-core; the scripts are in
// test/browser). Screenshots of the key pages go to .cache/artifacts/browser.
func TestBrowser(t *testing.T) {
	node := testenv.Tool(t, "node", "nodejs")
	testenv.Tool(t, "chromium", "chromium")
	root := testenv.RepoRoot(t)
	modules := filepath.Join(root, ".cache", "npm", "node_modules")
	if _, err := os.Stat(filepath.Join(modules, "playwright-core")); err != nil {
		testenv.Missing(t, "playwright-core is not installed under .cache/npm; run scripts/test.sh")
	}
	artifacts := filepath.Join(root, ".cache", "artifacts", "browser")
	s := startServer(t)
	const password = "correct horse battery staple"
	if _, err := s.cli(password+"\n", "user", "add", "--email", "depositor@example.edu", "--name", "Dana Depositor", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	script := func(t *testing.T, name string, extra ...string) {
		t.Helper()
		cmd := exec.Command(node, filepath.Join(root, "test", "browser", name))
		cmd.Env = append(os.Environ(), "NODE_PATH="+modules, "CARREL_URL="+s.URL, "CARREL_EMAIL=depositor@example.edu",
			"CARREL_PASSWORD="+password, "CARREL_ARTIFACTS="+artifacts)
		cmd.Env = append(cmd.Env, extra...)
		out, err := cmd.CombinedOutput()
		t.Logf("%s:\n%s", name, out)
		if err != nil {
			t.Fatalf("%s failed: %v", name, err)
		}
	}

	t.Run("Deposit", func(t *testing.T) {
		script(t, "deposit.cjs", "CARREL_FILES="+depositFiles(t))
	})

	tok := strings.TrimSpace(must(s.cli("", "token", "create", "--email", "depositor@example.edu")))
	item := s.createItem(t, tok, "Estuary sensor readings")
	csvID := s.upload(t, tok, item, "readings.csv", []byte("t,salinity\n1,31.5\n"), nil)
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", item), tok, nil).want(t, 201)
	draft := s.createItem(t, tok, "Unfinished draft")
	landing := fmt.Sprintf("/articles/Estuary_sensor_readings/%d", item)

	t.Run("Review", func(t *testing.T) {
		_, dept, _ := reviewGroups(t, s)
		must(s.cli("", "user", "role", "depositor@example.edu", "depositor", "--group", fmt.Sprint(dept)))
		if _, err := s.cli(password+"\n", "user", "add", "--email", "reviewer@example.edu", "--name", "Rita Reviewer", "--password-stdin"); err != nil {
			t.Fatal(err)
		}
		must(s.cli("", "user", "role", "reviewer@example.edu", "reviewer", "--group", fmt.Sprint(dept)))
		var created struct {
			EntityID int64 `json:"entity_id"`
		}
		s.do("POST", "/v2/account/articles", tok, map[string]any{"title": "Sediment cores", "defined_type": "dataset", "license": 1,
			"authors": []map[string]string{{"name": "Dana Depositor"}}, "categories": []int{3001}, "group_id": dept}).want(t, 201).JSON(t, &created)
		s.upload(t, tok, created.EntityID, "cores.csv", []byte("depth,age\n1,120\n"), nil)
		script(t, "review.cjs", fmt.Sprintf("CARREL_ITEM=%d", created.EntityID), "CARREL_REVIEWER_EMAIL=reviewer@example.edu")
	})

	// A quota, so that the workspace shows the storage meter and the
	// request form.
	cat := s.openCatalog()
	depositor, err := cat.AccountByEmail(context.Background(), "depositor@example.edu")
	if err != nil {
		t.Fatal(err)
	}
	if err := cat.UpdateAccountAccess(context.Background(), depositor.ID, depositor.GroupID, 100e9, true, app.AuditEntry{}); err != nil {
		t.Fatal(err)
	}
	var fieldsGroup int64
	t.Run("Accessibility", func(t *testing.T) {
		var fielded int64
		fieldsGroup, fielded = groupWithSettings(t, s, tok, "depositor@example.edu")
		pages := []string{"/", "/search?q=estuary", "/search?q=estuary&keyword=soil&sort=title", landing, landing + "?cite=bibtex",
			authorLinks(t, s, landing)[0], "/groups/x/1",
			fmt.Sprintf("/preview/%d", csvID), "/account", "/account/articles/new",
			fmt.Sprintf("/account/articles/%d", draft), "/no/such/page",
			fmt.Sprintf("/account/articles/%d", fielded), fmt.Sprintf("/articles/Field_notes/%d", fielded)}
		script(t, "a11y.cjs", "CARREL_PAGES="+jsonString(t, pages))
	})

	if _, err := s.cli(password+"\n", "user", "add", "--email", "admin@example.edu", "--name", "Ada Admin", "--admin", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	t.Run("AdminAccessibility", func(t *testing.T) {
		pages := []string{"/admin", "/admin/audit", "/admin/audit?action=item", "/admin/people", "/admin/people/1", "/admin/groups", "/admin/groups/1", "/admin/reports",
			"/admin/items", "/admin/items?status=lost", "/admin/vocabularies", "/admin/quota-requests", fmt.Sprintf("/admin/items/%d", item), fmt.Sprintf("/admin/items/%d", draft)}
		if fieldsGroup != 0 {
			pages = append(pages, fmt.Sprintf("/admin/groups/%d", fieldsGroup))
		}
		q := &app.QuotaRequest{AccountID: depositor.ID, Requested: 200e9, Reason: "Estuary sensor archive"}
		if err := cat.RequestQuota(context.Background(), q, 0, app.AuditEntry{ActorID: depositor.ID}); err != nil {
			t.Fatal(err)
		}
		script(t, "a11y.cjs", "CARREL_PAGES="+jsonString(t, pages), "CARREL_EMAIL=admin@example.edu")
	})

	t.Run("AdminItems", func(t *testing.T) {
		lagoon := s.createItem(t, tok, "Lagoon salinity")
		s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", lagoon), tok, nil).want(t, 201)
		script(t, "admin_items.cjs", fmt.Sprintf("CARREL_ITEM=%d", lagoon), "CARREL_EMAIL=admin@example.edu",
			fmt.Sprintf("CARREL_DEPOSITOR_ID=%d", s.accountID("depositor@example.edu")))
	})

	t.Run("GroupFields", func(t *testing.T) {
		var group int64
		fmt.Sscanf(strings.TrimPrefix(must(s.cli("", "group", "add", "--name", "Marine station")), "created group "), "%d", &group)
		if _, err := s.cli(password+"\n", "user", "add", "--email", "marine@example.edu", "--name", "Mo Marine", "--password-stdin"); err != nil {
			t.Fatal(err)
		}
		script(t, "group_fields.cjs", fmt.Sprintf("CARREL_GROUP=%d", group), "CARREL_EMAIL=admin@example.edu",
			"CARREL_DEPOSITOR_EMAIL=marine@example.edu", fmt.Sprintf("CARREL_DEPOSITOR_ID=%d", s.accountID("marine@example.edu")))
	})

	t.Run("XSS", func(t *testing.T) {
		var payloads []string
		raw, err := os.ReadFile(filepath.Join(root, "test", "browser", "xss-payloads.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &payloads); err != nil {
			t.Fatal(err)
		}
		// Through the API, every text field an item has: the form is
		// filled with the same payloads by xss.cjs.
		p := strings.Join(payloads, " ")
		var created struct {
			EntityID int64 `json:"entity_id"`
		}
		authors := []map[string]string{}
		for _, pl := range payloads {
			authors = append(authors, map[string]string{"name": "A " + pl})
		}
		s.do("POST", "/v2/account/articles", tok, map[string]any{
			"title": "Payload " + payloads[1], "description": p, "defined_type": "dataset", "license": 1,
			"authors": authors, "keywords": payloads, "categories": []int{3001}, "references": payloads,
			"funding": p, "resource_title": p, "resource_doi": payloads[5],
		}).want(t, 201).JSON(t, &created)
		fid := s.upload(t, tok, created.EntityID, "<img src=x onerror=window.__xss=1>.csv", []byte("<b>h</b>,x\n<script>window.__xss=1</script>,2\n"), nil)
		s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", created.EntityID), tok, nil).want(t, 201)
		page := fmt.Sprintf("/articles/x/%d", created.EntityID)
		pages := []string{"/", "/search?q=payload", "/search?q=" + strings.ReplaceAll(payloads[0], " ", "+"), page,
			page + "/versions/1", "/account", fmt.Sprintf("/account/articles/%d", created.EntityID), fmt.Sprintf("/preview/%d", fid),
			"/search?" + url.Values{"q": {"payload"}, "keyword": {payloads[0]}, "author": {"A " + payloads[2]}}.Encode()}
		pages = append(pages, authorLinks(t, s, page)...)
		for _, f := range []string{"apa", "bibtex", "ris"} {
			pages = append(pages, fmt.Sprintf("%s?cite=%s", page, f))
		}
		script(t, "xss.cjs", "CARREL_PAGES="+jsonString(t, pages), "CARREL_PAYLOADS="+string(raw))
	})
}

// depositFiles writes one file of each previewable kind, a 12 MiB file that
// takes two upload parts, and a manifest saying what each preview must show.
func depositFiles(t *testing.T) string {
	dir := t.TempDir()
	var zbuf, tbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	w, _ := zw.Create("inner/readme.txt")
	w.Write([]byte("hello"))
	zw.Close()
	gz := gzip.NewWriter(&tbuf)
	tw := tar.NewWriter(gz)
	tw.WriteHeader(&tar.Header{Name: "inner/readme.txt", Typeflag: tar.TypeReg, Mode: 0o644, Size: 5})
	tw.Write([]byte("hello"))
	tw.Close()
	gz.Close()
	files := []struct {
		name, preview string
		data          []byte
	}{
		{"data.csv", "table", []byte("station,depth,salinity\nA,12.5,31.2\nB,8.0,29.9\n")},
		{"plot.png", "image", pngImage(t)},
		{"scan.tiff", "image", tiffBytes(t)},
		{"paper.pdf", "pdf", minimalPDF()},
		{"notes.md", "markdown", []byte("# Field notes\n\nTide was *low*.\n\n<script>window.__pwned=true</script>\n")},
		{"clean.py", "code", []byte("def clean(rows):\n    return [r for r in rows if r]\n")},
		{"stations.json", "json", []byte(`{"station": "A", "depths": [1, 2, 3]}`)},
		{"analysis.ipynb", "notebook", []byte(`{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
			{"cell_type": "code", "metadata": {}, "execution_count": 1, "source": ["depth = 4\n", "print(depth)"], "outputs": [{"output_type": "stream", "name": "stdout", "text": "4\n"}]}]}`)},
		{"bundle.zip", "listing", zbuf.Bytes()},
		{"bundle.tar.gz", "listing", tbuf.Bytes()},
		{"tone.wav", "media", wavTone()},
		{"page.html", "inert", []byte(`<html><body><h1 id="pwned">pwned</h1><script>window.__pwned=true</script></body></html>`)},
		{"drawing.svg", "inert", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned=true"><circle r="4"/></svg>`)},
		{"dropped.txt", "", []byte("dropped from the desktop\n")},
		{"big.bin", "", randomBytes(12<<20, 7)},
	}
	type entry struct {
		Name    string `json:"name"`
		SHA256  string `json:"sha256"`
		Preview string `json:"preview,omitempty"`
	}
	var manifest []entry
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.name), f.data, 0o644); err != nil {
			t.Fatal(err)
		}
		manifest = append(manifest, entry{f.name, sha(f.data), f.preview})
	}
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(jsonString(t, manifest)), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func pngImage(t *testing.T) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, gradient()); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func tiffBytes(t *testing.T) []byte {
	var b bytes.Buffer
	if err := tiff.Encode(&b, gradient(), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func gradient() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := range 64 {
		for y := range 48 {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), 120, 255})
		}
	}
	return img
}

// minimalPDF is a one-page PDF with a correct cross-reference table.
func minimalPDF() []byte {
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		"<< /Length 44 >>\nstream\nBT /F1 18 Tf 40 70 Td (Salinity) Tj ET\nendstream",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// wavTone is a quarter second of 8 kHz, 8-bit mono silence-and-square wave.
func wavTone() []byte {
	const rate, n = 8000, 2000
	var b bytes.Buffer
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(36+n))
	b.WriteString("WAVEfmt ")
	for _, v := range []any{uint32(16), uint16(1), uint16(1), uint32(rate), uint32(rate), uint16(1), uint16(8)} {
		binary.Write(&b, binary.LittleEndian, v)
	}
	b.WriteString("data")
	binary.Write(&b, binary.LittleEndian, uint32(n))
	for i := range n {
		b.WriteByte(map[bool]byte{true: 0xc0, false: 0x40}[i/10%2 == 0])
	}
	return b.Bytes()
}

func jsonString(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func must(s string, err error) string {
	if err != nil {
		panic(err)
	}
	return s
}

// authorLinks are the author pages a landing page links to.
func authorLinks(t *testing.T, s *testServer, landing string) []string {
	t.Helper()
	var out []string
	body := s.do("GET", landing, "", nil).want(t, 200).Body
	for _, m := range regexp.MustCompile(`href="(/authors/[^"]+)"`).FindAllSubmatch(body, -1) {
		out = append(out, html.UnescapeString(string(m[1])))
	}
	if len(out) == 0 {
		t.Fatalf("%s links to no author page", landing)
	}
	return out
}
