package main

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// TestAdminPeople searches people and changes a person's roles, group,
// quota and access from the person page; every change is audited and takes
// effect at once.
func TestAdminPeople(t *testing.T) {
	s := startServer(t)
	_, dept, _ := reviewGroups(t, s)
	tok := s.account("dana@example.edu", false)
	s.account("omar@example.edu", false)
	admin := browserSignIn(t, s, "librarian@example.edu", true)

	page := admin.want("/admin/people?q=DANA", 200, "dana@example.edu")
	if strings.Contains(page, "omar@example.edu") {
		t.Fatalf("search found others:\n%s", page)
	}
	admin.want("/admin/people?q=%25", 200, "No account matches.")
	admin.want("/admin/people?page=x", 400)
	admin.want("/admin/people", 200, "omar@example.edu", "librarian@example.edu", "Administrator")
	admin.want("/admin/people/999", 404)
	admin.want("/admin/people/abc", 404)
	person := "/admin/people/1"
	admin.want(person, 200, "dana@example.edu", "No roles")

	// Roles, per group.
	code, page := admin.post(person+"/roles", url.Values{"action": {"assign"}, "role": {"reviewer"}, "group": {fmt.Sprint(dept)}})
	if code != 200 || !strings.Contains(page, "Saved.") {
		t.Fatalf("assign: %d\n%s", code, page)
	}
	admin.want(person, 200, "Reviewer of Physics")
	admin.want("/admin/people?q=dana", 200, "Reviewer of Physics")
	for _, bad := range []url.Values{
		{"action": {"assign"}, "role": {"pope"}, "group": {"0"}},
		{"action": {"assign"}, "role": {"administrator"}, "group": {fmt.Sprint(dept)}},
		{"action": {"assign"}, "role": {"reviewer"}, "group": {"77"}},
		{"action": {"assign"}, "role": {"reviewer"}, "group": {"-1"}},
		{"action": {"fly"}, "role": {"reviewer"}, "group": {"0"}},
		{"action": {"revoke"}, "role": {"reporter"}, "group": {"0"}},
	} {
		if code, page := admin.post(person+"/roles", bad); code < 400 || code >= 500 || !strings.Contains(page, `class="alert error"`) {
			t.Fatalf("bad role change %v: %d\n%s", bad, code, page)
		}
	}
	if code, _ := admin.post("/admin/people/999/roles", url.Values{"action": {"assign"}, "role": {"reviewer"}, "group": {"0"}}); code != 404 {
		t.Fatalf("role for nobody: %d", code)
	}
	code, _ = admin.post(person+"/roles", url.Values{"action": {"revoke"}, "role": {"reviewer"}, "group": {fmt.Sprint(dept)}})
	if code != 200 {
		t.Fatalf("revoke: %d", code)
	}
	admin.want(person, 200, "No roles")

	// Group and quota, then deactivation, which stops the account's token.
	code, _ = admin.post(person+"/access", url.Values{"group": {fmt.Sprint(dept)}, "quota": {"20 GB"}, "active": {"yes"}})
	if code != 200 {
		t.Fatalf("access: %d", code)
	}
	admin.want("/admin/people?q=dana", 200, "<td>Physics</td>", "20.0 GB")
	for _, bad := range []url.Values{{"group": {"77"}, "active": {"yes"}}, {"quota": {"lots"}, "active": {"yes"}}, {"quota": {"-5"}, "active": {"yes"}}, {"group": {"x"}}} {
		if code, page := admin.post(person+"/access", bad); code != 400 || !strings.Contains(page, `class="alert error"`) {
			t.Fatalf("bad access change %v: %d\n%s", bad, code, page)
		}
	}
	s.do("GET", "/v2/account/articles", tok, nil).want(t, 200)
	code, _ = admin.post(person+"/access", url.Values{"group": {fmt.Sprint(dept)}, "quota": {"20 GB"}})
	if code != 200 {
		t.Fatalf("deactivate: %d", code)
	}
	admin.want(person, 200, "deactivated")
	s.do("GET", "/v2/account/articles", tok, nil).want(t, 401)
	admin.post(person+"/access", url.Values{"group": {fmt.Sprint(dept)}, "quota": {"20000000000"}, "active": {"yes"}})
	s.do("GET", "/v2/account/articles", tok, nil).want(t, 200)
	admin.want("/admin/audit?target=account:1", 200, "active=false-&gt;true", "active=true-&gt;false", "quota=0-&gt;20000000000", "role.revoke", "role.assign")

	// An administrator cannot lock themselves out.
	self := "/admin/people/3"
	admin.want(self, 200, "you cannot deactivate yourself")
	if code, _ := admin.post(self+"/access", url.Values{"group": {"0"}}); code != 422 {
		t.Fatalf("self-deactivation: %d", code)
	}
	admin.want("/admin", 200)
	dep := browserSignIn(t, s, "someone@example.edu", false)
	dep.want("/admin/people", 404)
	if code, _ := dep.post(person+"/access", url.Values{"active": {"yes"}}); code != 404 {
		t.Fatalf("non-admin change: %d", code)
	}
}
