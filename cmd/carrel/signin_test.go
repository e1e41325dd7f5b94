package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"carrel/app"
	"carrel/app/catalog"
)

// browser is an HTTP client that keeps cookies and shows redirects.
func browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// postLogin posts the sign-in form and returns the status.
func (s *testServer) postLogin(c *http.Client, email, password string) int {
	s.t.Helper()
	res, err := c.PostForm(s.URL+"/login", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		s.t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// status fetches a path with the client and returns the status.
func status(t *testing.T, c *http.Client, u string) int {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

const testPassphrase = "a long enough passphrase"

func TestDeactivation(t *testing.T) {
	s := startServer(t)
	admin := s.account("admin@example.edu", true)
	if _, err := s.cli(testPassphrase+"\n", "user", "add", "--email", "dee@example.edu", "--name", "Dee Activated", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	tok, err := s.cli("", "token", "create", "--email", "dee@example.edu", "--name", "script")
	if err != nil {
		t.Fatal(err)
	}
	tok = strings.TrimSpace(tok)
	b := browser()
	if got := s.postLogin(b, "dee@example.edu", testPassphrase); got != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", got)
	}
	if got := status(t, b, s.URL+"/account"); got != 200 {
		t.Fatalf("/account before deactivation: %d", got)
	}
	s.do("GET", "/v2/account/articles", tok, nil).want(t, 200)

	t.Run("CLI", func(t *testing.T) {
		if _, err := s.cli("", "user", "deactivate", "dee@example.edu"); err != nil {
			t.Fatal(err)
		}
		// The running server refuses the existing session and token at once.
		if got := status(t, b, s.URL+"/account"); got != http.StatusSeeOther {
			t.Errorf("/account after deactivation: %d, want a redirect to sign in", got)
		}
		s.do("GET", "/v2/account/articles", tok, nil).want(t, 401)
		if got := s.postLogin(browser(), "dee@example.edu", testPassphrase); got != http.StatusUnauthorized {
			t.Errorf("sign-in of a deactivated account: %d", got)
		}
		if _, err := s.cli("", "user", "activate", "dee@example.edu"); err != nil {
			t.Fatal(err)
		}
		s.do("GET", "/v2/account/articles", tok, nil).want(t, 200)
		// Sessions ended by deactivation stay ended.
		if got := status(t, b, s.URL+"/account"); got != http.StatusSeeOther {
			t.Errorf("a session ended by deactivation came back: %d", got)
		}
	})
	t.Run("API", func(t *testing.T) {
		id := s.accountID("dee@example.edu")
		path := fmt.Sprintf("/v2/account/institution/accounts/%d", id)
		s.do("PUT", path, tok, map[string]any{"is_active": false}).want(t, 404) // not an administrator
		s.do("PUT", path, admin, map[string]any{"group_id": 0}).want(t, 422)
		s.do("PUT", path, admin, map[string]any{"is_active": false, "group_id": 0}).want(t, 205)
		s.do("GET", "/v2/account/articles", tok, nil).want(t, 401)
		s.do("PUT", path, admin, map[string]any{"is_active": true, "group_id": 0}).want(t, 205)
		s.do("GET", "/v2/account/articles", tok, nil).want(t, 200)
		s.do("PUT", "/v2/account/institution/accounts/999999", admin, map[string]any{"is_active": false}).want(t, 404)
	})
	t.Run("Audited", func(t *testing.T) {
		cat := s.openCatalog()
		entries, err := cat.AuditEntries(t.Context(), app.AuditFilter{Target: fmt.Sprintf("account:%d", s.accountID("dee@example.edu"))})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range entries {
			got = append(got, e.Action)
		}
		want := "account.activate account.deactivate account.activate signin.failed account.deactivate signin.success"
		if strings.Join(got, " ") != want {
			t.Errorf("audit = %q\nwant %q", strings.Join(got, " "), want)
		}
	})
}

// openCatalog opens the server's catalog alongside it, as the CLI does.
func (s *testServer) openCatalog() *catalog.DB {
	s.t.Helper()
	cat, err := openCatalog(context.Background(), Config{Server: ServerConfig{DataDir: s.Data}})
	if err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(func() { cat.Close() })
	return cat
}

// accountID looks an account's id up in the server's catalog.
func (s *testServer) accountID(email string) int64 {
	s.t.Helper()
	a, err := s.openCatalog().AccountByEmail(context.Background(), email)
	if err != nil {
		s.t.Fatal(err)
	}
	return a.ID
}
