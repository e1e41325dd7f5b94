package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

// TestBadInput checks that each bad request gets a clear error with the
// right status and changes nothing.
func TestBadInput(t *testing.T) {
	s := startServer(t)
	tok := s.account("owner@example.edu", false)
	other := s.account("other@example.edu", false)
	item := s.createItem(t, tok, "Draft")
	path := fmt.Sprintf("/v2/account/articles/%d", item)

	t.Run("Auth", func(t *testing.T) {
		s.do("GET", "/v2/account/articles", "", nil).want(t, 401)
		s.do("GET", "/v2/account/articles", "0123", nil).want(t, 401)
		s.do("GET", "/v2/account/articles", strings.Repeat("ab", 32), nil).want(t, 401)
		s.do("GET", "/v2/account/articles", "", nil, "Authorization", "Basic Zm9vOmJhcg==").want(t, 401)
		s.do("GET", "/v2/account/articles?access_token="+tok, "", nil).want(t, 200)
		s.do("GET", "/v2/account/articles", "", nil, "Authorization", "Bearer "+tok).want(t, 200)
	})
	t.Run("OthersDraftIsNotFound", func(t *testing.T) {
		for _, m := range []string{"GET", "PUT", "DELETE"} {
			r := s.do(m, path, other, map[string]any{"title": "mine now"})
			if r.Status != 404 {
				t.Errorf("%s someone else's draft: %d", m, r.Status)
			}
		}
		s.do("POST", path+"/publish", other, nil).want(t, 404)
		s.do("POST", path+"/files", other, map[string]any{"name": "x", "size": 1}).want(t, 404)
		s.do("GET", fmt.Sprintf("/v2/articles/%d", item), "", nil).want(t, 404)
		s.do("GET", "/v2/account/articles/99999", tok, nil).want(t, 404)
		s.do("GET", "/v2/account/articles/abc", tok, nil).want(t, 404)
	})
	t.Run("InvalidJSON", func(t *testing.T) {
		var e struct{ Message, Code string }
		s.do("POST", "/v2/account/articles", tok, `{"title": "x"`).want(t, 400).JSON(t, &e)
		if e.Message == "" || e.Code == "" {
			t.Fatalf("error body lacks message or code: %+v", e)
		}
		s.do("POST", "/v2/account/articles", tok, `{"title": "x", "colour": "red"}`).want(t, 422)
		s.do("POST", "/v2/account/articles", tok, `{"title": 5}`).want(t, 422)
		s.do("POST", "/v2/account/articles", tok, ``).want(t, 400)
		s.do("POST", "/v2/account/articles", tok, `{"title":"a"} {"title":"b"}`).want(t, 400)
		s.do("POST", "/v2/account/articles", tok, `{"description":"no title"}`).want(t, 422)
		s.do("POST", "/v2/account/articles", tok, map[string]any{"title": "x", "license": 9999}).want(t, 422)
		s.do("POST", "/v2/account/articles", tok, map[string]any{"title": "x", "defined_type": "spaceship"}).want(t, 422)
		s.do("POST", "/v2/account/articles", tok, map[string]any{"title": "x", "authors": []map[string]string{{"name": "A", "orcid_id": "0000-0000-0000-0000"}}}).want(t, 422)
	})
	t.Run("PublishNamesMissingFields", func(t *testing.T) {
		var created struct {
			EntityID int64 `json:"entity_id"`
		}
		s.do("POST", "/v2/account/articles", tok, map[string]any{"title": "Bare"}).want(t, 201).JSON(t, &created)
		var e struct{ Message string }
		s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", created.EntityID), tok, nil).want(t, 422).JSON(t, &e)
		for _, f := range []string{"authors", "license", "defined_type"} {
			if !strings.Contains(e.Message, f) {
				t.Errorf("publish error %q does not name %s", e.Message, f)
			}
		}
	})
	t.Run("FileNames", func(t *testing.T) {
		for _, name := range []string{"../etc/passwd", "a/b", "nul\x00.txt", "bell\a.txt", "..", "", " lead", strings.Repeat("x", 300)} {
			r := s.do("POST", path+"/files", tok, map[string]any{"name": name, "size": 10})
			if r.Status != 422 {
				t.Errorf("name %q: status %d", name, r.Status)
			}
		}
		s.do("POST", path+"/files", tok, map[string]any{"name": "ok.txt", "size": 10, "folder_path": "a/../../b"}).want(t, 422)
		s.do("POST", path+"/files", tok, map[string]any{"name": "empty.txt", "size": 0}).want(t, 422)
		s.do("POST", path+"/files", tok, map[string]any{"name": "huge.bin", "size": int64(1) << 50}).want(t, 413)
		s.do("POST", path+"/files", tok, map[string]any{"name": "x.bin", "size": 5, "md5": "xyz"}).want(t, 422)
		var files []any
		s.do("GET", path+"/files", tok, nil).want(t, 200).JSON(t, &files)
		if len(files) != 0 {
			t.Fatalf("rejected files left %d records", len(files))
		}
	})
	t.Run("Parts", func(t *testing.T) {
		var loc struct{ Location string }
		s.do("POST", path+"/files", tok, map[string]any{"name": "p.bin", "size": 100}).want(t, 201).JSON(t, &loc)
		var f struct {
			ID        int64  `json:"id"`
			UploadURL string `json:"upload_url"`
		}
		s.do("GET", loc.Location, tok, nil).want(t, 200).JSON(t, &f)
		s.do("PUT", f.UploadURL+"/2", "", strings.Repeat("x", 100)).want(t, 404)
		s.do("PUT", f.UploadURL+"/0", "", strings.Repeat("x", 100)).want(t, 404)
		s.do("PUT", f.UploadURL+"/one", "", strings.Repeat("x", 100)).want(t, 400)
		s.do("PUT", f.UploadURL+"/1", "", strings.Repeat("x", 99)).want(t, 400)
		s.do("PUT", f.UploadURL+"/1", "", strings.Repeat("x", 101)).want(t, 400)
		s.do("GET", s.URL+"/upload/"+strings.Repeat("0", 32), "", nil).want(t, 404)
		s.do("GET", s.URL+"/upload/../../etc", "", nil)
		s.do("POST", fmt.Sprintf("%s/files/%d", path, f.ID), tok, nil).want(t, 400) // part 1 missing
		s.do("PUT", f.UploadURL+"/1", "", strings.Repeat("x", 100)).want(t, 200)
		s.do("POST", fmt.Sprintf("%s/files/%d", path, f.ID), other, nil).want(t, 404)
		s.do("POST", fmt.Sprintf("%s/files/%d", path, f.ID), tok, nil).want(t, 202)
		s.do("POST", fmt.Sprintf("%s/files/%d", path, f.ID), tok, nil).want(t, 409)
		s.do("PUT", f.UploadURL+"/1", "", strings.Repeat("x", 100)).want(t, 409)
	})
	t.Run("ConcurrentPutOfOnePart", func(t *testing.T) {
		var loc struct{ Location string }
		s.do("POST", path+"/files", tok, map[string]any{"name": "slow.bin", "size": 1000}).want(t, 201).JSON(t, &loc)
		var f struct {
			UploadURL string `json:"upload_url"`
		}
		s.do("GET", loc.Location, tok, nil).want(t, 200).JSON(t, &f)
		pr, pw := io.Pipe()
		first := make(chan int, 1)
		go func() {
			r := s.doSized("PUT", f.UploadURL+"/1", pr, 1000)
			first <- r
		}()
		pw.Write([]byte(strings.Repeat("a", 10))) // the first request is now inside the handler
		waitLocked(t, s, f.UploadURL)
		s.do("PUT", f.UploadURL+"/1", "", strings.Repeat("b", 1000)).want(t, 409)
		pw.Write([]byte(strings.Repeat("a", 990)))
		pw.Close()
		if got := <-first; got != 200 {
			t.Fatalf("first PUT: %d", got)
		}
	})
	t.Run("MD5Mismatch", func(t *testing.T) {
		bad := s.createItem(t, tok, "Bad checksum")
		var loc struct{ Location string }
		s.do("POST", fmt.Sprintf("/v2/account/articles/%d/files", bad), tok,
			map[string]any{"name": "c.csv", "size": 4, "md5": strings.Repeat("0", 32)}).want(t, 201).JSON(t, &loc)
		var f struct {
			ID        int64  `json:"id"`
			UploadURL string `json:"upload_url"`
			Status    string `json:"status"`
		}
		s.do("GET", loc.Location, tok, nil).want(t, 200).JSON(t, &f)
		s.do("PUT", f.UploadURL+"/1", "", "a,b\n").want(t, 200)
		s.do("POST", fmt.Sprintf("/v2/account/articles/%d/files/%d", bad, f.ID), tok, nil).want(t, 422)
		s.do("GET", loc.Location, tok, nil).want(t, 200).JSON(t, &f)
		if f.Status != "error" {
			t.Fatalf("file status %q, want error", f.Status)
		}
		var e struct{ Message string }
		s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", bad), tok, nil).want(t, 422).JSON(t, &e)
		if !strings.Contains(e.Message, "failed verification") {
			t.Fatalf("publish message %q", e.Message)
		}
		s.do("GET", fmt.Sprintf("/v2/file/download/%d", f.ID), tok, nil).want(t, 409)
	})
	t.Run("DeletePublished", func(t *testing.T) {
		pub := s.createItem(t, tok, "Published")
		s.upload(t, tok, pub, "a.txt", []byte("hello"), nil)
		s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", pub), tok, nil).want(t, 201)
		s.do("DELETE", fmt.Sprintf("/v2/account/articles/%d", pub), tok, nil).want(t, 409)
		s.do("GET", fmt.Sprintf("/v2/articles/%d", pub), "", nil).want(t, 200)
	})
	t.Run("DraftDownloadsNeedOwner", func(t *testing.T) {
		d := s.createItem(t, tok, "Private")
		fid := s.upload(t, tok, d, "secret.txt", []byte("secret"), nil)
		s.do("GET", fmt.Sprintf("/v2/file/download/%d", fid), "", nil).want(t, 404)
		s.do("GET", fmt.Sprintf("/v2/file/download/%d", fid), other, nil).want(t, 404)
		if got := s.do("GET", fmt.Sprintf("/v2/file/download/%d", fid), tok, nil).want(t, 200); string(got.Body) != "secret" {
			t.Fatal("owner download differs")
		}
		s.do("GET", fmt.Sprintf("/v2/articles/%d/download", d), "", nil).want(t, 404)
	})
	t.Run("Paging", func(t *testing.T) {
		s.do("GET", "/v2/articles?page=1&limit=10", "", nil).want(t, 422)
		s.do("GET", "/v2/articles?page=5001", "", nil).want(t, 422)
		s.do("GET", "/v2/articles?page_size=1001", "", nil).want(t, 422)
		s.do("GET", "/v2/articles?limit=0", "", nil).want(t, 422)
		s.do("GET", "/v2/articles?order=colour", "", nil).want(t, 422)
		s.do("GET", "/v2/articles?published_since=yesterday", "", nil).want(t, 422)
		s.do("GET", "/v2/articles?page=1&page_size=1000", "", nil).want(t, 200)
	})
	t.Run("UnknownEndpoint", func(t *testing.T) {
		var e map[string]string
		s.do("GET", "/v2/nothing/here", "", nil).want(t, 404).JSON(t, &e)
		if e["message"] == "" {
			t.Fatal("no message")
		}
	})
	t.Run("BodyTooLarge", func(t *testing.T) {
		big, _ := json.Marshal(map[string]string{"title": "x", "description": strings.Repeat("y", 5<<20)})
		s.do("POST", "/v2/account/articles", tok, big).want(t, 413)
	})
}

// doSized sends a request with a declared length from a reader that may
// block, returning the status.
func (s *testServer) doSized(method, url string, body io.Reader, size int64) int {
	req, _ := newRequest(method, url, body, size)
	res, err := httpClient().Do(req)
	if err != nil {
		return -1
	}
	res.Body.Close()
	return res.StatusCode
}

// waitLocked polls the upload until part 1 shows as locked.
func waitLocked(t *testing.T, s *testServer, uploadURL string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var info struct{ Parts []struct{ Locked bool } }
		s.do("GET", uploadURL, "", nil).want(t, 200).JSON(t, &info)
		if info.Parts[0].Locked {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("part never showed as locked")
}
