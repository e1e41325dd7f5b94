package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// statsConfig tells readers apart by X-Forwarded-For and leaves the
// roll-up to the test.
const statsConfig = "[auth]\naddress_header = \"X-Forwarded-For\"\n[jobs.stats-rollup]\nenabled = false\n"

// hit is one line of a synthetic access log: a client (address and user
// agent) asking for a path, with extra headers.
type hit struct {
	addr, ua, method, path string
	hdr                    []string
	status                 int
}

const (
	firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
	safari  = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15"
	chrome  = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
)

// replay sends the log's requests without following redirects (share links
// lead off-site).
func (s *testServer) replay(t *testing.T, log []hit) {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for i, h := range log {
		req, _ := http.NewRequest(h.method, s.URL+h.path, nil)
		req.Header.Set("User-Agent", h.ua)
		req.Header.Set("X-Forwarded-For", h.addr)
		for j := 0; j+1 < len(h.hdr); j += 2 {
			req.Header.Set(h.hdr[j], h.hdr[j+1])
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatalf("log line %d: %v", i+1, err)
		}
		res.Body.Close()
		if res.StatusCode != h.status {
			t.Fatalf("log line %d (%s %s by %q): status %d, want %d", i+1, h.method, h.path, h.ua, res.StatusCode, h.status)
		}
	}
}

// rollUp runs the stats-rollup job by hand, as an administrator would.
func (s *testServer) rollUp(t *testing.T) {
	t.Helper()
	if out, err := s.cli("", "jobs", "run", "stats-rollup"); err != nil {
		t.Fatalf("carrel jobs run stats-rollup: %v\n%s", err, out)
	}
}

func (s *testServer) total(t *testing.T, token, path string) int64 {
	t.Helper()
	var got struct{ Totals int64 }
	s.do("GET", path, token, nil).want(t, 200).JSON(t, &got)
	return got.Totals
}

// TestUsageStatistics replays a synthetic access log of real readers,
// robots from COUNTER's list and double clicks through the real server,
// stops it cleanly (which must write every buffered event), starts it again
// on the same data, and checks the exact counts through /stats and the
// landing page.
func TestUsageStatistics(t *testing.T) {
	dir := t.TempDir()
	s := startServerIn(t, dir, statsConfig)
	owner := s.account("owner@example.edu", false)
	admin := s.account("admin@example.edu", true)
	other := s.account("other@example.edu", false)
	a := s.createItem(t, owner, "Soil moisture")
	data := randomBytes(1000, 1)
	fileID := s.upload(t, owner, a, "soil.csv", data, nil)
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", a), owner, nil).want(t, 201)
	b := s.createItem(t, owner, "River levels")
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", b), owner, nil).want(t, 201)
	private := s.createItem(t, owner, "Unpublished notes")

	pageA := fmt.Sprintf("/articles/Soil_moisture/%d", a)
	pageB := fmt.Sprintf("/articles/River_levels/%d", b)
	file := fmt.Sprintf("/v2/file/download/%d", fileID)
	etag := `"` + sha(data) + `"`
	log := []hit{
		{"10.0.0.1", firefox, "GET", pageA, nil, 200},
		{"10.0.0.1", firefox, "GET", pageA, nil, 200}, // double click
		{"10.0.0.1", firefox, "GET", file, nil, 200},
		{"10.0.0.1", firefox, "GET", file, []string{"Range", "bytes=100-199"}, 206}, // a later range
		{"10.0.0.1", firefox, "GET", file, []string{"If-None-Match", etag}, 304},    // revalidation
		{"10.0.0.1", firefox, "HEAD", file, nil, 200},
		{"10.0.0.2", safari, "GET", pageA, nil, 200},
		{"10.0.0.2", safari, "GET", pageB, nil, 200},
		{"10.0.0.2", safari, "GET", file, []string{"Range", "bytes=0-99"}, 206}, // a first range
		{"10.0.0.2", safari, "GET", fmt.Sprintf("/share/%d/mastodon", a), nil, 303},
		{"10.0.0.3", chrome, "GET", pageA, nil, 200},
		{"10.0.0.3", chrome, "GET", pageA, nil, 200},
		{"10.0.0.3", chrome, "GET", pageA, nil, 200},
		{"10.0.0.3", chrome, "GET", fmt.Sprintf("/v2/articles/%d/download", a), nil, 200}, // the zip: a download
		{"10.0.0.4", chrome, "GET", fmt.Sprintf("/articles/x/%d", private), nil, 404},
		{"10.0.0.4", chrome, "GET", fmt.Sprintf("/share/%d/email", private), nil, 404},
		{"10.0.0.4", chrome, "GET", fmt.Sprintf("/share/%d/myspace", a), nil, 404},
	}
	for i, bot := range []string{"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		"python-requests/2.31.0", "curl/8.5.0", "", "Mozilla/5.0 (compatible; bingbot/2.0)"} {
		addr := fmt.Sprintf("10.9.0.%d", i+1)
		log = append(log, hit{addr, bot, "GET", pageA, nil, 200}, hit{addr, bot, "GET", pageB, nil, 200},
			hit{addr, bot, "GET", file, nil, 200}, hit{addr, bot, "GET", fmt.Sprintf("/share/%d/email", a), nil, 303})
	}
	s.replay(t, log)
	s.Stop() // a clean shutdown writes every buffered event

	s = startServerIn(t, dir, statsConfig)
	s.rollUp(t)
	want := map[string]int64{
		fmt.Sprintf("/stats/total/views/article/%d", a):               3,
		fmt.Sprintf("/stats/total/downloads/article/%d", a):           3,
		fmt.Sprintf("/stats/total/shares/article/%d", a):              1,
		fmt.Sprintf("/stats/total/views/article/%d", b):               1,
		fmt.Sprintf("/stats/total/downloads/article/%d", b):           0,
		fmt.Sprintf("/stats/total/downloads/article/%d?version=1", a): 3,
	}
	for path, n := range want {
		if got := s.total(t, "", path); got != n {
			t.Errorf("%s = %d, want %d", path, got, n)
		}
	}
	t.Run("Aggregates", func(t *testing.T) {
		var item struct {
			Authors []struct{ ID int64 }
		}
		s.do("GET", fmt.Sprintf("/v2/articles/%d", a), "", nil).want(t, 200).JSON(t, &item)
		if got := s.total(t, "", fmt.Sprintf("/stats/total/views/author/%d", item.Authors[0].ID)); got != 4 {
			t.Errorf("author views = %d, want 4 (both items)", got)
		}
		if got := s.total(t, admin, "/stats/institution/total/views/institution/1"); got != 4 {
			t.Errorf("institution views = %d, want 4", got)
		}
		if got := s.total(t, admin, "/stats/total/views/group/1"); got != 0 {
			t.Errorf("group 1 views = %d, want 0 (the items are in no group)", got)
		}
		var c struct {
			EntityID int64 `json:"entity_id"`
		}
		s.do("POST", "/v2/account/collections", owner, map[string]any{"title": "Hydrology set", "articles": []int64{a, b}}).want(t, 201).JSON(t, &c)
		colPath := fmt.Sprintf("/stats/total/views/collection/%d", c.EntityID)
		s.do("GET", colPath, other, nil).want(t, 404) // a draft collection is not there for others
		if got := s.total(t, owner, colPath); got != 4 {
			t.Errorf("collection views = %d, want 4 (both items)", got)
		}
		var pr struct {
			EntityID int64 `json:"entity_id"`
		}
		s.do("POST", "/v2/account/projects", owner, map[string]any{"title": "Catchment study"}).want(t, 201).JSON(t, &pr)
		s.do("GET", fmt.Sprintf("/stats/total/downloads/project/%d", pr.EntityID), other, nil).want(t, 404)
		if got := s.total(t, owner, fmt.Sprintf("/stats/total/downloads/project/%d", pr.EntityID)); got != 0 {
			t.Errorf("project downloads = %d, want 0", got)
		}
		today := time.Now().UTC().Format(time.DateOnly)
		r := s.do("GET", fmt.Sprintf("/stats/timeline/day/views/article/%d", a), "", nil).want(t, 200)
		if got, want := string(r.Body), `{"timeline":{"`+today+`":3}}`; strings.TrimSpace(got) != want {
			t.Errorf("timeline = %s, want %s", got, want)
		}
		r = s.do("GET", fmt.Sprintf("/stats/breakdown/total/views/article/%d", a), "", nil).want(t, 200)
		if got, want := strings.TrimSpace(string(r.Body)), `{"breakdown":{"total":{"Unknown":{"total":3}}}}`; got != want {
			t.Errorf("breakdown = %s, want %s", got, want)
		}
		r = s.do("GET", "/stats/top/views/article", "", nil).want(t, 200)
		if got, want := strings.TrimSpace(string(r.Body)), fmt.Sprintf(`{"top":{"%d":3,"%d":1}}`, a, b); got != want {
			t.Errorf("top = %s, want %s", got, want)
		}
	})
	t.Run("LandingPage", func(t *testing.T) {
		page := string(s.do("GET", pageA, "", nil).want(t, 200).Body)
		for _, want := range []string{"<strong>3</strong> views", "<strong>3</strong> downloads", "<strong>1</strong> share<",
			`role="img"`, "<title id=\"usage-title\">", "<th scope=\"row\">"} {
			if !strings.Contains(page, want) {
				t.Errorf("landing page lacks %q", want)
			}
		}
	})
	t.Run("CounterReport", func(t *testing.T) { checkCounterReport(t, s, a, b) })
	t.Run("Access", func(t *testing.T) {
		priv := fmt.Sprintf("/stats/total/views/article/%d", private)
		s.do("GET", priv, "", nil).want(t, 404)
		s.do("GET", priv, other, nil).want(t, 404)
		s.do("GET", priv, owner, nil).want(t, 200)
		s.do("GET", "/stats/total/views/group/1", "", nil).want(t, 401)
		s.do("GET", "/stats/total/views/group/1", other, nil).want(t, 403)
		s.do("GET", "/stats/institution/top/views/article", other, nil).want(t, 403)
		s.do("GET", "/stats/institution/top/views/article", admin, nil).want(t, 200)
		s.do("GET", "/stats/elsewhere/total/views/article/1", admin, nil).want(t, 404)
		reporter := s.account("reporter@example.edu", false)
		if _, err := s.cli("", "user", "role", "reporter@example.edu", "reporter"); err != nil {
			t.Fatal(err)
		}
		if got := s.total(t, reporter, "/stats/institution/total/views/institution/1"); got != 4 {
			t.Errorf("institution views for a reporter = %d, want 4", got)
		}
	})
	t.Run("BadInput", func(t *testing.T) {
		for path, status := range map[string]int{
			"/stats/total/hugs/article/1":                                                   400,
			"/stats/total/views/planet/1":                                                   400,
			"/stats/total/views/article/abc":                                                400,
			"/stats/timeline/week/views/article/1":                                          400,
			"/stats/timeline/day/views/article/1?start_date=2024-13-01":                     400,
			"/stats/timeline/day/views/article/1?start_date=2025-02-01&end_date=2025-01-01": 422,
			"/stats/timeline/day/views/article/1?start_date=1900-01-01&end_date=2025-01-01": 422,
			"/stats/top/views/article?count=0":                                              400,
			"/stats/top/views/article?sub_item=category":                                    400,
			"/stats/total/views/author/1?version=2":                                         400,
			"/stats/totals/views/article/1":                                                 404,
			"/stats/total/views/article":                                                    404,
		} {
			if got := s.do("GET", path, "", nil).Status; got != status {
				t.Errorf("%s: status %d, want %d", path, got, status)
			}
		}
	})
}

// TestUsageVisibleWithinAMinute lets the scheduled stats-rollup job (here
// every second instead of every minute) bring a download into the counts.
func TestUsageVisibleWithinAMinute(t *testing.T) {
	s := startServerWith(t, "[jobs.stats-rollup]\nschedule = \"@every 1s\"\n")
	tok := s.account("owner@example.edu", false)
	item := s.createItem(t, tok, "Tide tables")
	fileID := s.upload(t, tok, item, "tides.csv", []byte("t,h\n1,2\n"), nil)
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", item), tok, nil).want(t, 201)
	s.do("GET", fmt.Sprintf("/v2/file/download/%d", fileID), "", nil, "User-Agent", firefox).want(t, 200)
	path := fmt.Sprintf("/stats/total/downloads/article/%d", item)
	for deadline := time.Now().Add(30 * time.Second); s.total(t, "", path) != 1; time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the download was not counted within 30 s")
		}
	}
}
