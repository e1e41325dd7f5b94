package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// oauthApp registers an application with the CLI and returns its client id
// and secret.
func (s *testServer) oauthApp(t *testing.T, name string, redirects ...string) (id, secret string) {
	t.Helper()
	args := []string{"oauth", "app", "add", "--name", name}
	for _, r := range redirects {
		args = append(args, "--redirect-uri", r)
	}
	out, err := s.cli("", args...)
	if err != nil {
		t.Fatalf("oauth app add: %v", err)
	}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "client_id" {
			id = f[1]
		} else if len(f) == 2 && f[0] == "client_secret" {
			secret = f[1]
		}
	}
	if id == "" || secret == "" {
		t.Fatalf("oauth app add printed %q", out)
	}
	return id, secret
}

// authorize drives the authorization page as the browser's account and
// returns where it was sent back to.
func authorize(t *testing.T, browser *http.Client, authURL, decision string) *url.URL {
	t.Helper()
	res, err := browser.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	page := readAll(t, res)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(page), "Authorize") {
		t.Fatalf("authorization page: %d %.300s", res.StatusCode, page)
	}
	q, _ := url.Parse(authURL)
	form := q.Query()
	form.Set("decision", decision)
	u := *q
	u.RawQuery = ""
	res, err = browser.PostForm(u.String(), form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("authorization decision: status %d", res.StatusCode)
	}
	back, err := url.Parse(res.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return back
}

// tokenError posts a form to /v2/token and returns the RFC 6749 error.
func tokenError(t *testing.T, s *testServer, form url.Values) string {
	t.Helper()
	res, err := http.PostForm(s.URL+"/v2/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var e struct{ Error, ErrorDescription string }
	json.NewDecoder(res.Body).Decode(&e)
	if res.StatusCode != 400 || e.Error == "" {
		t.Fatalf("token endpoint: status %d, error %q; want 400 with an RFC 6749 error", res.StatusCode, e.Error)
	}
	return e.Error
}

// TestOAuth drives the authorization-code flow end to end with
// golang.org/x/oauth2 as the client and a signed-in browser, then refresh
// rotation, replays, and every bad input the token endpoint must refuse.
func TestOAuth(t *testing.T) {
	s := startServer(t)
	admin := s.account("admin@example.edu", true)
	user := s.account("reader@example.edu", false)
	if _, err := s.cli("a long enough passphrase\n", "user", "add", "--email", "web@example.edu", "--name", "Web User", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	const callback = "http://127.0.0.1:9/callback"
	id, secret := s.oauthApp(t, "Lab notebook", callback, "https://notebook.example/cb")
	conf := &oauth2.Config{ClientID: id, ClientSecret: secret, RedirectURL: callback, Scopes: []string{"all"},
		Endpoint: oauth2.Endpoint{AuthURL: s.URL + "/account/applications/authorize", TokenURL: s.URL + "/v2/token", AuthStyle: oauth2.AuthStyleInParams}}
	ctx := context.Background()

	// Not signed in: the page sends the browser to sign in, then back.
	browser := s.signIn(t, "web@example.edu", "a long enough passphrase")
	anon := &http.Client{CheckRedirect: browser.CheckRedirect}
	res, err := anon.Get(conf.AuthCodeURL("st1"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/login?next=") {
		t.Fatalf("anonymous authorize: %d %q", res.StatusCode, loc)
	}

	back := authorize(t, browser, conf.AuthCodeURL("st1"), "allow")
	if back.Scheme+"://"+back.Host+back.Path != callback || back.Query().Get("state") != "st1" || back.Query().Get("code") == "" {
		t.Fatalf("sent back to %s", back)
	}
	tok, err := conf.Exchange(ctx, back.Query().Get("code"))
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken == "" || tok.Expiry.Before(time.Now().Add(50*time.Minute)) || tok.Type() != "Bearer" {
		t.Fatalf("token: %+v", tok)
	}
	api := conf.Client(ctx, tok)
	res, err = api.Post(s.URL+"/v2/account/articles", "application/json", strings.NewReader(`{"title":"Deposited by an OAuth application"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 201 {
		t.Fatalf("API call with the OAuth token: %d", res.StatusCode)
	}
	var info struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	s.do("GET", "/v2/token", tok.AccessToken, nil).want(t, 200).JSON(t, &info)
	if info.AccessToken != tok.AccessToken || info.ExpiresIn < 3000 {
		t.Fatalf("token info: %+v", info)
	}

	t.Run("RefreshRotates", func(t *testing.T) {
		old := *tok
		expired := *tok
		expired.Expiry = time.Now().Add(-time.Minute)
		fresh, err := conf.TokenSource(ctx, &expired).Token()
		if err != nil {
			t.Fatal(err)
		}
		if fresh.AccessToken == old.AccessToken || fresh.RefreshToken == old.RefreshToken {
			t.Fatal("refresh did not rotate the tokens")
		}
		s.do("GET", "/v2/account/articles", old.AccessToken, nil).want(t, 401)
		s.do("GET", "/v2/account/articles", fresh.AccessToken, nil).want(t, 200)
		// The spent refresh token again: someone copied it; the chain ends.
		if e := tokenError(t, s, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {old.RefreshToken}, "client_id": {id}, "client_secret": {secret}}); e != "invalid_grant" {
			t.Fatalf("replayed refresh token: %s", e)
		}
		s.do("GET", "/v2/account/articles", fresh.AccessToken, nil).want(t, 401)
	})

	t.Run("ReusedCodeRevokes", func(t *testing.T) {
		code := authorize(t, browser, conf.AuthCodeURL("st2"), "allow").Query().Get("code")
		first, err := conf.Exchange(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conf.Exchange(ctx, code); err == nil || !strings.Contains(err.Error(), "invalid_grant") {
			t.Fatalf("second exchange of a code: %v", err)
		}
		s.do("GET", "/v2/account/articles", first.AccessToken, nil).want(t, 401)
	})

	t.Run("BadInput", func(t *testing.T) {
		code := authorize(t, browser, conf.AuthCodeURL("st3"), "allow").Query().Get("code")
		base := func(kv ...string) url.Values {
			v := url.Values{"client_id": {id}, "client_secret": {secret}, "grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {callback}}
			for i := 0; i+1 < len(kv); i += 2 {
				v.Set(kv[i], kv[i+1])
			}
			return v
		}
		for _, c := range []struct {
			name string
			form url.Values
			want string
		}{
			{"WrongSecret", base("client_secret", strings.Repeat("0", 64)), "invalid_client"},
			{"UnknownClient", base("client_id", "nobody"), "invalid_client"},
			{"NoSecret", base("client_secret", ""), "invalid_client"},
			{"RedirectMismatch", base("redirect_uri", "https://notebook.example/cb"), "invalid_grant"},
			{"UnknownCode", base("code", strings.Repeat("a", 64)), "invalid_grant"},
			{"PasswordGrant", base("grant_type", "password"), "unsupported_grant_type"},
			{"NoGrantType", base("grant_type", ""), "invalid_request"},
			{"NoCode", base("code", ""), "invalid_request"},
			{"UnknownRefresh", base("grant_type", "refresh_token", "refresh_token", strings.Repeat("b", 64)), "invalid_grant"},
		} {
			if got := tokenError(t, s, c.form); got != c.want {
				t.Errorf("%s: %s, want %s", c.name, got, c.want)
			}
		}
		// The failures above did not spend the code: it still works once.
		s.do("POST", "/v2/token", "", base().Encode(), "Content-Type", "application/x-www-form-urlencoded").want(t, 200)

		// A redirect URI the application did not register is refused on
		// the page, and nobody is sent there.
		evil := strings.Replace(conf.AuthCodeURL("st4"), url.QueryEscape(callback), url.QueryEscape("https://evil.example/cb"), 1)
		res, err := browser.Get(evil)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 400 || res.Header.Get("Location") != "" {
			t.Fatalf("unregistered redirect_uri: %d, Location %q", res.StatusCode, res.Header.Get("Location"))
		}
		denied := authorize(t, browser, conf.AuthCodeURL("st5"), "deny")
		if denied.Query().Get("error") != "access_denied" || denied.Query().Get("state") != "st5" || denied.Query().Get("code") != "" {
			t.Fatalf("denied: sent back to %s", denied)
		}
		res, err = browser.Get(strings.Replace(conf.AuthCodeURL("st6"), "response_type=code", "response_type=token", 1))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if loc, _ := url.Parse(res.Header.Get("Location")); res.StatusCode != 303 || loc.Query().Get("error") != "unsupported_response_type" {
			t.Fatalf("implicit grant: %d %v", res.StatusCode, loc)
		}
	})

	t.Run("BasicAuthAndJSON", func(t *testing.T) {
		hdr := *conf
		hdr.Endpoint.AuthStyle = oauth2.AuthStyleInHeader
		code := authorize(t, browser, hdr.AuthCodeURL("st7"), "allow").Query().Get("code")
		if _, err := hdr.Exchange(ctx, code); err != nil {
			t.Fatalf("client authenticated with HTTP Basic: %v", err)
		}
		code = authorize(t, browser, conf.AuthCodeURL("st8"), "allow").Query().Get("code")
		var out struct{ AccessToken, RefreshToken, TokenType string }
		s.do("POST", "/v2/token", "", map[string]string{"client_id": id, "client_secret": secret, "grant_type": "authorization_code",
			"code": code, "redirect_uri": callback}, "Content-Type", "application/json").want(t, 200).JSON(t, &out)
	})

	t.Run("AdminManagesApplications", func(t *testing.T) {
		body := map[string]any{"name": "Harvester", "redirect_uris": []string{"https://harvest.example/cb"}}
		s.do("POST", "/v2/admin/oauth/applications", user, body).want(t, 403)
		checkError(t, s.do("POST", "/v2/admin/oauth/applications", admin, map[string]any{"name": "Bad", "redirect_uris": []string{"http://plain.example/cb"}}), 422)
		var created struct {
			ClientID     string `json:"client_id"`
			ClientSecret string `json:"client_secret"`
		}
		s.do("POST", "/v2/admin/oauth/applications", admin, body).want(t, 201).JSON(t, &created)
		if created.ClientSecret == "" {
			t.Fatal("no secret on creation")
		}
		list := s.do("GET", "/v2/admin/oauth/applications", admin, nil).want(t, 200)
		if !strings.Contains(string(list.Body), created.ClientID) || strings.Contains(string(list.Body), created.ClientSecret) {
			t.Fatalf("listing: %s", list.Body)
		}
		// Removing the notebook application ends its tokens at once.
		code := authorize(t, browser, conf.AuthCodeURL("st9"), "allow").Query().Get("code")
		live, err := conf.Exchange(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		s.do("DELETE", "/v2/admin/oauth/applications/"+id, admin, nil).want(t, 204)
		s.do("GET", "/v2/account/articles", live.AccessToken, nil).want(t, 401)
		checkError(t, s.do("DELETE", "/v2/admin/oauth/applications/"+id, admin, nil), 404)
		out, err := s.cli("", "oauth", "app", "list")
		if err != nil || strings.Contains(out, id) || !strings.Contains(out, created.ClientID) {
			t.Fatalf("oauth app list: %q %v", out, err)
		}
	})
}

// TestOAuthCodeExpires checks that a code not exchanged in time is refused.
func TestOAuthCodeExpires(t *testing.T) {
	s := startServerWith(t, "[oauth]\ncode_seconds = 1\n")
	if _, err := s.cli("a long enough passphrase\n", "user", "add", "--email", "web@example.edu", "--name", "Web User", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	const callback = "http://127.0.0.1:9/callback"
	id, secret := s.oauthApp(t, "Slow tool", callback)
	conf := &oauth2.Config{ClientID: id, ClientSecret: secret, RedirectURL: callback,
		Endpoint: oauth2.Endpoint{AuthURL: s.URL + "/account/applications/authorize", TokenURL: s.URL + "/v2/token", AuthStyle: oauth2.AuthStyleInParams}}
	browser := s.signIn(t, "web@example.edu", "a long enough passphrase")
	code := authorize(t, browser, conf.AuthCodeURL("x"), "allow").Query().Get("code")
	time.Sleep(1100 * time.Millisecond)
	if e := tokenError(t, s, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {callback},
		"client_id": {id}, "client_secret": {secret}}); e != "invalid_grant" {
		t.Fatalf("expired code: %s", e)
	}
}
