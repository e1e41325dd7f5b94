package main

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// newBrowser adds an account with a password (an administrator if admin)
// and returns a browser signed in as it.
func (s *testServer) newBrowser(t *testing.T, email string, admin bool) *http.Client {
	t.Helper()
	args := []string{"user", "add", "--email", email, "--name", "Web User", "--password-stdin"}
	if admin {
		args = append(args, "--admin")
	}
	if _, err := s.cli("a long enough passphrase\n", args...); err != nil {
		t.Fatal(err)
	}
	return s.signIn(t, email, "a long enough passphrase")
}

// checkCounterReport fetches the COUNTER item report as an administrator
// and checks the rows of the replayed log: item a had 3 readers who viewed
// it and downloaded from it; item b one reader who viewed it.
func checkCounterReport(t *testing.T, s *testServer, a, b int64) {
	browser := s.newBrowser(t, "librarian@example.edu", true)
	res, err := browser.Get(s.URL + "/admin/reports/counter.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("report: status %d, type %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	r := csv.NewReader(res.Body)
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	month := time.Now().UTC().Format("Jan-2006")
	var head []string
	got := map[string]string{}
	for _, rec := range recs {
		switch {
		case len(rec) > 0 && rec[0] == "Item":
			head = rec
		case head != nil && len(rec) == len(head):
			got[rec[4]+" "+rec[6]] = rec[7] + "/" + rec[len(rec)-1]
		}
	}
	if head == nil || head[len(head)-1] != month || len(head) != 8+12 {
		t.Fatalf("report header %v, want 12 months ending %s", head, month)
	}
	want := map[string]string{
		fmt.Sprintf("carrel:%d Total_Item_Investigations", a):  "6/6",
		fmt.Sprintf("carrel:%d Unique_Item_Investigations", a): "3/3",
		fmt.Sprintf("carrel:%d Total_Item_Requests", a):        "3/3",
		fmt.Sprintf("carrel:%d Unique_Item_Requests", a):       "3/3",
		fmt.Sprintf("carrel:%d Total_Item_Investigations", b):  "1/1",
		fmt.Sprintf("carrel:%d Unique_Item_Investigations", b): "1/1",
	}
	if len(got) != len(want) {
		t.Errorf("report rows %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("report %s = %q, want %q", k, got[k], v)
		}
	}
	if res := s.do("GET", "/admin/reports/counter.csv?begin=2026-05&end=2026-01", "", nil); res.Status != 200 || !strings.Contains(string(res.Body), "Sign in") {
		t.Errorf("anonymous report request: status %d, want the sign-in page", res.Status)
	}
	reader := s.newBrowser(t, "reader@example.edu", false)
	if got := statusOf(t, reader, s.URL+"/admin/reports/counter.csv"); got != 404 {
		t.Errorf("report for a non-reporter: status %d, want 404", got)
	}
	for q, status := range map[string]int{"?begin=2026-05&end=2026-01": 422, "?begin=May": 400, "?begin=2000-01&end=2026-01": 422} {
		if got := statusOf(t, browser, s.URL+"/admin/reports/counter.csv"+q); got != status {
			t.Errorf("report%s: status %d, want %d", q, got, status)
		}
	}
}

// statusOf is the status of a GET by the client.
func statusOf(t *testing.T, c *http.Client, url string) int {
	t.Helper()
	res, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}
