package main

import (
	"fmt"
	"testing"
	"time"
)

// reportServer starts a server with the review groups and
// dana@example.edu, a depositor of the third, who has deposited there an
// item titled as a formula, with one 8-byte file.
func reportServer(t *testing.T) (s *testServer, tok string, faculty, dept, other, evil int64) {
	s = startServer(t)
	faculty, dept, other = reviewGroups(t, s)
	tok = s.account("dana@example.edu", false)
	must(s.cli("", "user", "role", "dana@example.edu", "depositor", "--group", fmt.Sprint(other)))
	var created struct {
		EntityID int64 `json:"entity_id"`
	}
	s.do("POST", "/v2/account/articles", tok, map[string]any{"title": "=HYPERLINK(\"http://evil\")", "group_id": other, "defined_type": "dataset",
		"description": "<p>Readings.</p>", "license": 1, "categories": []int{3001}, "authors": []map[string]string{{"name": "Dana"}},
		"keywords": []string{"k"}}).want(t, 201).JSON(t, &created)
	s.upload(t, tok, created.EntityID, "a.csv", []byte("x,y\n1,2\n"), nil)
	return s, tok, faculty, dept, other, created.EntityID
}

// TestAdminReports downloads the items and accounts reports with filters
// and checks that formulas in user text cannot run in a spreadsheet.
func TestAdminReports(t *testing.T) {
	s, tok, faculty, dept, other, _ := reportServer(t)
	s.createItem(t, tok, "@SUM(A1)")
	s.createItem(t, tok, "Plain, with \"quotes\"\nand a line")
	admin := browserSignIn(t, s, "librarian@example.edu", true)
	admin.want("/admin/reports", 200, "Download items.csv", "Download accounts.csv", "— Physics")

	report := admin.csvReport
	rows := report("/admin/reports/items.csv")
	if len(rows) != 4 || rows[0][0] != "id" || rows[0][1] != "title" {
		t.Fatalf("items: %q", rows)
	}
	if rows[1][1] != "'=HYPERLINK(\"http://evil\")" || rows[2][1] != "'@SUM(A1)" || rows[3][1] != "Plain, with \"quotes\"\nand a line" {
		t.Fatalf("titles not made safe: %q", rows)
	}
	if rows[1][4] != "Faculty of Arts" || rows[1][5] != "dana@example.edu" || rows[1][8] != "1" || rows[1][9] != "8" {
		t.Fatalf("item row: %q", rows[1])
	}
	if rows := report(fmt.Sprintf("/admin/reports/items.csv?group=%d", other)); len(rows) != 2 {
		t.Fatalf("group filter: %q", rows)
	}
	if rows := report(fmt.Sprintf("/admin/reports/items.csv?group=%d", faculty)); len(rows) != 1 {
		t.Fatalf("empty group: %q", rows)
	}
	if rows := report("/admin/reports/items.csv?status=public"); len(rows) != 1 || rows[0][0] != "id" {
		t.Fatalf("status filter: %q", rows)
	}
	today := time.Now().UTC().Format(time.DateOnly)
	if rows := report("/admin/reports/items.csv?from=" + today + "&to=" + today); len(rows) != 4 {
		t.Fatalf("date filter today: %q", rows)
	}
	if rows := report("/admin/reports/items.csv?to=2000-01-01"); len(rows) != 1 {
		t.Fatalf("date filter past: %q", rows)
	}

	must(s.cli("", "user", "role", "dana@example.edu", "reviewer", "--group", fmt.Sprint(dept)))
	rows = report("/admin/reports/accounts.csv")
	if len(rows) != 3 || rows[1][1] != "dana@example.edu" || rows[1][10] != "3" || rows[1][11] != "8" || rows[2][6] != "true" {
		t.Fatalf("accounts: %q", rows)
	}
	if rows := report("/admin/reports/accounts.csv?status=inactive"); len(rows) != 1 {
		t.Fatalf("inactive accounts: %q", rows)
	}
	for _, bad := range []string{"items.csv?status=lost", "items.csv?group=99", "items.csv?group=x", "items.csv?from=soon",
		"accounts.csv?status=public", "accounts.csv?from=2026-02-02&to=2026-01-01"} {
		admin.want("/admin/reports/"+bad, 400)
	}
	dep := browserSignIn(t, s, "someone@example.edu", false)
	dep.want("/admin/reports/items.csv", 404)
	dep.want("/admin/reports/accounts.csv", 404)
}
