package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestSigninThrottle: after max_failures wrong passwords an account name
// is refused (429, Retry-After) even with the right password, unknown
// names are throttled alike, and the count survives a restart.
func TestSigninThrottle(t *testing.T) {
	dir := t.TempDir()
	conf := "[auth.local]\nmax_failures = 3\nmax_address_failures = 100\nbase_delay_seconds = 600\nmax_delay_seconds = 900\n"
	s := startServerIn(t, dir, conf)
	if _, err := s.cli(testPassphrase+"\n", "user", "add", "--email", "tess@example.edu", "--name", "Tess Throttle", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"tess@example.edu", "nobody@example.edu"} {
		for i := range 3 {
			if got := s.postLogin(browser(), name, "wrong password "+name); got != http.StatusUnauthorized {
				t.Fatalf("%s failure %d: %d", name, i, got)
			}
		}
	}
	res, err := browser().PostForm(s.URL+"/login", map[string][]string{"email": {"tess@example.edu"}, "password": {testPassphrase}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Fatalf("right password after 3 failures: %d, Retry-After %q; want 429 with Retry-After", res.StatusCode, res.Header.Get("Retry-After"))
	}
	if got := s.postLogin(browser(), "nobody@example.edu", "anything at all"); got != http.StatusTooManyRequests {
		t.Errorf("unknown name after 3 failures: %d, want 429 like a real account", got)
	}
	if got := s.postLogin(browser(), "other@example.edu", "anything at all"); got != http.StatusUnauthorized {
		t.Errorf("another name from the same address: %d, want 401", got)
	}

	// Stop the server and start another on the same data directory.
	s.Stop()
	s2 := startServerIn(t, dir, conf)
	if got := s2.postLogin(browser(), "tess@example.edu", testPassphrase); got != http.StatusTooManyRequests {
		t.Errorf("after restart: %d, want 429", got)
	}
	cat := s2.openCatalog()
	n, last, err := cat.SigninFailures(t.Context(), "account:tess@example.edu")
	if err != nil || n != 3 || time.Since(last) > time.Minute {
		t.Errorf("stored failures = %d at %v, %v", n, last, err)
	}
}

// TestSigninThrottlePerAddress: one address guessing many names is
// stopped too.
func TestSigninThrottlePerAddress(t *testing.T) {
	s := startServerWith(t, "[auth.local]\nmax_failures = 100\nmax_address_failures = 4\n")
	for i := range 4 {
		if got := s.postLogin(browser(), "user"+strings.Repeat("x", i)+"@example.edu", "wrong"); got != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i, got)
		}
	}
	if got := s.postLogin(browser(), "fresh@example.edu", "wrong"); got != http.StatusTooManyRequests {
		t.Errorf("fifth name from one address: %d, want 429", got)
	}
}

// TestTokens covers personal API tokens through the CLI and the API.
func TestTokens(t *testing.T) {
	s := startServer(t)
	tok := s.account("tom@example.edu", false)
	list, err := s.cli("", "token", "list", "tom@example.edu")
	if err != nil || !strings.Contains(list, "cli") || strings.Contains(list, tok) {
		t.Fatalf("token list = %q, %v", list, err)
	}
	s.do("GET", "/v2/account/articles", tok, nil).want(t, 200) // records last use

	var made struct {
		ID    int64  `json:"id"`
		Name  string `json:"name"`
		Token string `json:"token"`
	}
	s.do("POST", "/v2/account/tokens", tok, map[string]string{"name": "laptop"}).want(t, 201).JSON(t, &made)
	if made.Name != "laptop" || len(made.Token) != 64 {
		t.Fatalf("created %+v", made)
	}
	s.do("POST", "/v2/account/tokens", tok, map[string]string{"name": " "}).want(t, 400)
	var listed []map[string]any
	s.do("GET", "/v2/account/tokens", made.Token, nil).want(t, 200).JSON(t, &listed)
	if len(listed) != 2 || listed[0]["token"] != nil || listed[1]["last_used_date"] == nil {
		t.Fatalf("listed %v", listed)
	}
	b, _ := json.Marshal(listed)
	if strings.Contains(string(b), tok) || strings.Contains(string(b), made.Token) {
		t.Fatal("the token list shows a secret")
	}
	s.do("DELETE", "/v2/account/tokens/"+jsonID(made.ID), tok, nil).want(t, 204)
	s.do("GET", "/v2/account/articles", made.Token, nil).want(t, 401)
	s.do("DELETE", "/v2/account/tokens/"+jsonID(made.ID), tok, nil).want(t, 404)

	// Another account's token cannot be revoked through the API.
	other := s.account("olga@example.edu", false)
	var olgas []struct{ ID int64 }
	s.do("GET", "/v2/account/tokens", other, nil).want(t, 200).JSON(t, &olgas)
	s.do("DELETE", "/v2/account/tokens/"+jsonID(olgas[0].ID), tok, nil).want(t, 404)
	s.do("GET", "/v2/account/articles", other, nil).want(t, 200)

	if _, err := s.cli("", "token", "revoke", jsonID(olgas[0].ID)); err != nil {
		t.Fatal(err)
	}
	s.do("GET", "/v2/account/articles", other, nil).want(t, 401)
	if _, err := s.cli("", "token", "revoke", "nonsense"); err == nil {
		t.Error("revoking a non-numeric id succeeded")
	}

	t.Run("Malformed", func(t *testing.T) {
		for _, bad := range []string{"short", strings.Repeat("Z", 64), strings.Repeat("a", 65), tok + " extra"} {
			r := s.do("GET", "/v2/account/articles", bad, nil).want(t, 401)
			if !strings.Contains(string(r.Body), "malformed token") {
				t.Errorf("%q: %s", bad, r.Body)
			}
		}
		r := s.do("GET", "/v2/account/articles", strings.Repeat("a", 64), nil).want(t, 401)
		if !strings.Contains(string(r.Body), "unknown token") {
			t.Errorf("unknown token: %s", r.Body)
		}
	})
}

func jsonID(id int64) string { b, _ := json.Marshal(id); return string(b) }
