package main

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// TestWebImpersonation has an administrator act as a depositor from the
// people pages: the banner shows on every page, what they do is the
// depositor's and is audited with both accounts, administrators cannot be
// impersonated, and stopping brings the administrator back.
func TestWebImpersonation(t *testing.T) {
	s := startServer(t)
	dana := s.account("dana@example.edu", false)
	s.createItem(t, dana, "Dana's private draft")
	s.account("boss@example.edu", true)
	s.account("roleadmin@example.edu", false)
	must(s.cli("", "user", "role", "roleadmin@example.edu", "administrator"))
	admin := browserSignIn(t, s, "librarian@example.edu", true)
	danaID, bossID, roleID := s.accountID("dana@example.edu"), s.accountID("boss@example.edu"), s.accountID("roleadmin@example.edu")
	self := s.accountID("librarian@example.edu")

	// Refusals: other administrators (by flag or by role), oneself, nobody.
	admin.want(fmt.Sprintf("/admin/people/%d", bossID), 200, "You may not act as boss@example.edu")
	for _, id := range []int64{bossID, roleID, self} {
		if code, page := admin.post(fmt.Sprintf("/admin/people/%d/impersonate", id), nil); code != 403 || !strings.Contains(page, "You may not act as") {
			t.Fatalf("impersonating account %d: %d\n%s", id, code, page)
		}
	}
	if code, _ := admin.post("/admin/people/999/impersonate", nil); code != 404 {
		t.Fatalf("impersonating nobody: %d", code)
	}
	dep := browserSignIn(t, s, "depositor@example.edu", false)
	if code, _ := dep.post(fmt.Sprintf("/admin/people/%d/impersonate", danaID), nil); code != 404 {
		t.Fatalf("a depositor impersonates: %d", code)
	}

	// Acting as Dana: her workspace, the banner, no administration.
	admin.want(fmt.Sprintf("/admin/people/%d", danaID), 200, "Act as ")
	code, page := admin.post(fmt.Sprintf("/admin/people/%d/impersonate", danaID), nil)
	if code != 200 || !strings.Contains(page, "Dana&#39;s private draft") || !strings.Contains(page, "are acting as") {
		t.Fatalf("start: %d\n%s", code, page)
	}
	admin.want("/search", 200, "are acting as", "Stop acting as")
	admin.want("/admin", 404, "are acting as")
	code, page = admin.post("/account/articles", url.Values{"title": {"Made for Dana"}, "authors": {"Dana"}})
	if code != 200 || !strings.Contains(page, "Made for Dana") {
		t.Fatalf("create while acting: %d\n%s", code, page)
	}
	var mine []struct{ Title string }
	s.do("GET", "/v2/account/articles", dana, nil).want(t, 200).JSON(t, &mine)
	if len(mine) != 2 {
		t.Fatalf("Dana's items after the administrator made one for her: %+v", mine)
	}
	if code, _ := admin.post("/impersonation/stop", nil); code != 200 {
		t.Fatalf("stop: %d", code)
	}
	page = admin.want("/admin", 200, "Administration")
	if strings.Contains(page, "are acting as") {
		t.Fatalf("banner after stopping:\n%s", page)
	}
	page = admin.want(fmt.Sprintf("/admin/audit?actor=%d", danaID), 200, "account.impersonate.start", "account.impersonate.stop",
		"POST /account/articles", "librarian@example.edu as dana@example.edu")
	if strings.Count(page, "account.impersonate</code>") < 4 {
		t.Fatalf("each request while acting is audited:\n%s", page)
	}

	// A deactivated account can no longer be acted as, even mid-way.
	admin.post(fmt.Sprintf("/admin/people/%d/impersonate", danaID), nil)
	must(s.cli("", "user", "deactivate", "dana@example.edu"))
	page = admin.want("/admin", 200, "Administration")
	if strings.Contains(page, "are acting as") {
		t.Fatalf("still acting as a deactivated account:\n%s", page)
	}
}
