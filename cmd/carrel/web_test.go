package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestWholeSite drives the wired binary across its HTTP packages: the web
// pages, OAI-PMH, and the API used with a browser session, as the web
// uploader uses it.
func TestWholeSite(t *testing.T) {
	s := startServer(t)
	tok := s.account("ada@example.edu", false)
	if _, err := s.cli("a long enough passphrase\n", "user", "add", "--email", "web@example.edu", "--name", "Web User", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	item := s.createItem(t, tok, "Tidal gauge series")
	s.upload(t, tok, item, "tides.csv", []byte("t,h\n1,2\n"), nil)
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", item), tok, nil).want(t, 201)

	home := s.do("GET", "/", "", nil).want(t, 200)
	if !strings.Contains(string(home.Body), "Tidal gauge series") {
		t.Fatal("home page does not list the published item")
	}
	page := s.do("GET", fmt.Sprintf("/articles/Tidal_gauge_series/%d", item), "", nil).want(t, 200)
	if !strings.Contains(string(page.Body), `name="citation_title" content="Tidal gauge series"`) {
		t.Fatal("landing page lacks citation_title")
	}
	s.do("GET", "/search?q=tidal", "", nil).want(t, 200)
	s.do("GET", "/no/such/page", "", nil).want(t, 404)
	oai := s.do("GET", "/v2/oai?verb=ListRecords&metadataPrefix=oai_dc", "", nil).want(t, 200)
	if !strings.Contains(string(oai.Body), fmt.Sprintf("article/%d</identifier>", item)) {
		t.Fatalf("OAI-PMH does not list the item: %.500s", oai.Body)
	}
	s.do("GET", "/oai?verb=Identify", "", nil).want(t, 200)

	// A browser signs in, then uses the API with its cookie.
	browser := s.signIn(t, "web@example.edu", "a long enough passphrase")
	post := func(origin string) int {
		req, _ := http.NewRequest("POST", s.URL+"/v2/account/articles", strings.NewReader(`{"title":"From the browser"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", origin)
		req.Header.Set("Sec-Fetch-Site", map[bool]string{true: "same-origin", false: "cross-site"}[origin == s.URL])
		res, err := browser.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := post(s.URL); got != 201 {
		t.Fatalf("same-origin API call with a session: %d, want 201", got)
	}
	if got := post("https://evil.example"); got != 403 {
		t.Fatalf("cross-site API call with a session: %d, want 403", got)
	}
	res, err := http.Get(s.URL + "/v2/account/articles")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 401 {
		t.Fatalf("API without cookie or token: %d", res.StatusCode)
	}
}
