package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
)

// adminBrowser is a signed-in browser session on the web pages.
type adminBrowser struct {
	t      *testing.T
	s      *testServer
	client *http.Client
}

// browserSignIn creates an account with a password (an administrator if admin)
// and signs in as it with a cookie jar.
func browserSignIn(t *testing.T, s *testServer, email string, admin bool) *adminBrowser {
	t.Helper()
	args := []string{"user", "add", "--email", email, "--name", "Libby Rarian", "--password-stdin"}
	if admin {
		args = append(args, "--admin")
	}
	if _, err := s.cli("a long enough passphrase\n", args...); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	b := &adminBrowser{t: t, s: s, client: &http.Client{Jar: jar}}
	if code, _ := b.post("/login", url.Values{"email": {email}, "password": {"a long enough passphrase"}}); code != 200 {
		t.Fatalf("sign-in: %d", code)
	}
	return b
}

func (b *adminBrowser) get(path string) (int, string) {
	b.t.Helper()
	res, body := b.fetch(path)
	return res.StatusCode, body
}

// fetch GETs path and returns the response (its body read and closed)
// and the body.
func (b *adminBrowser) fetch(path string) (*http.Response, string) {
	b.t.Helper()
	res, err := b.client.Get(b.s.URL + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return res, string(body)
}

func (b *adminBrowser) post(path string, form url.Values) (int, string) {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.s.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.s.URL)
	res, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

// want fails unless the page answered code and contains every string.
func (b *adminBrowser) want(path string, code int, wants ...string) string {
	b.t.Helper()
	got, page := b.get(path)
	if got != code {
		b.t.Fatalf("GET %s: %d, want %d:\n%s", path, got, code, page)
	}
	for _, w := range wants {
		if !strings.Contains(page, w) {
			b.t.Fatalf("GET %s lacks %q:\n%s", path, w, page)
		}
	}
	return page
}

// TestAdminDashboard checks the dashboard's figures and the audit log's
// filters and paging over HTTP, as an administrator and as others.
func TestAdminDashboard(t *testing.T) {
	s := startServer(t)
	tok := s.account("depositor@example.edu", false)
	faculty, dept, _ := reviewGroups(t, s)
	must(s.cli("", "group", "add", "--name", "Archive", "--quota", "1000000", "--parent", fmt.Sprint(faculty)))
	must(s.cli("", "user", "role", "depositor@example.edu", "depositor", "--group", fmt.Sprint(dept)))
	pub := s.createItem(t, tok, "Published one")
	s.upload(t, tok, pub, "a.csv", []byte("x,y\n1,2\n"), nil)
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", pub), tok, nil).want(t, 201)
	s.createItem(t, tok, "Draft one")
	var created struct {
		EntityID int64 `json:"entity_id"`
	}
	s.do("POST", "/v2/account/articles", tok, map[string]any{"title": "Under review", "defined_type": "dataset", "license": 1,
		"authors": []map[string]string{{"name": "Dana Depositor"}}, "categories": []int{3001}, "group_id": dept}).want(t, 201).JSON(t, &created)
	s.upload(t, tok, created.EntityID, "b.csv", []byte("depth,age\n1,120\n"), nil)
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", created.EntityID), tok, nil).want(t, 202)

	admin := browserSignIn(t, s, "librarian@example.edu", true)
	admin.want("/admin", 200, `id="items-draft">1<`, `id="items-public">1<`, `id="items-pending">1<`,
		"1 pending review(s); the oldest has waited", "Faculty of Science", "— Physics", "— Archive", "<td>1.0 MB</td><td>0%</td>", "24 B stored in all", "Recent activity",
		"group.review", "Job health", "Views and downloads, last 30 days", `<title id="usage-title">Views and downloads per day</title>`)

	t.Run("Audit", func(t *testing.T) {
		admin.want("/admin/audit", 200, "group.create", "role.assign", "signin")
		page := admin.want("/admin/audit?action=group", 200, "group.create", "group.review")
		if strings.Contains(page, "role.assign") {
			t.Fatalf("action filter let other actions through:\n%s", page)
		}
		page = admin.want("/admin/audit?action=role.assign&target=account:1", 200)
		if strings.Contains(page, "group.create") {
			t.Fatalf("exact action filter let other actions through:\n%s", page)
		}
		admin.want("/admin/audit?actor=librarian@example.edu", 200, "librarian@example.edu")
		admin.want("/admin/audit?actor=nobody@example.edu", 200, "No account has the email or id")
		admin.want("/admin/audit?from=yesterday", 400, "is not a date like")
		admin.want("/admin/audit?from=2026-02-02&to=2026-02-01", 400, "must not be after")
		admin.want("/admin/audit?page=0", 400, "whole number")
		admin.want("/admin/audit?from=2000-01-01&to=2000-01-02", 200, "No audit entries.")
		for i := 0; i < 55; i++ {
			must(s.cli("", "group", "add", "--name", fmt.Sprintf("Unit %02d", i)))
		}
		page = admin.want("/admin/audit?action=group.create", 200, `rel="next"`, "Unit 54")
		if strings.Contains(page, `rel="prev"`) || strings.Contains(page, "Unit 00") {
			t.Fatalf("first page is not the newest 50:\n%s", page)
		}
		page = admin.want("/admin/audit?action=group.create&page=2", 200, `rel="prev"`, "Unit 00", "Faculty of Science")
		if strings.Contains(page, `rel="next"`) {
			t.Fatalf("last page links further:\n%s", page)
		}
	})

	t.Run("NotForOthers", func(t *testing.T) {
		dep := browserSignIn(t, s, "someone@example.edu", false)
		for _, p := range []string{"/admin", "/admin/audit"} {
			dep.want(p, 404)
		}
		res, err := http.Get(s.URL + "/admin/audit")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.Request.URL.Path != "/login" {
			t.Fatalf("anonymous /admin/audit ended at %s", res.Request.URL)
		}
	})
}
