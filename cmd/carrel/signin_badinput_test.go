package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// sessionCookie returns the browser's session cookie for the server.
func sessionCookie(t *testing.T, s *testServer, b *http.Client) *http.Cookie {
	t.Helper()
	for _, c := range b.Jar.Cookies(mustURL(s.URL)) {
		if c.Name == "carrel_session" {
			return c
		}
	}
	t.Fatal("no session cookie")
	return nil
}

// plant puts a session cookie into a browser, as an attacker who got a
// victim's browser to take it would.
func plant(s *testServer, b *http.Client, c *http.Cookie) {
	b.Jar.SetCookies(mustURL(s.URL), []*http.Cookie{{Name: c.Name, Value: c.Value, Path: "/"}})
}

// TestSignInBadInput: session fixation, malformed credentials of every
// kind, and sign-in redirects off-site, against the running server.
func TestSignInBadInput(t *testing.T) {
	s := startServer(t)
	for _, who := range []string{"victim@example.edu", "mallory@example.edu"} {
		if _, err := s.cli(testPassphrase+"\n", "user", "add", "--email", who, "--name", "Test Person", "--password-stdin"); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("SessionFixation", func(t *testing.T) {
		attacker := browser()
		if got := s.postLogin(attacker, "mallory@example.edu", testPassphrase); got != http.StatusSeeOther {
			t.Fatalf("attacker sign-in: %d", got)
		}
		fixed := sessionCookie(t, s, attacker)
		victim := browser()
		plant(s, victim, fixed)
		if got := s.postLogin(victim, "victim@example.edu", testPassphrase); got != http.StatusSeeOther {
			t.Fatalf("victim sign-in: %d", got)
		}
		if c := sessionCookie(t, s, victim); c.Value == fixed.Value {
			t.Fatal("the session cookie was not replaced at sign-in")
		}
		// The planted session is over, for the attacker too: it never
		// becomes the victim's.
		if got := status(t, attacker, s.URL+"/account"); got != http.StatusSeeOther {
			t.Errorf("the fixed session still works: %d", got)
		}
		if got := status(t, victim, s.URL+"/account"); got != 200 {
			t.Errorf("the victim's new session does not work: %d", got)
		}
	})

	t.Run("ErrMalformedCredentials", func(t *testing.T) {
		long := strings.Repeat("a", 10000)
		for _, c := range []struct{ name, header, query string }{
			{"EmptyTokenScheme", "token ", ""},
			{"EmptyBearer", "Bearer", ""},
			{"BearerGarbage", "Bearer %%%not-a-token%%%", ""},
			{"UnknownScheme", "Basic dXNlcjpwYXNz", ""},
			{"VeryLong", "token " + long, ""},
			{"NonASCII", "token ünïcødé-ünïcødé-ünïcødé-ünïcødé-ünïcødé-ünïcødé", ""},
			{"QueryGarbage", "", "access_token=" + url.QueryEscape("x'; DROP TABLE tokens;--")},
			{"QueryEmpty", "", "access_token="},
		} {
			t.Run(c.name, func(t *testing.T) {
				path := "/v2/account/articles"
				if c.query != "" {
					path += "?" + c.query
				}
				var hdr []string
				if c.header != "" {
					hdr = []string{"Authorization", c.header}
				}
				r := s.do("GET", path, "", nil, hdr...)
				if r.Status != http.StatusUnauthorized && r.Status != http.StatusBadRequest {
					t.Errorf("status %d: %s", r.Status, r.Body)
				}
				if strings.Contains(string(r.Body), "nternal") {
					t.Errorf("an internal error: %s", r.Body)
				}
			})
		}
		for _, v := range []string{"", "garbage", strings.Repeat("A", 5000), "MTIzNDU2Nzg5MA==|1|x"} {
			b := browser()
			plant(s, b, &http.Cookie{Name: "carrel_session", Value: v})
			if got := status(t, b, s.URL+"/account"); got != http.StatusSeeOther {
				t.Errorf("session cookie %.20q: %d, want a redirect to sign in", v, got)
			}
		}
	})

	t.Run("ErrNextOffSite", func(t *testing.T) {
		for _, next := range []string{"//evil.example/", "https://evil.example/", `/\evil.example`, "javascript:alert(1)", "/%0d%0aSet-Cookie:x=1"} {
			b := browser()
			res, err := b.PostForm(s.URL+"/login?next="+url.QueryEscape(next), url.Values{"email": {"victim@example.edu"}, "password": {testPassphrase},
				"next": {next}})
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			loc := res.Header.Get("Location")
			if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, `/\`) ||
				strings.ContainsAny(loc, "\r\n") {
				t.Errorf("next %q: %d -> %q", next, res.StatusCode, loc)
			}
		}
	})
}
