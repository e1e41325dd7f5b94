package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestWorkspaceAccess sets an embargo and makes and deletes a private link
// from the depositor's edit page, as a browser posts the forms.
func TestWorkspaceAccess(t *testing.T) {
	s := startServer(t)
	const pw = "a long enough passphrase"
	if _, err := s.cli(pw+"\n", "user", "add", "--email", "dep@example.edu", "--name", "Dee Positor", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	tok := strings.TrimSpace(must(s.cli("", "token", "create", "--email", "dep@example.edu", "--name", "t")))
	item := s.createItem(t, tok, "Interview transcripts")
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	s.postLogin(browser, "dep@example.edu", pw)
	post := func(path string, form url.Values) (int, string) {
		req, _ := http.NewRequest("POST", s.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", s.URL)
		res, err := browser.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	base := fmt.Sprintf("/account/articles/%d", item)
	if code, page := post(base+"/embargo", url.Values{"embargo_type": {"file"}, "embargo_until": {"2001-01-01"}}); code != 422 || !strings.Contains(page, "must be in the future") {
		t.Fatalf("past embargo date: %d", code)
	}
	if code, page := post(base+"/embargo", url.Values{"embargo_type": {"file"}, "embargo_until": {"2099-06-30"}, "embargo_reason": {"consent"}}); code != 200 || !strings.Contains(page, `value="2099-06-30"`) {
		t.Fatalf("embargo: %d", code)
	}
	var e struct {
		IsEmbargoed bool   `json:"is_embargoed"`
		Type        string `json:"embargo_type"`
	}
	s.do("GET", "/v2"+base+"/embargo", tok, nil).want(t, 200).JSON(t, &e)
	if !e.IsEmbargoed || e.Type != "file" {
		t.Fatalf("embargo through the API: %+v", e)
	}
	code, page := post(base+"/links", url.Values{"expires": {"2099-01-01"}})
	m := regexp.MustCompile(`href="(http[^"]+/s/([0-9a-f]+))"`).FindStringSubmatch(page)
	if code != 200 || m == nil {
		t.Fatalf("link: %d, none listed", code)
	}
	s.do("GET", m[1], "", nil).want(t, 200)
	if code, _ := post(base+"/links/"+m[2]+"/delete", nil); code != 200 {
		t.Fatalf("delete link: %d", code)
	}
	s.do("GET", m[1], "", nil).want(t, 404)
}
