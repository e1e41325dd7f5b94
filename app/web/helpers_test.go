package web_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"carrel/app"
	"carrel/app/auth"
	"carrel/app/catalog"
	"carrel/app/web"
	"carrel/storage/local"
)

// testPassword is every test account's password.
const testPassword = "correct horse battery staple"

// env is a running web server over a real catalog and blob store.
type env struct {
	t     *testing.T
	cat   *catalog.DB
	blobs *local.Backend
	srv   *httptest.Server
	n     int
}

// MustServe starts the web pages over a fresh catalog in a temp dir.
func MustServe(t *testing.T) *env {
	t.Helper()
	dir := t.TempDir()
	cat, err := catalog.Open(context.Background(), filepath.Join(dir, "catalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cat.Close() })
	blobs, err := local.Open(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	sessions, err := auth.OpenSessions(filepath.Join(dir, "session.key"), cat)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s, err := web.New(web.Config{SiteName: "Test Repository"}, cat, blobs, sessions, log)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &env{t: t, cat: cat, blobs: blobs, srv: srv}
}

// account creates an active account with testPassword.
func (e *env) account(email string) *app.Account {
	e.t.Helper()
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		e.t.Fatal(err)
	}
	a := &app.Account{Email: email, FirstName: "Test", LastName: "Person", Active: true}
	if err := e.cat.CreateAccount(context.Background(), a, hash); err != nil {
		e.t.Fatal(err)
	}
	return a
}

// metadata is a complete, publishable record.
func metadata(title string) app.Metadata {
	return app.Metadata{Title: title, Description: "<p>Measured <b>daily</b>.</p>",
		Authors: []app.Author{{FullName: "Ada Lovelace", ORCID: "0000-0002-1825-0097"}},
		License: 1, ItemType: 3, Categories: []int64{3001}, Keywords: []string{"soil", "moisture"},
		DOI: "10.1234/carrel.1", References: []string{"https://doi.org/10.5555/ref"}}
}

// item creates a draft owned by owner.
func (e *env) item(owner *app.Account, md app.Metadata) *app.Item {
	e.t.Helper()
	it, err := e.cat.CreateItem(context.Background(), owner.ID, 0, md)
	if err != nil {
		e.t.Fatal(err)
	}
	return it
}

// file stores body as a finished file of the item's draft.
func (e *env) file(it *app.Item, name, body string) *app.File {
	e.t.Helper()
	ctx := context.Background()
	e.n++
	key := "files/t/" + strings.Repeat("a", e.n)
	if err := e.blobs.Put(ctx, key, strings.NewReader(body), int64(len(body))); err != nil {
		e.t.Fatal(err)
	}
	f := &app.File{ItemID: it.ID, Name: name, Size: int64(len(body)), StorageKey: key,
		UploadToken: auth.RandomID(16), PartSize: app.MinPartSize}
	if err := e.cat.CreateFile(ctx, f, 0); err != nil {
		e.t.Fatal(err)
	}
	f.Status, f.SHA256, f.ComputedMD5, f.MimeType = app.FileAvailable, "sha", "md5", "application/octet-stream"
	if err := e.cat.FinishFile(ctx, f); err != nil {
		e.t.Fatal(err)
	}
	return f
}

// publish publishes the item's draft.
func (e *env) publish(it *app.Item) {
	e.t.Helper()
	if _, err := e.cat.Publish(context.Background(), it.ID); err != nil {
		e.t.Fatal(err)
	}
}

// client is a browser: it keeps cookies and does not follow redirects.
func (e *env) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// signIn returns a client signed in as the account.
func (e *env) signIn(a *app.Account) *http.Client {
	e.t.Helper()
	c := e.client()
	res, body := e.post(c, "/login", url.Values{"email": {a.Email}, "password": {testPassword}})
	if res.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("sign in: status %d\n%s", res.StatusCode, body)
	}
	return c
}

// get fetches a path and returns the response and its body.
func (e *env) get(c *http.Client, path string) (*http.Response, string) {
	e.t.Helper()
	if c == nil {
		c = e.client()
	}
	res, err := c.Get(e.srv.URL + path)
	if err != nil {
		e.t.Fatal(err)
	}
	return res, readBody(e.t, res)
}

// post submits a form.
func (e *env) post(c *http.Client, path string, form url.Values) (*http.Response, string) {
	e.t.Helper()
	if c == nil {
		c = e.client()
	}
	res, err := c.Post(e.srv.URL+path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		e.t.Fatal(err)
	}
	return res, readBody(e.t, res)
}

func readBody(t *testing.T, res *http.Response) string {
	t.Helper()
	defer res.Body.Close()
	var b bytes.Buffer
	if _, err := io.Copy(&b, res.Body); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// wantStatus fails the test unless the response has the status.
func wantStatus(t *testing.T, res *http.Response, body string, want int) {
	t.Helper()
	if res.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d\n%.2000s", res.Request.Method, res.Request.URL.Path, res.StatusCode, want, body)
	}
}

// wantContains fails the test unless body contains every string.
func wantContains(t *testing.T, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("body lacks %q\n%.3000s", w, body)
		}
	}
}
