package main

import (
	"archive/zip"
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"testing"

	"carrel/storage/s3/s3test"
)

// upload drives Figshare's upload flow for data and returns the file id.
// order, if set, is the order to send parts in (1-based numbers).
func (s *testServer) upload(t *testing.T, token string, item int64, name string, data []byte, order []int) int64 {
	t.Helper()
	id := s.uploadParts(t, token, item, name, data, order)
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/files/%d", item, id), token, nil).want(t, 202)
	return id
}

// uploadParts starts an upload and sends every part, leaving the file to
// be completed.
func (s *testServer) uploadParts(t *testing.T, token string, item int64, name string, data []byte, order []int) int64 {
	t.Helper()
	up := s.startUpload(t, token, item, name, data)
	if order == nil {
		for _, p := range up.Parts {
			order = append(order, p.PartNo)
		}
	}
	for _, n := range order {
		s.do("PUT", fmt.Sprintf("%s/%d", up.URL, n), "", up.part(n)).want(t, 200)
	}
	return up.FileID
}

// pendingUpload is a file whose upload has started: where its parts go and
// which bytes each holds.
type pendingUpload struct {
	FileID int64
	URL    string
	Parts  []struct{ PartNo, StartOffset, EndOffset int }
	data   []byte
}

// part is the bytes of part n (1-based).
func (u *pendingUpload) part(n int) []byte {
	p := u.Parts[n-1]
	return u.data[p.StartOffset : p.EndOffset+1]
}

// startUpload creates a file for data on the item and returns its upload.
func (s *testServer) startUpload(t *testing.T, token string, item int64, name string, data []byte) *pendingUpload {
	t.Helper()
	sum := md5.Sum(data)
	var loc struct{ Location string }
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/files", item), token,
		map[string]any{"name": name, "size": len(data), "md5": hex.EncodeToString(sum[:])}).want(t, 201).JSON(t, &loc)
	var file struct {
		ID        int64  `json:"id"`
		UploadURL string `json:"upload_url"`
	}
	s.do("GET", loc.Location, token, nil).want(t, 200).JSON(t, &file)
	up := &pendingUpload{FileID: file.ID, URL: file.UploadURL, data: data}
	s.do("GET", file.UploadURL, "", nil).want(t, 200).JSON(t, up)
	return up
}

// createItem creates a complete draft and returns its id.
func (s *testServer) createItem(t *testing.T, token, title string) int64 {
	t.Helper()
	var created struct {
		EntityID int64 `json:"entity_id"`
	}
	s.do("POST", "/v2/account/articles", token, map[string]any{
		"title": title, "description": "<p>Readings from 40 sensors.</p>", "defined_type": "dataset", "license": 1,
		"authors":  []map[string]string{{"name": "Ada Lovelace", "orcid_id": "0000-0002-1825-0097"}, {"name": "Charles Babbage"}},
		"keywords": []string{"soil", "moisture"}, "categories": []int{3001},
	}).want(t, 201).JSON(t, &created)
	return created.EntityID
}

// publishItem creates a complete draft, lets before (if not nil) change
// it, publishes it and returns its id.
func (s *testServer) publishItem(t *testing.T, token, title string, before func(id int64)) int64 {
	t.Helper()
	id := s.createItem(t, token, title)
	if before != nil {
		before(id)
	}
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", id), token, nil).want(t, 201)
	return id
}

func randomBytes(n int, seed uint64) []byte {
	b := make([]byte, n)
	r := rand.NewChaCha8([32]byte{byte(seed)})
	r.Read(b)
	return b
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// TestCorePath deposits, uploads 64 MiB in parts out of order with one part
// retried, publishes, lists, downloads, and makes a second version, checking
// that the first stays exactly as it was.
func TestCorePath(t *testing.T) {
	t.Run("LocalDisk", func(t *testing.T) { testCorePath(t, startServer(t)) })
	t.Run("S3", func(t *testing.T) {
		m := s3test.Start(t)
		testCorePath(t, startServerWith(t, s3Config(m, "")))
	})
}

func testCorePath(t *testing.T, s *testServer) {
	tok := s.account("ada@example.edu", true)
	item := s.createItem(t, tok, "Soil moisture readings")

	data := randomBytes(64<<20, 1)
	sum := md5.Sum(data)
	var loc struct{ Location string }
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/files", item), tok,
		map[string]any{"name": "readings.bin", "size": len(data), "md5": hex.EncodeToString(sum[:]), "folder_path": "raw/2020"}).want(t, 201).JSON(t, &loc)
	var file struct {
		ID          int64  `json:"id"`
		UploadURL   string `json:"upload_url"`
		Status      string `json:"status"`
		ComputedMD5 string `json:"computed_md5"`
	}
	s.do("GET", loc.Location, tok, nil).want(t, 200).JSON(t, &file)
	var info struct {
		Status string
		Parts  []struct {
			PartNo, StartOffset, EndOffset int
			Status                         string
		}
	}
	s.do("GET", file.UploadURL, "", nil).want(t, 200).JSON(t, &info)
	if len(info.Parts) != 7 || info.Status != "PENDING" {
		t.Fatalf("64 MiB in 10 MiB parts: got %d parts, status %s", len(info.Parts), info.Status)
	}
	part := func(n int) []byte { p := info.Parts[n-1]; return data[p.StartOffset : p.EndOffset+1] }

	// Out of order and in parallel; part 3 first fails half-sent, then is retried.
	s.do("PUT", file.UploadURL+"/3", "", io.LimitReader(bytes.NewReader(part(3)), 1000)).want(t, 400)
	var wg sync.WaitGroup
	for _, n := range []int{7, 5, 3, 1, 6} {
		wg.Go(func() { s.do("PUT", fmt.Sprintf("%s/%d", file.UploadURL, n), "", part(n)).want(t, 200) })
	}
	wg.Wait()
	s.do("PUT", file.UploadURL+"/4", "", part(4)).want(t, 200)
	s.do("PUT", file.UploadURL+"/2", "", part(2)).want(t, 200)
	s.do("PUT", file.UploadURL+"/2", "", part(2)).want(t, 200) // a retry of a finished part is harmless
	s.do("GET", file.UploadURL, "", nil).want(t, 200).JSON(t, &info)
	for _, p := range info.Parts {
		if p.Status != "COMPLETE" {
			t.Fatalf("part %d is %s after upload", p.PartNo, p.Status)
		}
	}
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/files/%d", item, file.ID), tok, nil).want(t, 202)
	s.do("GET", loc.Location, tok, nil).want(t, 200).JSON(t, &file)
	if file.Status != "available" || file.ComputedMD5 != hex.EncodeToString(sum[:]) {
		t.Fatalf("after completion: status %s, md5 %s", file.Status, file.ComputedMD5)
	}
	s.do("PUT", file.UploadURL+"/1", "", part(1)).want(t, 409)

	// Not public before publishing.
	s.do("GET", fmt.Sprintf("/v2/articles/%d", item), "", nil).want(t, 404)
	s.do("GET", fmt.Sprintf("/v2/file/download/%d", file.ID), "", nil).want(t, 404)
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", item), tok, nil).want(t, 201)

	var list []struct {
		ID    int64  `json:"id"`
		Title string `json:"title"`
	}
	s.do("GET", "/v2/articles", "", nil).want(t, 200).JSON(t, &list)
	if len(list) != 1 || list[0].ID != item {
		t.Fatalf("public list: %+v", list)
	}

	dl := s.do("GET", fmt.Sprintf("/v2/file/download/%d", file.ID), "", nil).want(t, 200)
	if got, want := sha(dl.Body), sha(data); got != want {
		t.Fatalf("downloaded sha256 %s, want %s", got, want)
	}
	checkUserBytesHeaders(t, dl)
	etag := dl.Header.Get("ETag")
	s.do("GET", fmt.Sprintf("/v2/file/download/%d", file.ID), "", nil, "If-None-Match", etag).want(t, 304)

	rg := s.do("GET", fmt.Sprintf("/v2/file/download/%d", file.ID), "", nil, "Range", "bytes=1000-1999").want(t, 206)
	if !bytes.Equal(rg.Body, data[1000:2000]) {
		t.Fatal("range bytes differ")
	}
	checkMultiRange(t, s, file.ID, data)

	// Version 2: new title, the big file replaced by a small one.
	s.do("PUT", fmt.Sprintf("/v2/account/articles/%d", item), tok, map[string]any{"title": "Soil moisture readings, corrected"}).want(t, 205)
	s.do("DELETE", fmt.Sprintf("/v2/account/articles/%d/files/%d", item, file.ID), tok, nil).want(t, 204)
	small := randomBytes(5000, 2)
	smallID := s.upload(t, tok, item, "corrected.csv", small, nil)
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", item), tok, nil).want(t, 201)

	var versions []struct{ Version int }
	s.do("GET", fmt.Sprintf("/v2/articles/%d/versions", item), "", nil).want(t, 200).JSON(t, &versions)
	if len(versions) != 2 {
		t.Fatalf("versions: %+v", versions)
	}
	type rec struct {
		Title    string
		Version  int
		Citation string
		Files    []struct {
			ID   int64
			Name string
			Size int64
		}
	}
	var v1, v2 rec
	s.do("GET", fmt.Sprintf("/v2/articles/%d/versions/1", item), "", nil).want(t, 200).JSON(t, &v1)
	s.do("GET", fmt.Sprintf("/v2/articles/%d", item), "", nil).want(t, 200).JSON(t, &v2)
	if !strings.Contains(v1.Citation, "Lovelace, A.") || !strings.Contains(v1.Citation, "Soil moisture readings") {
		t.Errorf("citation %q lacks author or title", v1.Citation)
	}
	if v1.Title != "Soil moisture readings" || len(v1.Files) != 1 || v1.Files[0].ID != file.ID {
		t.Fatalf("v1 changed: %+v", v1)
	}
	if v2.Version != 2 || v2.Title != "Soil moisture readings, corrected" || len(v2.Files) != 1 || v2.Files[0].ID != smallID {
		t.Fatalf("v2: %+v", v2)
	}
	dl = s.do("GET", fmt.Sprintf("/v2/file/download/%d", file.ID), "", nil).want(t, 200)
	if sha(dl.Body) != sha(data) {
		t.Fatal("v1's file changed after v2 was published")
	}

	z := s.do("GET", fmt.Sprintf("/v2/articles/%d/download", item), "", nil).want(t, 200)
	zr, err := zip.NewReader(bytes.NewReader(z.Body), int64(len(z.Body)))
	if err != nil || len(zr.File) != 1 || zr.File[0].Name != "corrected.csv" {
		t.Fatalf("zip of v2: %v %v", err, zr)
	}
	rc, _ := zr.File[0].Open()
	got, _ := io.ReadAll(rc)
	if !bytes.Equal(got, small) {
		t.Fatal("zip content differs")
	}
	z1 := s.do("GET", fmt.Sprintf("/v2/articles/%d/versions/1/download", item), "", nil).want(t, 200)
	zr1, err := zip.NewReader(bytes.NewReader(z1.Body), int64(len(z1.Body)))
	if err != nil || len(zr1.File) != 1 || zr1.File[0].Name != "raw/2020/readings.bin" {
		t.Fatalf("zip of v1 keeps folder: %v", err)
	}
}

func checkUserBytesHeaders(t *testing.T, r *response) {
	t.Helper()
	for k, want := range map[string]string{
		"X-Content-Type-Options":  "nosniff",
		"Content-Security-Policy": "sandbox; default-src 'none'",
		"Accept-Ranges":           "bytes",
	} {
		if got := r.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if r.Header.Get("Last-Modified") == "" || r.Header.Get("ETag") == "" {
		t.Error("download lacks Last-Modified or ETag")
	}
}

func checkMultiRange(t *testing.T, s *testServer, fileID int64, data []byte) {
	t.Helper()
	r := s.do("GET", fmt.Sprintf("/v2/file/download/%d", fileID), "", nil, "Range", "bytes=0-9,100-109").want(t, 206)
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/byteranges" {
		t.Fatalf("multi-range content type %q", r.Header.Get("Content-Type"))
	}
	mr := multipart.NewReader(bytes.NewReader(r.Body), params["boundary"])
	for _, want := range [][]byte{data[0:10], data[100:110]} {
		p, err := mr.NextPart()
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(p)
		if !bytes.Equal(got, want) {
			t.Fatalf("multi-range part %q, want %q", got, want)
		}
	}
	_ = http.StatusOK
}
