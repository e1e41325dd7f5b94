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

// The authorization matrix: every route that shows an item, for every kind
// of actor, for every item state, through the real server over HTTP. Each
// expectation is one letter per actor, in matrixActors order:
//
//	y  allowed: the response carries the item's description (or file bytes)
//	s  200 without the marker: only the embargo notice, or the published
//	   version while a new one awaits review
//	d  OAI-PMH: a deleted header, no metadata
//	f  OAI-PMH: metadata with the files (y: metadata without them; s: a
//	   record without the marker, e.g. the published version while the
//	   next one, with a new marker, awaits review)
//	n  denied: 404 (never 403, so ids do not leak), or absent from results
//
// To add a route, add a matrixProbe; to add a state, add a matrixState with
// a letter string for every probe. A missing expectation fails the test.
var matrixActors = []string{"anonymous", "owner", "other depositor", "reviewer of the group",
	"reviewer of another group", "group admin", "administrator", "private-link holder"}

const linkHolder = 7 // index of the private-link holder in matrixActors

// matrixItem is one item in one state, with a file and a private link.
type matrixItem struct {
	id, file     int64
	marker, mark string // marker is in the description, mark in the file
	link         string // private-link token
	review       int64  // the item's review (curation) id, once submitted
}

// matrixEnv is the running server and one HTTP client per actor: a browser
// signed in with a session cookie (used for the API and the pages alike).
type matrixEnv struct {
	s       *testServer
	clients []*http.Client
	owner   string // the owner's API token, for setting up items
	admin   string
}

type matrixProbe struct {
	name string
	// probe answers one letter for actor a (an index into matrixActors).
	probe func(t *testing.T, e *matrixEnv, a int, it *matrixItem) byte
}

type matrixState struct {
	name  string
	setup func(t *testing.T, e *matrixEnv, it *matrixItem)
	want  map[string]string // probe name -> one letter per actor
}

func TestAuthorizationMatrix(t *testing.T) {
	e := newMatrixEnv(t)
	for _, st := range matrixStates() {
		t.Run(st.name, func(t *testing.T) {
			it := e.newItem(t, st.name)
			st.setup(t, e, it)
			for _, p := range matrixProbes() {
				want, ok := st.want[p.name]
				if !ok || len(want) != len(matrixActors) {
					t.Errorf("state %q has no expectation of %d letters for probe %q", st.name, len(matrixActors), p.name)
					continue
				}
				got := make([]byte, len(matrixActors))
				for a := range matrixActors {
					got[a] = p.probe(t, e, a, it)
				}
				for a := range matrixActors {
					if got[a] != want[a] {
						t.Errorf("%s × %s × %s: got %c, want %c (all: got %s, want %s)", st.name, p.name, matrixActors[a], got[a], want[a], got, want)
					}
				}
			}
		})
	}
}

func newMatrixEnv(t *testing.T) *matrixEnv {
	s := startServer(t)
	e := &matrixEnv{s: s}
	for _, args := range [][]string{
		{"group", "add", "--name", "University"},
		{"group", "add", "--name", "Faculty of Science", "--parent", "1"},
		{"group", "add", "--name", "Physics", "--parent", "2"},
		{"group", "add", "--name", "Faculty of Arts", "--parent", "1"},
	} {
		if _, err := s.cli("", args...); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	roles := [][]string{nil, {"depositor", "3"}, nil, {"reviewer", "2"}, {"reviewer", "4"}, {"group_admin", "2"}, nil, nil}
	for a, name := range matrixActors {
		if a == 0 || a == linkHolder {
			e.clients = append(e.clients, &http.Client{})
			continue
		}
		email := fmt.Sprintf("actor%d@example.edu", a)
		args := []string{"user", "add", "--email", email, "--name", "Matrix " + name, "--password-stdin"}
		if name == "administrator" {
			args = append(args, "--admin")
		}
		if _, err := s.cli("a long enough passphrase\n", args...); err != nil {
			t.Fatal(err)
		}
		if r := roles[a]; r != nil {
			if _, err := s.cli("", "user", "role", email, r[0], "--group", r[1]); err != nil {
				t.Fatal(err)
			}
		}
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar}
		res, err := c.PostForm(s.URL+"/login", url.Values{"email": {email}, "password": {"a long enough passphrase"}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 || len(jar.Cookies(res.Request.URL)) == 0 {
			t.Fatalf("sign-in of %s: status %d", name, res.StatusCode)
		}
		e.clients = append(e.clients, c)
		tok, err := s.cli("", "token", "create", "--email", email)
		if err != nil {
			t.Fatal(err)
		}
		switch name {
		case "owner":
			e.owner = strings.TrimSpace(tok)
		case "administrator":
			e.admin = strings.TrimSpace(tok)
		}
	}
	return e
}

// newItem makes a draft in the Physics group with a file and a private link.
func (e *matrixEnv) newItem(t *testing.T, state string) *matrixItem {
	slug := strings.NewReplacer(" ", "", ",", "", "-", "").Replace(state)
	it := &matrixItem{marker: "descmark" + slug, mark: "filemark" + slug}
	var created struct {
		EntityID int64 `json:"entity_id"`
	}
	e.s.t = t
	e.s.do("POST", "/v2/account/articles", e.owner, map[string]any{
		"title": "Matrix item " + state, "description": "<p>About " + it.marker + ".</p>", "defined_type": "dataset",
		"license": 1, "authors": []map[string]string{{"name": "Ada Lovelace"}}, "categories": []int{3001}, "group_id": 3,
	}).want(t, 201).JSON(t, &created)
	it.id = created.EntityID
	it.file = e.s.upload(t, e.owner, it.id, "data.txt", []byte("value "+it.mark+"\n"), nil)
	var link struct{ Token string }
	e.s.do("POST", fmt.Sprintf("/v2/account/articles/%d/private_links", it.id), e.owner, map[string]any{}).want(t, 201).JSON(t, &link)
	it.link = link.Token
	return it
}

func (e *matrixEnv) publish(t *testing.T, it *matrixItem) {
	e.s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", it.id), e.owner, nil).want(t, 201)
}

// submit turns review on for the item's faculty, submits the item's draft
// for review, and turns review off again (so the other states publish).
func (e *matrixEnv) submit(t *testing.T, it *matrixItem) {
	must(e.s.cli("", "group", "review", "2", "on"))
	var loc struct{ Location string }
	e.s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", it.id), e.owner, nil).want(t, 202).JSON(t, &loc)
	fmt.Sscanf(loc.Location[strings.LastIndex(loc.Location, "/")+1:], "%d", &it.review)
	must(e.s.cli("", "group", "review", "2", "off"))
}

func (e *matrixEnv) embargo(t *testing.T, it *matrixItem, typ, date string) {
	e.s.do("PUT", fmt.Sprintf("/v2/account/articles/%d/embargo", it.id), e.owner, map[string]any{
		"is_embargoed": true, "embargo_type": typ, "embargo_date": date, "embargo_reason": "patent pending"}).want(t, 205)
}

// get fetches path as actor a; it follows redirects (landing-page slugs).
func (e *matrixEnv) get(t *testing.T, a int, method, path string, body string) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, e.s.URL+path, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := e.clients[a].Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// letter turns a response into y, s or n, failing on any status that is
// neither an allowance nor a 404 (a 403 would leak that the item exists).
func letter(t *testing.T, what string, status int, body, marker string, allowed ...int) byte {
	t.Helper()
	for _, ok := range allowed {
		if status == ok {
			if strings.Contains(body, marker) {
				return 'y'
			}
			return 's'
		}
	}
	if status != 404 && !(status == 401 && strings.Contains(what, "/v2/account/")) {
		t.Errorf("%s: status %d: a refusal must be 404: %.200s", what, status, body)
	}
	return 'n'
}

func matrixProbes() []matrixProbe {
	return []matrixProbe{
		{"api metadata", func(t *testing.T, e *matrixEnv, a int, it *matrixItem) byte {
			path := fmt.Sprintf("/v2/articles/%d", it.id)
			st, body := e.get(t, a, "GET", path, "")
			return letter(t, path, st, body, it.marker, 200)
		}},
		{"api version", func(t *testing.T, e *matrixEnv, a int, it *matrixItem) byte {
			path := fmt.Sprintf("/v2/articles/%d/versions/1", it.id)
			st, body := e.get(t, a, "GET", path, "")
			return letter(t, path, st, body, it.marker, 200)
		}},
		{"api file list", func(t *testing.T, e *matrixEnv, a int, it *matrixItem) byte {
			path := fmt.Sprintf("/v2/articles/%d/files", it.id)
			st, body := e.get(t, a, "GET", path, "")
			return letter(t, path, st, body, "data.txt", 200)
		}},
		{"api download", func(t *testing.T, e *matrixEnv, a int, it *matrixItem) byte {
			path := fmt.Sprintf("/v2/file/download/%d", it.file)
			st, body := e.get(t, a, "GET", path, "")
			return letter(t, path, st, body, it.mark, 200)
		}},
		{"api zip", func(t *testing.T, e *matrixEnv, a int, it *matrixItem) byte {
			path := fmt.Sprintf("/v2/articles/%d/download", it.id)
			st, body := e.get(t, a, "GET", path, "")
			return letter(t, path, st, body, it.mark, 200)
		}},
		{"api private record", func(t *testing.T, e *matrixEnv, a int, it *matrixItem) byte {
			path := fmt.Sprintf("/v2/account/articles/%d", it.id)
			st, body := e.get(t, a, "GET", path, "")
			return letter(t, path, st, body, it.marker, 200)
		}},
		{"api search", func(t *testing.T, e *matrixEnv, a int, it *matrixItem) byte {
			st, body := e.get(t, a, "POST", "/v2/articles/search", `{"search_for":"`+it.marker+`"}`)
			if st != 200 {
				t.Fatalf("search: %d %s", st, body)
			}
			if strings.Contains(body, fmt.Sprintf(`"id":%d,`, it.id)) {
				return 'y'
			}
			return 'n'
		}},
		{"web landing page", func(t *testing.T, e *matrixEnv, a int, it *matrixItem) byte {
			path := fmt.Sprintf("/articles/x/%d", it.id)
			if a == linkHolder {
				path = "/s/" + it.link
			}
			st, body := e.get(t, a, "GET", path, "")
			return letter(t, path, st, body, it.marker, 200, 410)
		}},
		{"web file", func(t *testing.T, e *matrixEnv, a int, it *matrixItem) byte {
			path := fmt.Sprintf("/preview/%d", it.file)
			if a == linkHolder {
				path = fmt.Sprintf("/s/%s/files/%d", it.link, it.file)
			}
			st, body := e.get(t, a, "GET", path, "")
			return letter(t, path, st, body, it.mark, 200)
		}},
		{"web citation", func(t *testing.T, e *matrixEnv, a int, it *matrixItem) byte {
			path := fmt.Sprintf("/articles/x/%d/versions/1/citation/bibtex", it.id)
			st, body := e.get(t, a, "GET", path, "")
			return letter(t, path, st, body, "Matrix item", 200)
		}},
		{"api review", func(t *testing.T, e *matrixEnv, a int, it *matrixItem) byte {
			path := fmt.Sprintf("/v2/account/institution/review/%d", it.review)
			st, body := e.get(t, a, "GET", path, "")
			return letter(t, path, st, body, it.marker, 200)
		}},
		{"web review page", func(t *testing.T, e *matrixEnv, a int, it *matrixItem) byte {
			path := fmt.Sprintf("/admin/reviews/%d", it.review)
			st, body := e.get(t, a, "GET", path, "")
			if st == 200 && strings.Contains(body, `action="/login"`) {
				return 'n' // the sign-in page: anonymous
			}
			return letter(t, path, st, body, it.marker, 200)
		}},
		{"web curation", func(t *testing.T, e *matrixEnv, a int, it *matrixItem) byte {
			// The administrators' item page: no redirect is followed, so
			// that an anonymous visitor's way to the sign-in page counts
			// as a refusal.
			path := fmt.Sprintf("/admin/items/%d", it.id)
			c := *e.clients[a]
			c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			res, err := c.Get(e.s.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			if res.StatusCode == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/login") {
				return 'n'
			}
			b, _ := io.ReadAll(res.Body)
			return letter(t, path, res.StatusCode, string(b), "Matrix item", 200)
		}},
		{"oai record", func(t *testing.T, e *matrixEnv, a int, it *matrixItem) byte {
			st, body := e.get(t, a, "GET", fmt.Sprintf("/oai?verb=GetRecord&metadataPrefix=datacite&identifier=oai:127.0.0.1:article/%d", it.id), "")
			switch {
			case st != 200:
				t.Fatalf("oai: %d", st)
			case strings.Contains(body, `status="deleted"`):
				return 'd'
			case strings.Contains(body, "idDoesNotExist"):
				return 'n'
			case strings.Contains(body, it.marker) && strings.Contains(body, "1 files"):
				return 'f' // metadata and the files
			case strings.Contains(body, it.marker):
				return 'y' // metadata only
			case strings.Contains(body, "<metadata>"):
				return 's' // a record, without the marker (an older version's)
			}
			t.Errorf("oai record of %d: %.300s", it.id, body)
			return '?'
		}},
	}
}
