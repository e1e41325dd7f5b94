package main

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestAdminItems finds items in every state, edits another's item through
// the workspace form, withdraws one with a public reason and transfers
// one, as an administrator and as a group administrator, with the bad
// inputs and the refusals; every change is in the audit log.
func TestAdminItems(t *testing.T) {
	s := startServer(t)
	_, dept, other := reviewGroups(t, s)
	dana := s.account("dana@example.edu", false)
	omar := s.account("omar@example.edu", false)
	must(s.cli("", "user", "add", "--email", "gone@example.edu", "--name", "Gone"))
	must(s.cli("", "user", "deactivate", "gone@example.edu"))
	must(s.cli("", "user", "role", "dana@example.edu", "depositor", "--group", fmt.Sprint(dept)))
	must(s.cli("", "user", "role", "omar@example.edu", "depositor", "--group", fmt.Sprint(other)))
	inGroup := func(token, title string, group int64) int64 {
		var created struct {
			EntityID int64 `json:"entity_id"`
		}
		s.do("POST", "/v2/account/articles", token, map[string]any{"title": title, "description": "<p>Readings.</p>",
			"defined_type": "dataset", "license": 1, "authors": []map[string]string{{"name": "Ada Lovelace"}},
			"categories": []int{3001}, "group_id": group}).want(t, 201).JSON(t, &created)
		return created.EntityID
	}
	draft := inGroup(dana, "Soil moisture draft", dept)
	pub := s.createItem(t, dana, "Published soil readings")
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", pub), dana, nil).want(t, 201)
	arts := inGroup(omar, "Sonnets in the other faculty", other)
	admin := browserSignIn(t, s, "librarian@example.edu", true)

	// Finding.
	admin.want("/admin/items", 200, "Soil moisture draft", "Published soil readings", "Sonnets in the other faculty")
	page := admin.want("/admin/items?status=public", 200, "Published soil readings")
	if strings.Contains(page, "Soil moisture draft") {
		t.Fatalf("status filter let a draft through:\n%s", page)
	}
	page = admin.want("/admin/items?owner=omar@example.edu", 200, "Sonnets")
	if strings.Contains(page, "Soil") {
		t.Fatalf("owner filter:\n%s", page)
	}
	page = admin.want(fmt.Sprintf("/admin/items?group=%d", dept), 200, "Soil moisture draft")
	if strings.Contains(page, "Sonnets") {
		t.Fatalf("group filter:\n%s", page)
	}
	admin.want("/admin/items?q=moisture", 200, "Soil moisture draft")
	admin.want(fmt.Sprintf("/admin/items?q=%d", arts), 200, "Sonnets")
	admin.want("/admin/items?q=100%25_", 200, "No item matches.")
	admin.want("/admin/items?type=3", 200, "Soil moisture draft")
	admin.want("/admin/items?type=9999", 200, "No item matches.")
	admin.want("/admin/items?status=lost", 400, "The status must be one of")
	admin.want("/admin/items?group=77", 400, "There is no group 77.")
	admin.want("/admin/items?group=x", 400)
	admin.want("/admin/items?owner=nobody@example.edu", 422, "No account has the email or id")
	admin.want("/admin/items?page=0", 400)
	admin.want("/admin/items/999", 404)
	admin.want("/admin/items/abc", 404)

	// The workspace's own form edits another's item, and the edit is audited.
	item := fmt.Sprintf("/admin/items/%d", draft)
	admin.want(item, 200, "dana@example.edu", "Physics", fmt.Sprintf(`href="/account/articles/%d"`, draft))
	code, _ := admin.post(fmt.Sprintf("/account/articles/%d", draft), url.Values{"title": {"Soil moisture, curated"},
		"description": {"<p>Readings.</p>"}, "authors": {"Ada Lovelace"}, "item_type": {"3"}, "license": {"1"}, "categories": {"3001"}})
	if code != 200 {
		t.Fatalf("curator edit: %d", code)
	}
	code, _ = admin.post(fmt.Sprintf("/account/articles/%d", draft), url.Values{"title": {""}})
	if code != 422 {
		t.Fatalf("curator edit without a title: %d", code)
	}
	admin.want(item, 200, "Soil moisture, curated", "item.edit")
	// Access goes through the workspace's audited forms too.
	code, _ = admin.post(fmt.Sprintf("/account/articles/%d/confidentiality", draft), url.Values{"confidential": {"on"}, "confidential_reason": {"patients"}})
	if code != 200 {
		t.Fatalf("confidentiality: %d", code)
	}
	admin.want(item, 200, "item.confidential.set")

	// Withdrawal: the reason is required and public; only published items.
	for _, bad := range []url.Values{{}, {"reason": {"   "}}, {"reason": {"no"}}, {"reason": {strings.Repeat("x", 501)}}} {
		if code, page := admin.post(fmt.Sprintf("/admin/items/%d/withdraw", pub), bad); code != 422 || !strings.Contains(page, "5 to 500 characters") {
			t.Fatalf("withdraw with %v: %d\n%s", bad, code, page)
		}
	}
	if code, _ := admin.post(item+"/withdraw", url.Values{"reason": {"Duplicate record."}}); code != 409 {
		t.Fatalf("withdrawing a draft: %d", code)
	}
	code, page = admin.post(fmt.Sprintf("/admin/items/%d/withdraw", pub), url.Values{"reason": {"Consent was withdrawn."}})
	if code != 200 || !strings.Contains(page, "Withdrawn.") {
		t.Fatalf("withdraw: %d\n%s", code, page)
	}
	var public struct {
		IsWithdrawn    bool   `json:"is_withdrawn"`
		WithdrawReason string `json:"withdrawal_reason"`
	}
	s.do("GET", fmt.Sprintf("/v2/articles/%d", pub), "", nil).want(t, 200).JSON(t, &public)
	if !public.IsWithdrawn || public.WithdrawReason != "Consent was withdrawn." {
		t.Fatalf("public record after withdrawal: %+v", public)
	}
	if found := s.do("POST", "/v2/articles/search", "", map[string]string{"search_for": "Published soil readings"}).want(t, 200); strings.Contains(string(found.Body), fmt.Sprintf(`"id":%d,`, pub)) {
		t.Fatalf("withdrawn item still found: %s", found.Body)
	}
	admin.want(fmt.Sprintf("/admin/audit?target=item:%d", pub), 200, "item.withdraw", "Consent was withdrawn.")

	// Transfer: to an existing, active account other than the owner.
	for _, c := range []struct {
		owner string
		code  int
		want  string
	}{
		{"", 422, "Name the new owner"},
		{"nobody@example.edu", 422, "No account has the email or id"},
		{"987654", 422, "No account has the email or id"},
		{"gone@example.edu", 422, "deactivated"},
		{"dana@example.edu", 422, "already owns"},
	} {
		if code, page := admin.post(item+"/transfer", url.Values{"owner": {c.owner}}); code != c.code || !strings.Contains(page, c.want) {
			t.Fatalf("transfer to %q: %d\n%s", c.owner, code, page)
		}
	}
	code, page = admin.post(item+"/transfer", url.Values{"owner": {"omar@example.edu"}})
	if code != 200 || !strings.Contains(page, "Transferred to omar@example.edu") {
		t.Fatalf("transfer: %d\n%s", code, page)
	}
	s.do("GET", fmt.Sprintf("/v2/account/articles/%d", draft), omar, nil).want(t, 200)
	s.do("GET", fmt.Sprintf("/v2/account/articles/%d", draft), dana, nil).want(t, 404)
	admin.want(fmt.Sprintf("/admin/audit?target=item:%d", draft), 200, "item.transfer", "owner=account:1-&gt;account:2")

	// Cross-origin posts are refused before anything happens.
	req, _ := http.NewRequest("POST", s.URL+item+"/transfer", strings.NewReader("owner=dana%40example.edu"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	res, err := admin.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 403 {
		t.Fatalf("cross-origin transfer: %d", res.StatusCode)
	}

	// Depositors see no such pages; anonymous visitors are sent to sign in.
	dep := browserSignIn(t, s, "depositor@example.edu", false)
	dep.want("/admin/items", 404)
	dep.want(item, 404)
	if code, _ := dep.post(item+"/transfer", url.Values{"owner": {"depositor@example.edu"}}); code != 404 {
		t.Fatalf("depositor transfers: %d", code)
	}
	if code, _ := dep.post(fmt.Sprintf("/admin/items/%d/withdraw", pub), url.Values{"reason": {"Because I can."}}); code != 404 {
		t.Fatalf("depositor withdraws: %d", code)
	}
	s.do("POST", item+"/transfer", "", nil).want(t, 401)

	// A group administrator of the faculty curates its items only.
	ga := browserSignIn(t, s, "ga@example.edu", false)
	must(s.cli("", "user", "role", "ga@example.edu", "group_admin", "--group", fmt.Sprint(dept)))
	page = ga.want("/admin/items", 200, "Soil moisture, curated")
	if strings.Contains(page, "Sonnets") {
		t.Fatalf("group admin sees another faculty's item:\n%s", page)
	}
	ga.want(fmt.Sprintf("/admin/items/%d", arts), 404)
	if code, _ := ga.post(fmt.Sprintf("/admin/items/%d/transfer", arts), url.Values{"owner": {"ga@example.edu"}}); code != 404 {
		t.Fatalf("group admin transfers a foreign item: %d", code)
	}
	if code, page := ga.post(item+"/transfer", url.Values{"owner": {"dana@example.edu"}}); code != 403 || !strings.Contains(page, "only to people of the groups you administer") {
		t.Fatalf("group admin transfers out of reach: %d\n%s", code, page)
	}
	ga.want("/admin/people", 404)
}
