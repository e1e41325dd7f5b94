package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"carrel/app"
)

func TestXSSIsInert(t *testing.T) {
	e := MustServe(t)
	const x = `<script>alert(1)</script>"><img src=x onerror=alert(2)>`
	owner := e.account("owner@example.edu")
	md := metadata("T " + x)
	md.Description = `<p>ok</p>` + x + `<a href="javascript:alert(3)">j</a><iframe src="//evil"></iframe>`
	md.Keywords = []string{"k" + x}
	md.Authors = []app.Author{{FullName: "A " + x}}
	md.References = []string{"r" + x}
	md.Funding = "f" + x
	it := e.item(owner, md)
	f := e.file(it, "n"+strings.NewReplacer("/", "", "<", "", ">", "").Replace(x)+".txt", x)
	e.publish(it)
	var landing string
	{
		_, home := e.get(nil, "/")
		i := strings.Index(home, "/articles/")
		landing = home[i : i+strings.Index(home[i:], `"`)]
	}
	oc := e.signIn(owner)
	pages := []struct {
		c    *http.Client
		path string
	}{
		{nil, "/"}, {nil, "/search?q=" + url.QueryEscape(x)}, {nil, "/search?q=alert"}, {nil, landing},
		{nil, landing + "?cite=bibtex"}, {nil, landing + "?cite=ris"}, {nil, fmt.Sprintf("/preview/%d", f.ID)},
		{oc, "/account"}, {oc, fmt.Sprintf("/account/articles/%d", it.ID)}, {nil, "/login?next=" + url.QueryEscape(x)},
	}
	for _, p := range pages {
		res, body := e.get(p.c, p.path)
		wantStatus(t, res, body, http.StatusOK)
		for _, bad := range []string{"<script>alert", "<img src=x", `href="javascript:`, "<iframe src=\"//evil"} {
			if strings.Contains(body, bad) {
				t.Errorf("%s renders live %q", p.path, bad)
			}
		}
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	e := MustServe(t)
	a := e.account("owner@example.edu")
	for _, path := range []string{"/login", "/logout", "/account/articles", "/account/tokens"} {
		form := url.Values{"email": {a.Email}, "password": {testPassword}, "title": {"x"}}
		req, _ := http.NewRequest("POST", e.srv.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "https://evil.example")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		res, err := e.client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body := readBody(t, res)
		wantStatus(t, res, body, http.StatusForbidden)
		if len(res.Cookies()) > 0 {
			t.Errorf("%s: cross-origin request got a cookie", path)
		}
	}
}

func TestSignIn(t *testing.T) {
	e := MustServe(t)
	a := e.account("owner@example.edu")
	t.Run("SameErrorForUnknownAndWrong", func(t *testing.T) {
		var bodies []string
		for _, f := range []url.Values{
			{"email": {"nobody@example.edu"}, "password": {testPassword}},
			{"email": {a.Email}, "password": {"wrong password here"}},
		} {
			res, body := e.post(nil, "/login", f)
			wantStatus(t, res, body, http.StatusUnauthorized)
			wantContains(t, body, "The email address or password is not correct.", `value="`+f.Get("email")+`"`)
			if len(res.Cookies()) > 0 {
				t.Error("failed sign-in set a cookie")
			}
			bodies = append(bodies, strings.Replace(body, f.Get("email"), "", 1))
		}
		if bodies[0] != bodies[1] {
			t.Error("unknown and wrong-password answers differ")
		}
	})
	t.Run("OK", func(t *testing.T) {
		c := e.client()
		res, body := e.post(c, "/login", url.Values{"email": {"OWNER@example.edu"}, "password": {testPassword}, "next": {"//evil.example/"}})
		wantStatus(t, res, body, http.StatusSeeOther)
		if got := res.Header.Get("Location"); got != "/account" {
			t.Errorf("Location = %q; an off-site next must be refused", got)
		}
		ck := res.Header.Get("Set-Cookie")
		for _, want := range []string{"carrel_session=", "HttpOnly", "SameSite=Lax"} {
			if !strings.Contains(ck, want) {
				t.Errorf("Set-Cookie %q lacks %s", ck, want)
			}
		}
		res, body = e.get(c, "/account")
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "My items", "Sign out")
		res, body = e.post(c, "/logout", nil)
		wantStatus(t, res, body, http.StatusSeeOther)
		res, body = e.get(c, "/account")
		wantStatus(t, res, body, http.StatusSeeOther)
	})
	t.Run("ForgedCookieIsAnonymous", func(t *testing.T) {
		req, _ := http.NewRequest("GET", e.srv.URL+"/account", nil)
		req.AddCookie(&http.Cookie{Name: "carrel_session", Value: "MTIzfGFjY291bnQ9MQ=="})
		res, err := e.client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		readBody(t, res)
		if res.StatusCode != http.StatusSeeOther {
			t.Errorf("status %d, want redirect to sign-in", res.StatusCode)
		}
	})
}

func TestDeposit(t *testing.T) {
	e := MustServe(t)
	a := e.account("owner@example.edu")
	c := e.signIn(a)
	form := url.Values{"title": {"My dataset"}, "description": {"Line one.\n\nLine <two>."},
		"authors": {"Ada Lovelace | 0000-0002-1825-0097\nGrace Hopper | 1234"}, "item_type": {"3"}, "license": {"1"},
		"categories": {"3001"}, "keywords": {"alpha, beta"}, "references": {"ref one"}}

	t.Run("InvalidKeepsInput", func(t *testing.T) {
		res, body := e.post(c, "/account/articles", form)
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "is not a valid ORCID iD", `aria-invalid="true"`, `value="My dataset"`, "Grace Hopper | 1234",
			"Line &lt;two&gt;.", `value="alpha, beta"`, `<option value="3001" selected>`)
	})
	form.Set("authors", "Ada Lovelace | 0000-0002-1825-0097\nGrace Hopper")
	var edit string
	t.Run("Create", func(t *testing.T) {
		res, body := e.post(c, "/account/articles", form)
		wantStatus(t, res, body, http.StatusSeeOther)
		edit = strings.TrimSuffix(res.Header.Get("Location"), "?saved=1")
		res, body = e.get(c, edit+"?saved=1")
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "Saved.", "Grace Hopper", `id="uploader"`, "upload.js")
	})
	t.Run("Publish", func(t *testing.T) {
		res, body := e.post(c, edit+"/publish", nil)
		wantStatus(t, res, body, http.StatusSeeOther)
		res, body = e.get(nil, res.Header.Get("Location"))
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "<h1>My dataset</h1>", "<p>Line one.</p>", "<p>Line &lt;two&gt;.</p>", "Grace Hopper", "You are viewing version 1 of 1")
	})
	t.Run("PublishIncompleteShowsForm", func(t *testing.T) {
		res, body := e.post(c, "/account/articles", url.Values{"title": {"Bare"}})
		wantStatus(t, res, body, http.StatusSeeOther)
		res, body = e.post(c, strings.TrimSuffix(res.Header.Get("Location"), "?saved=1")+"/publish", nil)
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "cannot publish: missing authors", `value="Bare"`)
	})
}
