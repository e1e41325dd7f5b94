package main

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// hrRecord is one <Record> of an HR feed.
func hrRecord(id, first, last, email, active, quota, criteria string) string {
	return fmt.Sprintf(`  <Record>
    <UniqueID>%s</UniqueID>
    <Orcid></Orcid>
    <FirstName>%s</FirstName>
    <LastName>%s</LastName>
    <Title></Title>
    <Initials></Initials>
    <Suffix></Suffix>
    <Email>%s</Email>
    <IsActive>%s</IsActive>
    <UserQuota>%s</UserQuota>
    <UserAssociationCriteria>%s</UserAssociationCriteria>
  </Record>
`, id, first, last, email, active, quota, criteria)
}

func hrFeed(records ...string) string {
	return "<?xml version=\"1.0\"?>\n<HRFeed>\n" + strings.Join(records, "") + "</HRFeed>\n"
}

// multipartFeed is a feed as Figshare's upload endpoint takes it.
func multipartFeed(t *testing.T, feed string) (string, []byte) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	w, err := mw.CreateFormFile("hrfeed", "feed.xml")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(feed))
	mw.Close()
	return mw.FormDataContentType(), b.Bytes()
}

// TestHRFeed imports HR feeds from the command line, the API and the admin
// pages: a round trip of creating, updating, deactivating and reactivating
// accounts, with malformed feeds and a feed that would deactivate everyone
// refused without changing anything.
func TestHRFeed(t *testing.T) {
	s := startServer(t)
	admin := s.account("admin@example.edu", true)
	depositor := s.account("someone@example.edu", false)
	if out, err := s.cli("", "group", "add", "--name", "Information Technology", "--resource-id", "IT"); err != nil {
		t.Fatalf("group add: %v %s", err, out)
	}
	dir := t.TempDir()
	file := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	first := file("first.xml", hrFeed(
		hrRecord("1001", "Jane", "Doe", "jane@example.edu", "Y", "1048576000", "IT"),
		hrRecord("1002", "John", "Smith", "john@example.edu", "Y", "", "")))

	t.Run("CLIDryRunChangesNothing", func(t *testing.T) {
		out, err := s.cli("", "hrfeed", "import", first, "--dry-run")
		if err != nil || !strings.Contains(out, "2 new") || !strings.Contains(out, "dry run: nothing was changed") {
			t.Fatalf("dry run: %v\n%s", err, out)
		}
		if _, err := s.cli("", "token", "create", "--email", "jane@example.edu"); err == nil {
			t.Fatal("a dry run created an account")
		}
	})
	t.Run("CLIApply", func(t *testing.T) {
		out, err := s.cli("", "hrfeed", "import", first)
		if err != nil || !strings.Contains(out, "applied") {
			t.Fatalf("import: %v\n%s", err, out)
		}
	})
	janeToken := strings.TrimSpace(must(s.cli("", "token", "create", "--email", "jane@example.edu")))
	s.do("GET", "/v2/account/articles", janeToken, nil).want(t, 200)

	t.Run("CLIMalformedAppliesNothing", func(t *testing.T) {
		bad := file("bad.xml", hrFeed(
			hrRecord("1001", "Jane", "Renamed", "jane@example.edu", "Y", "", "IT"),
			hrRecord("1003", "Ann", "Lee", "not an email", "perhaps", "", "NOSUCH")))
		_, err := s.cli("", "hrfeed", "import", bad)
		msg := fmt.Sprint(err)
		for _, want := range []string{"line 16: record 1003: Email", "line 25: IsActive is \"perhaps\"", "line 16: no group has the association criteria \"NOSUCH\""} {
			if !strings.Contains(msg, want) {
				t.Errorf("error lacks %q:\n%s", want, msg)
			}
		}
		if _, err := s.cli("", "hrfeed", "import", file("broken.xml", "<HRFeed>\n<Record>\n</HRFeed>")); !strings.Contains(fmt.Sprint(err), "line 3: the file is not well-formed XML") {
			t.Errorf("broken XML: %v", err)
		}
	})
	t.Run("APIUpload", func(t *testing.T) {
		ct, body := multipartFeed(t, hrFeed(
			hrRecord("1001", "Jane", "Doe-Smith", "jane@example.edu", "Y", "1048576000", "IT"),
			hrRecord("1002", "John", "Smith", "john@example.edu", "N", "", "")))
		s.do("POST", "/v2/institution/hrfeed/upload", depositor, body, "Content-Type", ct).want(t, 403)
		s.do("POST", "/v2/institution/hrfeed/upload", "", body, "Content-Type", ct).want(t, 401)
		s.do("POST", "/v2/institution/hrfeed/upload", admin, "<HRFeed/>", "Content-Type", "application/xml").want(t, 400)
		var res struct {
			Message                       string
			Updated, Deactivated, Created int
		}
		s.do("POST", "/v2/institution/hrfeed/upload?dry_run=true", admin, body, "Content-Type", ct).want(t, 200).JSON(t, &res)
		if res.Updated != 1 || res.Deactivated != 1 {
			t.Fatalf("dry run: %+v", res)
		}
		johnToken := strings.TrimSpace(must(s.cli("", "token", "create", "--email", "john@example.edu")))
		s.do("POST", "/v2/institution/hrfeed/upload", admin, body, "Content-Type", ct).want(t, 200).JSON(t, &res)
		if !strings.HasPrefix(res.Message, "OK") {
			t.Fatalf("apply: %+v", res)
		}
		// A deactivated account's tokens stop working at once.
		s.do("GET", "/v2/account/articles", johnToken, nil).want(t, 401)
		s.do("GET", "/v2/account/articles", janeToken, nil).want(t, 200)
		badCT, bad := multipartFeed(t, hrFeed(hrRecord("", "", "", "x", "Y", "", "")))
		s.do("POST", "/v2/institution/hrfeed/upload?dry_run=true", admin, bad, "Content-Type", badCT).want(t, 422)
		s.do("POST", "/v2/institution/hrfeed/upload", admin, bad, "Content-Type", badCT).want(t, 422)
	})
	t.Run("DeactivatingEveryoneIsRefusedWithoutForce", func(t *testing.T) {
		empty := file("empty.xml", hrFeed())
		_, err := s.cli("", "hrfeed", "import", empty)
		if !strings.Contains(fmt.Sprint(err), "refused") {
			t.Fatalf("got %v", err)
		}
		s.do("GET", "/v2/account/articles", janeToken, nil).want(t, 200)
	})
	t.Run("AdminPages", func(t *testing.T) {
		if _, err := s.cli("a long enough passphrase\n", "user", "add", "--email", "librarian@example.edu", "--name", "Libby Rarian", "--admin", "--password-stdin"); err != nil {
			t.Fatal(err)
		}
		jar, _ := cookiejar.New(nil)
		browser := &http.Client{Jar: jar}
		res, err := browser.PostForm(s.URL+"/login", url.Values{"email": {"librarian@example.edu"}, "password": {"a long enough passphrase"}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		ct, body := multipartFeed(t, hrFeed(
			hrRecord("1001", "Jane", "Doe-Smith", "jane@example.edu", "Y", "1048576000", "IT"),
			hrRecord("1002", "John", "Smith", "john@example.edu", "Y", "", ""),
			hrRecord("1004", "Wen", "Li", "wen@example.edu", "Y", "", "IT")))
		post := func(path, ctype string, body []byte) (int, string) {
			req, _ := http.NewRequest("POST", s.URL+path, bytes.NewReader(body))
			req.Header.Set("Content-Type", ctype)
			req.Header.Set("Origin", s.URL)
			res, err := browser.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return res.StatusCode, string(b)
		}
		code, page := post("/admin/hrfeed", ct, body)
		if code != 200 || !strings.Contains(page, "1 new, 0 updated, 0 deactivated, 1 reactivated, 1 unchanged") {
			t.Fatalf("check page %d:\n%s", code, page)
		}
		m := regexp.MustCompile(`action="/admin/hrfeed/(\d+)/apply"`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no apply form:\n%s", page)
		}
		if _, err := s.cli("", "token", "create", "--email", "wen@example.edu"); err == nil {
			t.Fatal("checking a feed created an account")
		}
		code, page = post("/admin/hrfeed/"+m[1]+"/apply", "application/x-www-form-urlencoded", nil)
		if code != 200 || !strings.Contains(page, "The feed was applied") {
			t.Fatalf("apply page %d:\n%s", code, page)
		}
		if _, err := s.cli("", "token", "create", "--email", "wen@example.edu"); err != nil {
			t.Fatalf("wen has no account after applying: %v", err)
		}
		code, _ = post("/admin/hrfeed/"+m[1]+"/apply", "application/x-www-form-urlencoded", nil)
		if code != http.StatusConflict {
			t.Fatalf("applying twice: %d", code)
		}
	})
}
