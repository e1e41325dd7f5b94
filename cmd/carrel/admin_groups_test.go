package main

import (
	"net/url"
	"strings"
	"testing"
)

// TestAdminGroups creates and edits groups, switches review on and off
// from the group pages, and refuses bad changes.
func TestAdminGroups(t *testing.T) {
	s := startServer(t)
	admin := browserSignIn(t, s, "librarian@example.edu", true)
	admin.want("/admin/groups", 200, "There are no groups yet.", "Create a group")
	code, page := admin.post("/admin/groups", url.Values{"name": {"Faculty of Science"}, "parent": {"0"}, "quota": {"5 TB"}, "resource_id": {"SCI"}})
	if code != 200 || !strings.Contains(page, "Saved.") || !strings.Contains(page, "<h1>Faculty of Science</h1>") {
		t.Fatalf("create: %d\n%s", code, page)
	}
	admin.post("/admin/groups", url.Values{"name": {"Physics"}, "parent": {"1"}})
	admin.want("/admin/groups", 200, "— <a href=\"/admin/groups/2\">Physics</a>", "5.0 TB (0%)", "<td>SCI</td>")
	for _, bad := range []url.Values{
		{"name": {"  "}, "parent": {"0"}},
		{"name": {"Physics"}, "parent": {"1"}},
		{"name": {"Chemistry"}, "parent": {"42"}},
		{"name": {"Chemistry"}, "quota": {"a lot"}},
		{"name": {strings.Repeat("x", 201)}},
	} {
		code, page := admin.post("/admin/groups", bad)
		if code < 400 || code >= 500 || !strings.Contains(page, `class="alert error"`) || !strings.Contains(page, "Create a group") {
			t.Fatalf("bad group %v: %d\n%s", bad, code, page)
		}
	}
	// Edit: rename, quota, and a move under itself refused.
	code, page = admin.post("/admin/groups/1", url.Values{"name": {"Science"}, "parent": {"0"}, "quota": {""}, "resource_id": {"SCI"}})
	if code != 200 || !strings.Contains(page, "<h1>Science</h1>") {
		t.Fatalf("edit: %d\n%s", code, page)
	}
	if code, page := admin.post("/admin/groups/1", url.Values{"name": {"Science"}, "parent": {"2"}}); code != 400 || !strings.Contains(page, "under itself") {
		t.Fatalf("move under itself: %d\n%s", code, page)
	}
	if code, _ := admin.post("/admin/groups/9", url.Values{"name": {"X"}}); code != 404 {
		t.Fatalf("edit missing group: %d", code)
	}
	admin.want("/admin/groups/9", 404)
	admin.want("/admin/groups/x", 404)

	// Review on the faculty reaches its department.
	if code, page := admin.post("/admin/groups/1/review", url.Values{"review": {"on"}}); code != 200 || !strings.Contains(page, "Switch review off") {
		t.Fatalf("review on: %d\n%s", code, page)
	}
	admin.want("/admin/groups/2", 200, "review on, inherited from a group above", "Switch review on")
	admin.want("/admin/groups", 200, "<td>on</td>", "<td>on (inherited)</td>")
	if code, _ := admin.post("/admin/groups/1/review", url.Values{"review": {"maybe"}}); code != 400 {
		t.Fatalf("review maybe: %d", code)
	}
	if code, _ := admin.post("/admin/groups/9/review", url.Values{"review": {"on"}}); code != 404 {
		t.Fatalf("review on missing group: %d", code)
	}
	admin.post("/admin/groups/1/review", url.Values{"review": {"off"}})
	admin.want("/admin/groups", 200, "<td>off</td>")
	admin.want("/admin/audit?target=group:1", 200, "group.create", "group.update", "group.review")
	dep := browserSignIn(t, s, "someone@example.edu", false)
	dep.want("/admin/groups", 404)
	if code, _ := dep.post("/admin/groups", url.Values{"name": {"Mine"}}); code != 404 {
		t.Fatalf("non-admin create: %d", code)
	}
}
