package main

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestSearchPage drives the public search page, the author pages and the
// group pages over HTTP against the real index: facets and filters, sort,
// highlighted snippets that stay inert, and nothing of a draft anywhere.
func TestSearchPage(t *testing.T) {
	s := startServer(t)
	faculty := groupAdd(t, s, "Faculty of Science", 0)
	physics := groupAdd(t, s, "Physics", faculty)
	tok := s.account("ada@example.edu", false)
	must(s.cli("", "user", "role", "ada@example.edu", "depositor", "--group", fmt.Sprint(physics)))

	publish := func(md map[string]any) int64 {
		t.Helper()
		var created struct {
			EntityID int64 `json:"entity_id"`
		}
		s.do("POST", "/v2/account/articles", tok, md).want(t, 201).JSON(t, &created)
		s.upload(t, tok, created.EntityID, "data.csv", []byte("a,b\n1,2\n"), nil)
		s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", created.EntityID), tok, nil).want(t, 201)
		return created.EntityID
	}
	melt := publish(map[string]any{"title": "Glacier melt rates", "description": "<p>Daily glacier melt in the Alps.</p>",
		"defined_type": "dataset", "license": 1, "group_id": physics, "keywords": []string{"glacier", "melt"},
		"authors": []map[string]string{{"name": "Ada Lovelace", "orcid_id": "0000-0002-1825-0097"}}, "categories": []int{3001}})
	publish(map[string]any{"title": "Glacier ice cores", "description": "<p>Cores <script>alert(1)</script> from a glacier.</p>",
		"defined_type": "software", "license": 1, "keywords": []string{"glacier", "ice"},
		"authors": []map[string]string{{"name": "Grace Hopper"}}, "categories": []int{3001}})
	var draft struct {
		EntityID int64 `json:"entity_id"`
	}
	s.do("POST", "/v2/account/articles", tok, map[string]any{"title": "Glacier secrets", "defined_type": "dataset",
		"keywords": []string{"glacier", "classified"}, "authors": []map[string]string{{"name": "Hidden Person"}}}).
		want(t, 201).JSON(t, &draft)

	page := func(path string, status int) string {
		t.Helper()
		return string(s.do("GET", path, "", nil).want(t, status).Body)
	}
	has := func(body, what string, want bool) {
		t.Helper()
		if strings.Contains(body, what) != want {
			t.Fatalf("page has %q: %v, want %v\n%.3000s", what, !want, want, body)
		}
	}

	all := page("/search?q=glacier", 200)
	has(all, "of 2 results", true)
	has(all, "<mark>glacier</mark>", true)
	has(all, "<script>alert", false)
	has(all, "classified", false)
	has(all, "Glacier secrets", false)
	has(all, `href="/search?keyword=ice&amp;q=glacier"`, true)
	has(all, ">Physics</a>", true)

	narrowed := page("/search?q=glacier&keyword=ice", 200)
	has(narrowed, "of 1 results", true)
	has(narrowed, "Glacier ice cores", true)
	has(narrowed, `aria-label="Remove filter Keyword: ice"`, true)
	has(narrowed, `<input type="hidden" name="keyword" value="ice">`, true)
	has(page("/search?keyword=classified", 200), "No results", true)
	has(page(fmt.Sprintf("/search?group=%d&item_type=3", physics), 200), "of 1 results", true)

	byTitle := page("/search?q=glacier&sort=title", 200)
	if strings.Index(byTitle, "Glacier ice cores") > strings.Index(byTitle, "Glacier melt rates") {
		t.Fatal("sort=title does not put “Glacier ice cores” first")
	}
	has(page("/search?q=glacier&sort=colour", 200), "Unknown sort order", true)
	tooMany := "/search?" + url.Values{"keyword": strings.Fields("a b c d e f g h i j k l m n o p q r s t u")}.Encode()
	has(page(tooMany, 400), "at most 20 filters", true)
	has(page(`/search?q="unbalanced`, 400), "unbalanced quote", true)

	// Browsing everything lists, newest first, only what the public may
	// find: not items under an embargo of the whole item, nor confidential
	// ones, though both are published.
	hidden := publish(map[string]any{"title": "Glacier embargoed", "defined_type": "dataset", "license": 1, "categories": []int{3001}, "authors": []map[string]string{{"name": "Ann Other"}}})
	s.do("PUT", fmt.Sprintf("/v2/account/articles/%d/embargo", hidden), tok, map[string]any{
		"is_embargoed": true, "embargo_type": "article", "embargo_date": "2099-01-01", "embargo_reason": "patent"}).want(t, 205)
	hidden = publish(map[string]any{"title": "Glacier confidential", "defined_type": "dataset", "license": 1, "categories": []int{3001}, "authors": []map[string]string{{"name": "Ann Other"}}})
	s.do("PUT", fmt.Sprintf("/v2/account/articles/%d/confidentiality", hidden), tok, map[string]string{"reason": "interviews"}).want(t, 205)
	browse := page("/search", 200)
	has(browse, "of 2 results", true)
	has(browse, "Glacier embargoed", false)
	has(browse, "Glacier confidential", false)
	if strings.Index(browse, "Glacier ice cores") > strings.Index(browse, "Glacier melt rates") {
		t.Fatal("browsing does not put the newest item first")
	}
	has(page("/search?sort=oldest", 200), "of 2 results", true)

	// The landing page links its authors, keywords and group.
	landing := page(fmt.Sprintf("/articles/Glacier_melt_rates/%d", melt), 200)
	has(landing, `href="/search?keyword=melt"`, true)
	has(landing, fmt.Sprintf(`href="/groups/Physics/%d"`, physics), true)
	authorPath := regexp.MustCompile(`href="(/authors/Ada_Lovelace/\d+)"`).FindStringSubmatch(landing)
	if authorPath == nil {
		t.Fatalf("landing page does not link its author:\n%.3000s", landing)
	}
	author := page(authorPath[1], 200)
	has(author, "Glacier melt rates", true)
	has(author, "Glacier ice cores", false)
	has(author, "orcid.org/0000-0002-1825-0097", true)

	// An author named only on a draft has no page; nor has an unknown one.
	var authors []struct {
		ID int64 `json:"id"`
	}
	s.do("GET", fmt.Sprintf("/v2/account/articles/%d/authors", draft.EntityID), tok, nil).want(t, 200).JSON(t, &authors)
	if len(authors) != 1 || authors[0].ID == 0 {
		t.Fatalf("draft authors: %+v", authors)
	}
	has(page(fmt.Sprintf("/authors/Hidden_Person/%d", authors[0].ID), 404), "Hidden Person", false)
	page("/authors/Nobody/999999", 404)
	page("/authors/Nobody/0", 404)

	// Group pages list their subtree's public items and link subgroups.
	fac := page(fmt.Sprintf("/groups/Faculty_of_Science/%d", faculty), 200)
	has(fac, "Glacier melt rates", true)
	has(fac, "Glacier ice cores", false)
	has(fac, fmt.Sprintf(`href="/groups/Physics/%d"`, physics), true)
	has(page(fmt.Sprintf("/groups/Physics/%d", physics), 200), `href="/groups/Faculty_of_Science/`, true)
	page("/groups/Nothing/999999", 404)

	// A wrong slug redirects to the canonical path.
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noFollow.Get(s.URL + fmt.Sprintf("/groups/old-name/%d", physics))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != fmt.Sprintf("/groups/Physics/%d", physics) {
		t.Fatalf("wrong slug: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
}

// groupAdd creates a group with the CLI and returns its id.
func groupAdd(t *testing.T, s *testServer, name string, parent int64) int64 {
	t.Helper()
	out, err := s.cli("", "group", "add", "--name", name, "--parent", fmt.Sprint(parent))
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	if _, err := fmt.Sscanf(strings.TrimPrefix(out, "created group "), "%d", &id); err != nil {
		t.Fatalf("group add said %q", out)
	}
	return id
}
