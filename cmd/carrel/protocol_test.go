package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestPaging checks Figshare's paging limits and that X-Cursor walks a
// listing to its end, past where offsets stop.
func TestPaging(t *testing.T) {
	s := startServer(t)
	tok := s.account("owner@example.edu", false)
	var published []int64
	for i := range 23 {
		id := s.createItem(t, tok, fmt.Sprintf("Series %d", i))
		s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", id), tok, nil).want(t, 201)
		published = append(published, id)
	}

	t.Run("Limits", func(t *testing.T) {
		for _, q := range []string{"page=0", "page=5001", "page_size=0", "page_size=1001", "limit=0", "limit=1001", "offset=5001",
			"offset=-1", "page=x", "page=1&limit=10", "page_size=5&offset=10"} {
			t.Run(q, func(t *testing.T) {
				checkError(t, s.do("GET", "/v2/articles?"+q, "", nil), 422)
				checkError(t, s.do("GET", "/v2/account/articles?"+q, tok, nil), 422)
			})
		}
		for _, q := range []string{"order=title", "order_direction=up"} {
			checkError(t, s.do("GET", "/v2/articles?"+q, "", nil), 422)
		}
		for _, q := range []string{"page=5000", "page_size=1000", "limit=1000&offset=5000", "page=2&page_size=5"} {
			s.do("GET", "/v2/articles?"+q, "", nil).want(t, 200)
		}
	})

	t.Run("Cursor", func(t *testing.T) {
		for _, dir := range []string{"asc", "desc"} {
			var walked []int64
			cursor := ""
			for range 10 {
				res := s.do("GET", "/v2/articles?limit=5&order_direction="+dir, "", nil, "X-Cursor", cursor).want(t, 200)
				var page []struct{ ID int64 }
				res.JSON(t, &page)
				for _, a := range page {
					walked = append(walked, a.ID)
				}
				if cursor = res.Header.Get("X-Cursor"); cursor == "" {
					break
				}
			}
			want := slices.Clone(published)
			if dir == "desc" {
				slices.Reverse(want)
			}
			if !slices.Equal(walked, want) {
				t.Fatalf("%s: X-Cursor walk gave %v, want %v", dir, walked, want)
			}
		}
		first := s.do("GET", "/v2/articles?page_size=5", "", nil).want(t, 200)
		cur := first.Header.Get("X-Cursor")
		if cur == "" {
			t.Fatal("a full page has no X-Cursor")
		}
		checkError(t, s.do("GET", "/v2/articles?offset=5&limit=5", "", nil, "X-Cursor", cur), 422)
		checkError(t, s.do("GET", "/v2/articles?page=2", "", nil, "X-Cursor", cur), 422)
		checkError(t, s.do("GET", "/v2/articles?order_direction=asc", "", nil, "X-Cursor", cur), 422)
		checkError(t, s.do("GET", "/v2/articles", "", nil, "X-Cursor", "not-a-cursor"), 422)
		// page_size still sizes a cursor page.
		var next []struct{ ID int64 }
		s.do("GET", "/v2/articles?page_size=3", "", nil, "X-Cursor", cur).want(t, 200).JSON(t, &next)
		if len(next) != 3 || next[0].ID != published[len(published)-6] {
			t.Fatalf("cursor page: %v", next)
		}
	})
}

// checkError requires a status and Figshare's {message, code} body.
func checkError(t *testing.T, r *response, status int) {
	t.Helper()
	r.want(t, status)
	var e struct{ Message, Code string }
	r.JSON(t, &e)
	if e.Message == "" || e.Code == "" {
		t.Fatalf("error body lacks message or code: %s", r.Body)
	}
}

// TestConditionalGet checks ETag and Last-Modified on public and account
// metadata, that matching validators give 304, and that a change gives
// 200 again.
func TestConditionalGet(t *testing.T) {
	s := startServer(t)
	tok := s.account("owner@example.edu", false)
	admin := s.account("admin@example.edu", true)
	id := s.createItem(t, tok, "Conditional")
	s.upload(t, tok, id, "a.csv", []byte("a\n"), nil)
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", id), tok, nil).want(t, 201)
	public := fmt.Sprintf("/v2/articles/%d", id)
	own := fmt.Sprintf("/v2/account/articles/%d", id)

	// Last-Modified is given once the second of the change has passed.
	var first *response
	deadline := time.Now().Add(5 * time.Second)
	for first == nil || first.Header.Get("Last-Modified") == "" {
		if time.Now().After(deadline) {
			t.Fatal("no Last-Modified on a public article")
		}
		time.Sleep(100 * time.Millisecond)
		first = s.do("GET", public, "", nil).want(t, 200)
	}
	etag, lm := first.Header.Get("ETag"), first.Header.Get("Last-Modified")
	if etag == "" || !strings.Contains(first.Header.Get("Cache-Control"), "no-cache") {
		t.Fatalf("headers: %v", first.Header)
	}
	notMod := s.do("GET", public, "", nil, "If-None-Match", etag).want(t, 304)
	if notMod.Header.Get("ETag") != etag || len(notMod.Body) != 0 {
		t.Fatalf("304: %v %q", notMod.Header, notMod.Body)
	}
	s.do("GET", public, "", nil, "If-None-Match", `W/`+etag+`, "other"`).want(t, 304)
	s.do("GET", public, "", nil, "If-Modified-Since", lm).want(t, 304)
	s.do("HEAD", public, "", nil, "If-None-Match", etag).want(t, 304)
	s.do("GET", public, "", nil, "If-None-Match", `"stale"`).want(t, 200)
	s.do("GET", public, "", nil, "If-Modified-Since", "Mon, 01 Jan 2001 00:00:00 GMT").want(t, 200)
	// If-None-Match wins over If-Modified-Since.
	s.do("GET", public, "", nil, "If-None-Match", `"stale"`, "If-Modified-Since", lm).want(t, 200)
	for _, p := range []string{"/v2/articles", fmt.Sprintf("/v2/articles/%d/files", id), fmt.Sprintf("/v2/articles/%d/versions", id), "/v2/licenses"} {
		r := s.do("GET", p, "", nil).want(t, 200)
		s.do("GET", p, "", nil, "If-None-Match", r.Header.Get("ETag")).want(t, 304)
	}

	// The owner's view is private to the account and changes with the draft.
	mine := s.do("GET", own, tok, nil).want(t, 200)
	if cc := mine.Header.Get("Cache-Control"); !strings.Contains(cc, "private") {
		t.Fatalf("account response Cache-Control %q", cc)
	}
	s.do("GET", own, tok, nil, "If-None-Match", mine.Header.Get("ETag")).want(t, 304)
	s.do("PUT", own, tok, map[string]any{"title": "Conditional, renamed"}).want(t, 205)
	s.do("GET", own, tok, nil, "If-None-Match", mine.Header.Get("ETag")).want(t, 200)
	// The draft edit is not public: the public record is unchanged.
	s.do("GET", public, "", nil, "If-None-Match", etag).want(t, 304)

	// Withdrawal changes the public record, and its Last-Modified moves.
	time.Sleep(1100 * time.Millisecond) // so the withdrawal falls in a later second than lm
	s.do("POST", own+"/unpublish", admin, map[string]any{"reason": "Consent was withdrawn"}).want(t, 204)
	s.do("GET", public, "", nil, "If-None-Match", etag).want(t, 200)
	s.do("GET", public, "", nil, "If-Modified-Since", lm).want(t, 200)
}

// TestCORSAndErrors checks the API's cross-origin policy and that unknown
// routes and wrong methods answer in Figshare's error shape.
func TestCORSAndErrors(t *testing.T) {
	s := startServer(t)
	tok := s.account("owner@example.edu", false)
	if _, err := s.cli("a long enough passphrase\n", "user", "add", "--email", "web@example.edu", "--name", "Web User", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	const evil = "https://elsewhere.example"

	t.Run("PublicGet", func(t *testing.T) {
		r := s.do("GET", "/v2/articles", "", nil, "Origin", evil).want(t, 200)
		if r.Header.Get("Access-Control-Allow-Origin") != "*" || r.Header.Get("Access-Control-Allow-Credentials") != "" {
			t.Fatalf("CORS headers: %v", r.Header)
		}
		if !strings.Contains(r.Header.Get("Access-Control-Expose-Headers"), "X-Cursor") {
			t.Fatal("X-Cursor is not exposed to scripts")
		}
	})
	t.Run("Preflight", func(t *testing.T) {
		r := s.do("OPTIONS", "/v2/account/articles", "", nil, "Origin", evil, "Access-Control-Request-Method", "POST",
			"Access-Control-Request-Headers", "authorization, content-type").want(t, 204)
		if r.Header.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(r.Header.Get("Access-Control-Allow-Headers"), "Authorization") ||
			r.Header.Get("Access-Control-Allow-Credentials") != "" {
			t.Fatalf("preflight headers: %v", r.Header)
		}
	})
	t.Run("TokenFromAnotherOrigin", func(t *testing.T) {
		r := s.do("POST", "/v2/account/articles", tok, map[string]any{"title": "From a script elsewhere"},
			"Origin", evil, "Sec-Fetch-Site", "cross-site").want(t, 201)
		if r.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Fatal("a token caller on another origin cannot read the answer")
		}
	})
	t.Run("SessionIsNotOpenedCrossOrigin", func(t *testing.T) {
		browser := s.signIn(t, "web@example.edu", "a long enough passphrase")
		get, _ := http.NewRequest("GET", s.URL+"/v2/account/articles", nil)
		get.Header.Set("Origin", evil)
		res, err := browser.Do(get)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 || res.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Fatalf("session GET from another origin: %d, ACAO %q", res.StatusCode, res.Header.Get("Access-Control-Allow-Origin"))
		}
		post, _ := http.NewRequest("POST", s.URL+"/v2/account/articles", strings.NewReader(`{"title":"forged"}`))
		post.Header.Set("Origin", evil)
		post.Header.Set("Sec-Fetch-Site", "cross-site")
		res, err = browser.Do(post)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		r := &response{Status: res.StatusCode, Header: res.Header}
		r.Body = readAll(t, res)
		checkError(t, r, 403)
	})
	t.Run("UnknownRouteAndMethod", func(t *testing.T) {
		checkError(t, s.do("GET", "/v2/no/such/thing", "", nil), 404)
		checkError(t, s.do("GET", "/v2/account/no_such", tok, nil), 404)
		r := s.do("DELETE", "/v2/articles", tok, nil)
		checkError(t, r, 405)
		if allow := r.Header.Get("Allow"); !strings.Contains(allow, "GET") {
			t.Fatalf("405 Allow %q", allow)
		}
		checkError(t, s.do("PATCH", "/v2/licenses", "", nil), 405)
	})
}

func readAll(t *testing.T, res *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// signIn signs in through the login form and returns a browser: a client
// with the session cookie that does not follow redirects.
func (s *testServer) signIn(t *testing.T, email, password string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := browser.PostForm(s.URL+"/login", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther && res.StatusCode != http.StatusFound {
		t.Fatalf("sign-in: status %d", res.StatusCode)
	}
	return browser
}
