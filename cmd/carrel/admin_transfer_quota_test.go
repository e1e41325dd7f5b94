package main

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// TestTransferQuota: a transfer that would take the new owner past their
// storage quota (here the configured default) is refused with the
// numbers; only an administrator may override it, and the audit log
// records the override. A transfer that fits needs none.
func TestTransferQuota(t *testing.T) {
	s := startServerWith(t, "[upload]\ndefault_quota = 1500\n")
	_, _, other := reviewGroups(t, s)
	dana := s.account("dana@example.edu", false)
	omar := s.account("omar@example.edu", false)
	must(s.cli("", "user", "role", "dana@example.edu", "depositor", "--group", fmt.Sprint(other)))
	var created struct {
		EntityID int64 `json:"entity_id"`
	}
	s.do("POST", "/v2/account/articles", dana, map[string]any{"title": "Big cores", "group_id": other}).want(t, 201).JSON(t, &created)
	item := fmt.Sprintf("/admin/items/%d", created.EntityID)
	s.upload(t, dana, created.EntityID, "cores.bin", []byte(strings.Repeat("c", 1000)), nil)
	s.upload(t, omar, s.createItem(t, omar, "Omar's own"), "own.bin", []byte(strings.Repeat("o", 800)), nil)

	admin := browserSignIn(t, s, "librarian@example.edu", true)
	admin.want(item, 200, `name="override_quota"`)
	code, page := admin.post(item+"/transfer", url.Values{"owner": {"omar@example.edu"}})
	if code != 409 || !strings.Contains(page, "The item holds 1.0 kB (1000 bytes) and account") ||
		!strings.Contains(page, "already uses 800 B (800 bytes) of its 1.5 kB (1500 bytes) quota") ||
		!strings.Contains(page, "300 B (300 bytes) over") || !strings.Contains(page, `value="omar@example.edu"`) {
		t.Fatalf("over-quota transfer: %d\n%s", code, page)
	}
	s.do("GET", fmt.Sprintf("/v2/account/articles/%d", created.EntityID), omar, nil).want(t, 404)

	gail := browserSignIn(t, s, "gail@example.edu", false)
	must(s.cli("", "user", "role", "gail@example.edu", "group_admin", "--group", fmt.Sprint(other)))
	if code, body := gail.get(item); code != 200 || strings.Contains(body, `name="override_quota"`) {
		t.Fatalf("a group administrator's item page (%d) offers the quota override", code)
	}
	if code, page := gail.post(item+"/transfer", url.Values{"owner": {"omar@example.edu"}, "override_quota": {"on"}}); code != 403 ||
		!strings.Contains(page, "Only administrators") {
		t.Fatalf("group administrator overrides: %d\n%s", code, page)
	}

	code, page = admin.post(item+"/transfer", url.Values{"owner": {"omar@example.edu"}, "override_quota": {"on"}})
	if code != 200 || !strings.Contains(page, "Transferred to omar@example.edu") {
		t.Fatalf("overridden transfer: %d\n%s", code, page)
	}
	s.do("GET", fmt.Sprintf("/v2/account/articles/%d", created.EntityID), omar, nil).want(t, 200)
	admin.want(fmt.Sprintf("/admin/audit?target=item:%d", created.EntityID), 200, "quota_override=used:800&#43;item:1000&gt;quota:1500")

	// Back to dana, who now uses nothing: it fits, no override needed.
	if code, page := admin.post(item+"/transfer", url.Values{"owner": {"dana@example.edu"}}); code != 200 {
		t.Fatalf("transfer within quota: %d\n%s", code, page)
	}
}
