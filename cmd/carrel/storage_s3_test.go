package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"carrel/storage/s3/s3test"
)

// s3Config is a configuration storing blobs in m's bucket, with extra
// lines added to its [storage.s3] section.
func s3Config(m s3test.Server, extra string) string {
	return fmt.Sprintf(`[storage]
backend = "s3"
[storage.s3]
endpoint = %q
bucket = %q
access_key = %q
secret_key = %q
use_tls = false
path_style = true
%s
`, m.Endpoint, m.Bucket, s3test.User, s3test.Password, extra)
}

// noRedirects is a client that shows redirects instead of following them.
var noRedirects = &http.Client{Timeout: time.Minute,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// get sends a GET with the given header pairs through client.
func get(t *testing.T, client *http.Client, url string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// TestS3PresignedDownloads: with presign_downloads on, a public file's
// download redirects to a signed URL of the store that serves the bytes and
// ranges, and is counted; a draft, an embargoed file and a conditional
// request still stream through Carrel.
func TestS3PresignedDownloads(t *testing.T) {
	m := s3test.Start(t)
	s := startServerWith(t, s3Config(m, "presign_downloads = true\npresign_seconds = 60")+
		"[jobs.stats-rollup]\nschedule = \"@every 1s\"\n")
	tok := s.account("owner@example.edu", false)
	data := randomBytes(100_000, 7)

	public := s.createItem(t, tok, "Open readings")
	pub := s.upload(t, tok, public, "open.csv", data, nil)
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", public), tok, nil).want(t, 201)
	url := fmt.Sprintf("%s/v2/file/download/%d", s.URL, pub)

	resp, _ := get(t, noRedirects, url, "User-Agent", firefox)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, "http://"+m.Endpoint+"/") || !strings.Contains(loc, "X-Amz-Signature=") {
		t.Fatalf("public download: %d to %q; want a 302 to a signed URL of %s", resp.StatusCode, loc, m.Endpoint)
	}
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("redirect Cache-Control %q; a signed URL must not be cached", cc)
	}
	resp, body := get(t, http.DefaultClient, url, "User-Agent", safari)
	if resp.StatusCode != 200 || !bytes.Equal(body, data) || !strings.Contains(resp.Header.Get("Content-Disposition"), `filename="open.csv"`) {
		t.Fatalf("following the redirect: %d, %d bytes, %q", resp.StatusCode, len(body), resp.Header.Get("Content-Disposition"))
	}
	resp, body = get(t, http.DefaultClient, url, "User-Agent", firefox, "Range", "bytes=1000-1999")
	if resp.StatusCode != 206 || !bytes.Equal(body, data[1000:2000]) {
		t.Fatalf("range through the redirect: %d, %d bytes", resp.StatusCode, len(body))
	}
	resp, _ = get(t, noRedirects, url, "If-None-Match", `"`+sha(data)+`"`)
	if resp.StatusCode != http.StatusNotModified {
		t.Fatalf("conditional request: %d, want 304 from Carrel", resp.StatusCode)
	}

	draft := s.createItem(t, tok, "Draft readings")
	df := s.upload(t, tok, draft, "draft.csv", data, nil)
	embargoed := s.createItem(t, tok, "Embargoed readings")
	ef := s.upload(t, tok, embargoed, "secret.csv", data, nil)
	s.do("PUT", fmt.Sprintf("/v2/account/articles/%d/embargo", embargoed), tok, map[string]any{"is_embargoed": true, "embargo_date": "0",
		"embargo_type": "file", "embargo_title": "Under embargo", "embargo_reason": "patent", "embargo_options": []any{}}).want(t, 205)
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", embargoed), tok, nil).want(t, 201)
	for _, fid := range []int64{df, ef} {
		u := fmt.Sprintf("%s/v2/file/download/%d", s.URL, fid)
		if resp, _ := get(t, noRedirects, u); resp.StatusCode != http.StatusNotFound {
			t.Errorf("file %d anonymously: %d, want 404", fid, resp.StatusCode)
		}
		resp, body := get(t, noRedirects, u, "Authorization", "token "+tok)
		if resp.StatusCode != 200 || !bytes.Equal(body, data) {
			t.Errorf("file %d by its owner: %d (Location %q), want the bytes streamed by Carrel", fid, resp.StatusCode, resp.Header.Get("Location"))
		}
	}

	// Two downloads (the whole file, by two readers); the later range is
	// not one.
	path := fmt.Sprintf("/stats/total/downloads/article/%d", public)
	for deadline := time.Now().Add(30 * time.Second); s.total(t, "", path) != 2; time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("downloads counted: %d, want 2", s.total(t, "", path))
		}
	}
}

// TestS3OutageMidUpload stops the S3 server in the middle of an upload:
// the part and the completion fail with a clear 503, nothing is published
// or left available, and once the server is back the same upload resumes
// and completes with the right bytes.
func TestS3OutageMidUpload(t *testing.T) {
	m := s3test.Start(t)
	s := startServerWith(t, s3Config(m, ""))
	tok := s.account("owner@example.edu", false)
	item := s.createItem(t, tok, "Interrupted readings")
	data := randomBytes(12<<20, 3) // three parts

	up := s.startUpload(t, tok, item, "big.bin", data)
	if len(up.Parts) < 2 {
		t.Fatalf("%d parts; the test needs at least two", len(up.Parts))
	}
	part, file, info := up.part, struct {
		ID        int64
		UploadURL string
	}{up.FileID, up.URL}, up
	complete := fmt.Sprintf("/v2/account/articles/%d/files/%d", item, file.ID)

	s.do("PUT", file.UploadURL+"/1", "", part(1)).want(t, 200)
	m.Stop()
	var e struct{ Message, Code string }
	s.do("PUT", file.UploadURL+"/2", "", part(2)).want(t, 503).JSON(t, &e)
	if e.Code != "ServiceUnavailable" || !strings.Contains(e.Message, "retry") {
		t.Fatalf("part during the outage: %+v; want a ServiceUnavailable message asking to retry", e)
	}
	for n := 3; n <= len(info.Parts); n++ {
		s.do("PUT", fmt.Sprintf("%s/%d", file.UploadURL, n), "", part(n)).want(t, 503)
	}
	// Completing now is refused: the parts sent during the outage are
	// missing, so nothing half is assembled.
	s.do("POST", complete, tok, nil).want(t, 400)
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", item), tok, nil)
	if r := s.do("GET", fmt.Sprintf("/v2/articles/%d", item), "", nil); r.Status != 404 {
		t.Fatalf("the item is public after a failed upload: %d", r.Status)
	}

	m.Resume()
	for n := 2; n <= len(info.Parts); n++ {
		s.do("PUT", fmt.Sprintf("%s/%d", file.UploadURL, n), "", part(n)).want(t, 200)
	}
	s.do("POST", complete, tok, nil).want(t, 202)
	var got struct {
		Status string `json:"status"`
		MD5    string `json:"computed_md5"`
	}
	s.do("GET", complete, tok, nil).want(t, 200).JSON(t, &got)
	if got.Status != "available" {
		t.Fatalf("after resuming: status %q", got.Status)
	}
	if body := s.do("GET", fmt.Sprintf("/v2/file/download/%d", file.ID), tok, nil).want(t, 200).Body; !bytes.Equal(body, data) {
		t.Fatalf("downloaded %d bytes differing from the %d uploaded", len(body), len(data))
	}
}
