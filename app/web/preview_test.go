package web_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/image/tiff"
)

func TestPreview(t *testing.T) {
	e := MustServe(t)
	owner := e.account("owner@example.edu")
	it := e.item(owner, metadata("Previews"))
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	w, _ := zw.Create("inner/readme.txt")
	w.Write([]byte("hello"))
	zw.Close()
	var csv strings.Builder
	csv.WriteString("site,value\n")
	for i := range 500 {
		fmt.Fprintf(&csv, "s%d,%d\n", i, i)
	}
	files := map[string]string{
		"evil.svg":   `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>`,
		"evil.html":  `<html><body><script>alert(3)</script><img src=x onerror=alert(4)></body></html>`,
		"evil.js":    `document.cookie; alert(5)`,
		"table.csv":  csv.String(),
		"table.tsv":  "a\tb\n<b>x</b>\t2\n",
		"notes.md":   "# Heading\n\n<script>alert(6)</script>\n\n[link](javascript:alert(7))\n\n*fine*",
		"data.json":  `{"b":[1,2],"a":"<x>"}`,
		"code.py":    "def f():\n    return '<tag>'\n",
		"bundle.zip": zbuf.String(),
		"photo.png":  "\x89PNG\r\n\x1a\nfake",
		"scan.tiff":  tiffImage(t),
		"broken.tif": "II*\x00garbage",
		"run.ipynb":  notebook,
		"bundle.tgz": tarball(t),
		"bad.tar":    "not a tar archive at all, but long enough to be read as a header block" + strings.Repeat(".", 600),
		"blob.bin":   "\x00\x01",
	}
	ids := map[string]int64{}
	for name, body := range files {
		ids[name] = e.file(it, name, body).ID
	}
	e.publish(it)
	preview := func(name string) (*http.Response, string) {
		return e.get(nil, fmt.Sprintf("/preview/%d", ids[name]))
	}

	t.Run("ActiveContentIsEscapedSource", func(t *testing.T) {
		for _, name := range []string{"evil.svg", "evil.html", "evil.js"} {
			res, body := preview(name)
			wantStatus(t, res, body, http.StatusOK)
			for _, bad := range []string{"<svg", "<script>alert", "<img src=x", "onload=\"alert"} {
				if strings.Contains(body, bad) {
					t.Errorf("%s preview contains live %q", name, bad)
				}
			}
			wantContains(t, body, "alert")
			res, body = e.get(nil, fmt.Sprintf("/preview/%d/raw", ids[name]))
			wantStatus(t, res, body, http.StatusNotFound)
		}
	})
	t.Run("RawIsSandboxed", func(t *testing.T) {
		res, body := e.get(nil, fmt.Sprintf("/preview/%d/raw", ids["photo.png"]))
		wantStatus(t, res, body, http.StatusOK)
		h := res.Header
		if h.Get("Content-Type") != "image/png" || h.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.HasPrefix(h.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("headers = %v", h)
		}
		req, _ := http.NewRequest("GET", e.srv.URL+fmt.Sprintf("/preview/%d/raw", ids["photo.png"]), nil)
		req.Header.Set("Range", "bytes=0-3")
		rres, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if b := readBody(t, rres); rres.StatusCode != http.StatusPartialContent || b != "\x89PNG" {
			t.Errorf("range: %d %q", rres.StatusCode, b)
		}
		_, page := preview("photo.png")
		wantContains(t, page, fmt.Sprintf(`<img src="/preview/%d/raw"`, ids["photo.png"]))
	})
	t.Run("Table", func(t *testing.T) {
		res, body := preview("table.csv")
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, `<th scope="col">site</th>`, "<td>s99</td>", "Only the beginning")
		if strings.Contains(body, "<td>s100</td>") {
			t.Error("table preview shows more than 100 rows")
		}
		_, body = preview("table.tsv")
		wantContains(t, body, "<td>&lt;b&gt;x&lt;/b&gt;</td>")
	})
	t.Run("Markdown", func(t *testing.T) {
		_, body := preview("notes.md")
		wantContains(t, body, "<h1", "Heading", "<em>fine</em>")
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "javascript:") {
			t.Errorf("markdown preview is not safe:\n%s", body)
		}
	})
	t.Run("JSON", func(t *testing.T) {
		_, body := preview("data.json")
		wantContains(t, body, "&#34;b&#34;", "&lt;x&gt;")
	})
	t.Run("Code", func(t *testing.T) {
		_, body := preview("code.py")
		wantContains(t, body, `class="chroma"`, "&lt;tag&gt;")
	})
	t.Run("Zip", func(t *testing.T) {
		_, body := preview("bundle.zip")
		wantContains(t, body, "<td>inner/readme.txt</td>", "5 B")
	})
	t.Run("TIFFBecomesPNG", func(t *testing.T) {
		_, page := preview("scan.tiff")
		wantContains(t, page, fmt.Sprintf(`<img src="/preview/%d/raw"`, ids["scan.tiff"]))
		res, body := e.get(nil, fmt.Sprintf("/preview/%d/raw", ids["scan.tiff"]))
		wantStatus(t, res, body, http.StatusOK)
		img, err := png.Decode(strings.NewReader(body))
		if err != nil || res.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("raw TIFF preview is not a PNG: %v %v", err, res.Header)
		}
		if r, _, _, _ := img.At(1, 1).RGBA(); img.Bounds().Dx() != 4 || r>>8 != 200 {
			t.Errorf("converted image: %v, pixel %v", img.Bounds(), img.At(1, 1))
		}
		res, body = e.get(nil, fmt.Sprintf("/preview/%d/raw", ids["broken.tif"]))
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
	})
	t.Run("Notebook", func(t *testing.T) {
		_, body := preview("run.ipynb")
		wantContains(t, body, "<h2", "Depth profile", `class="chroma"`, "print", "42.0", "1 output (images, HTML or widgets) not shown")
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "<b>bold html output</b>") {
			t.Errorf("notebook preview is not safe:\n%s", body)
		}
	})
	t.Run("Tar", func(t *testing.T) {
		_, body := preview("bundle.tgz")
		wantContains(t, body, "<td>data/readme.txt</td>", "<td>data/</td>")
		_, body = preview("bad.tar")
		wantContains(t, body, "not a TAR archive")
	})
	t.Run("NoPreview", func(t *testing.T) {
		res, body := preview("blob.bin")
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "There is no preview")
	})
}

const notebook = `{"nbformat": 4, "nbformat_minor": 5, "metadata": {"language_info": {"name": "python"}},
 "cells": [
  {"cell_type": "markdown", "metadata": {}, "source": ["## Depth profile\n", "<script>alert(8)</script>"]},
  {"cell_type": "code", "metadata": {}, "execution_count": 1, "source": "depth = 42.0\nprint(depth)",
   "outputs": [{"output_type": "stream", "name": "stdout", "text": ["42.0\n"]},
               {"output_type": "display_data", "data": {"text/html": "<b>bold html output</b>"}, "metadata": {}}]}
 ]}`

// tiffImage is a 4×4 TIFF whose pixels are all (200, 100, 50).
func tiffImage(t *testing.T) string {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	for x := range 4 {
		for y := range 4 {
			img.Set(x, y, color.RGBA{200, 100, 50, 255})
		}
	}
	var b bytes.Buffer
	if err := tiff.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// tarball is a gzip-compressed TAR with a folder and a file.
func tarball(t *testing.T) string {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	tw := tar.NewWriter(zw)
	tw.WriteHeader(&tar.Header{Name: "data/", Typeflag: tar.TypeDir, Mode: 0o755})
	tw.WriteHeader(&tar.Header{Name: "data/readme.txt", Typeflag: tar.TypeReg, Mode: 0o644, Size: 5})
	tw.Write([]byte("hello"))
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	return b.String()
}
