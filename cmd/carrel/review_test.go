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

// reviewGroups sets up a faculty that reviews before publication with a
// department below it (which inherits review), and another group.
func reviewGroups(t *testing.T, s *testServer) (faculty, dept, other int64) {
	t.Helper()
	id := func(name string, parent int64) int64 {
		out, err := s.cli("", "group", "add", "--name", name, "--parent", fmt.Sprint(parent))
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		fmt.Sscanf(strings.TrimPrefix(out, "created group "), "%d", &n)
		return n
	}
	faculty = id("Faculty of Science", 0)
	dept = id("Physics", faculty)
	other = id("Faculty of Arts", 0)
	must(s.cli("", "group", "review", fmt.Sprint(faculty), "on"))
	return faculty, dept, other
}

// TestReviewWorkflow runs a review through the API as a depositor and two
// reviewers would: submit (publish becomes a submission), queue, comment
// thread, decline, fix, resubmit, an approval refused because the draft
// changed after it was read, approval, public.
func TestReviewWorkflow(t *testing.T) {
	s := startServer(t)
	_, dept, other := reviewGroups(t, s)
	depositor := s.account("dep@example.edu", false)
	reviewer := s.account("rev@example.edu", false)
	outsider := s.account("arts-rev@example.edu", false)
	must(s.cli("", "user", "role", "dep@example.edu", "depositor", "--group", fmt.Sprint(dept)))
	must(s.cli("", "user", "role", "rev@example.edu", "reviewer", "--group", fmt.Sprint(dept)))
	must(s.cli("", "user", "role", "arts-rev@example.edu", "reviewer", "--group", fmt.Sprint(other)))

	var created struct {
		EntityID int64 `json:"entity_id"`
	}
	s.do("POST", "/v2/account/articles", depositor, map[string]any{"title": "Muon lifetimes", "defined_type": "dataset", "license": 1,
		"authors": []map[string]string{{"name": "Ada Lovelace"}}, "categories": []int{3001}, "group_id": dept}).want(t, 201).JSON(t, &created)
	item := created.EntityID
	s.upload(t, depositor, item, "muons.csv", []byte("run,tau\n1,2.19\n"), nil)

	submit := func() int64 {
		t.Helper()
		var loc struct{ Location string }
		s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", item), depositor, nil).want(t, 202).JSON(t, &loc)
		var id int64
		fmt.Sscanf(loc.Location[strings.LastIndex(loc.Location, "/")+1:], "%d", &id)
		return id
	}
	review := submit()
	path := fmt.Sprintf("/v2/account/institution/review/%d", review)
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", item), depositor, nil).want(t, 409)
	s.do("GET", fmt.Sprintf("/v2/articles/%d", item), "", nil).want(t, 404)

	t.Run("QueueShowsOnlyTheGroupsReviewed", func(t *testing.T) {
		var q []struct {
			ID        int64
			ArticleID int64 `json:"article_id"`
			Status    string
		}
		s.do("GET", "/v2/account/institution/reviews?status=pending", reviewer, nil).want(t, 200).JSON(t, &q)
		if len(q) != 1 || q[0].ArticleID != item {
			t.Fatalf("reviewer's queue: %+v", q)
		}
		s.do("GET", "/v2/account/institution/reviews", outsider, nil).want(t, 200).JSON(t, &q)
		if len(q) != 0 {
			t.Fatalf("another group's reviewer sees %+v", q)
		}
		s.do("GET", path, outsider, nil).want(t, 404)
		s.do("POST", path+"/comments", outsider, map[string]string{"text": "hi"}).want(t, 404)
		s.do("GET", "/v2/account/institution/reviews", depositor, nil).want(t, 403)
	})
	t.Run("ThreadAndDecline", func(t *testing.T) {
		s.do("POST", path+"/assign", reviewer, map[string]any{}).want(t, 204)
		s.do("POST", path+"/comments", reviewer, map[string]string{"text": "Which detector?"}).want(t, 200)
		s.do("POST", path+"/comments", depositor, map[string]string{"text": "The 2019 scintillator."}).want(t, 200)
		var cs []struct{ Text, Type string }
		s.do("GET", path+"/comments", depositor, nil).want(t, 200).JSON(t, &cs)
		if len(cs) != 2 || cs[1].Text != "The 2019 scintillator." {
			t.Fatalf("thread %+v", cs)
		}
		s.do("POST", path+"/approve", depositor, map[string]string{"draft_hash": "x"}).want(t, 403)
		s.do("POST", path+"/decline", reviewer, map[string]string{"reason": ""}).want(t, 422)
		s.do("POST", path+"/decline", reviewer, map[string]string{"reason": "Name the detector in the description."}).want(t, 204)
		s.do("POST", path+"/comments", depositor, map[string]string{"text": "late"}).want(t, 409)
		var a struct {
			CurationStatus string `json:"curation_status"`
		}
		s.do("GET", fmt.Sprintf("/v2/account/articles/%d", item), depositor, nil).want(t, 200).JSON(t, &a)
		if a.CurationStatus != "rejected" {
			t.Fatalf("after decline: %+v", a)
		}
	})
	t.Run("ApproveOnlyWhatWasRead", func(t *testing.T) {
		s.do("PUT", fmt.Sprintf("/v2/account/articles/%d", item), depositor, map[string]string{"description": "Measured with the 2019 scintillator."}).want(t, 205)
		review = submit()
		path = fmt.Sprintf("/v2/account/institution/review/%d", review)
		var rv struct {
			DraftHash     string `json:"draft_hash"`
			RequestNumber int    `json:"request_number"`
			Item          struct{ Title string }
		}
		s.do("GET", path, reviewer, nil).want(t, 200).JSON(t, &rv)
		if rv.RequestNumber != 2 || rv.DraftHash == "" || rv.Item.Title != "Muon lifetimes" {
			t.Fatalf("review: %+v", rv)
		}
		s.do("PUT", fmt.Sprintf("/v2/account/articles/%d", item), depositor, map[string]string{"title": "Muon lifetimes, 2019"}).want(t, 205)
		res := s.do("POST", path+"/approve", reviewer, map[string]string{"draft_hash": rv.DraftHash}).want(t, 409)
		if !strings.Contains(string(res.Body), "title") {
			t.Fatalf("the conflict does not say what changed: %s", res.Body)
		}
		s.do("GET", fmt.Sprintf("/v2/articles/%d", item), "", nil).want(t, 404)
		s.do("GET", path, reviewer, nil).want(t, 200).JSON(t, &rv)
		s.do("POST", path+"/approve", reviewer, map[string]string{"draft_hash": rv.DraftHash, "comment": "Thanks."}).want(t, 201)
		var pub struct{ Title string }
		s.do("GET", fmt.Sprintf("/v2/articles/%d", item), "", nil).want(t, 200).JSON(t, &pub)
		if pub.Title != "Muon lifetimes, 2019" {
			t.Fatalf("published %+v", pub)
		}
	})
	t.Run("ReviewerPages", func(t *testing.T) {
		if _, err := s.cli("a long enough passphrase\n", "user", "add", "--email", "webrev@example.edu", "--name", "Web Reviewer", "--password-stdin"); err != nil {
			t.Fatal(err)
		}
		must(s.cli("", "user", "role", "webrev@example.edu", "reviewer", "--group", fmt.Sprint(dept)))
		jar, _ := cookiejar.New(nil)
		browser := &http.Client{Jar: jar}
		res, err := browser.PostForm(s.URL+"/login", url.Values{"email": {"webrev@example.edu"}, "password": {"a long enough passphrase"}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		get := func(p string) (int, string) {
			res, err := browser.Get(s.URL + p)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return res.StatusCode, string(b)
		}
		code, page := get("/admin/reviews?status=approved")
		if code != 200 || !strings.Contains(page, "Muon lifetimes, 2019") {
			t.Fatalf("queue page %d:\n%s", code, page)
		}
		code, page = get(fmt.Sprintf("/admin/reviews/%d", review))
		if code != 200 || !strings.Contains(page, "Thanks.") {
			t.Fatalf("review page %d", code)
		}
	})
}
