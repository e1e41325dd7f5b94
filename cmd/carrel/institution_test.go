package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"carrel/app"
	"carrel/app/catalog"
)

// TestImpersonation checks who may act as whom through ?impersonate=, that
// what they do is the impersonated account's, and that every such request
// and change is audited with both account ids.
func TestImpersonation(t *testing.T) {
	s := startServer(t)
	for _, args := range [][]string{{"group", "add", "--name", "University"}, {"group", "add", "--name", "Physics", "--parent", "1"},
		{"group", "add", "--name", "Arts", "--parent", "1"}} {
		if _, err := s.cli("", args...); err != nil {
			t.Fatal(err)
		}
	}
	admin := s.account("admin@example.edu", true)
	other := s.account("other-admin@example.edu", true)
	gadmin := s.account("gadmin@example.edu", false)
	member := s.account("member@example.edu", false)
	outsider := s.account("outsider@example.edu", false)
	if _, err := s.cli("", "user", "role", "gadmin@example.edu", "group_admin", "--group", "2"); err != nil {
		t.Fatal(err)
	}
	id := func(token string) int64 {
		var a struct{ ID int64 }
		s.do("GET", "/v2/account", token, nil).want(t, 200).JSON(t, &a)
		return a.ID
	}
	adminID, otherID, gadminID, memberID, outsiderID := id(admin), id(other), id(gadmin), id(member), id(outsider)
	s.do("PUT", fmt.Sprintf("/v2/account/institution/accounts/%d", memberID), admin, map[string]any{"group_id": 2, "is_active": true}).want(t, 205)
	s.do("PUT", fmt.Sprintf("/v2/account/institution/accounts/%d", outsiderID), admin, map[string]any{"group_id": 3, "is_active": true}).want(t, 205)

	as := func(target int64) string { return fmt.Sprintf("/v2/account?impersonate=%d", target) }
	for _, c := range []struct {
		name   string
		token  string
		target int64
		want   int
	}{
		{"admin as member", admin, memberID, 200},
		{"admin as another admin", admin, otherID, 404},
		{"group admin as member of its group", gadmin, memberID, 200},
		{"group admin as outsider", gadmin, outsiderID, 404},
		{"group admin as admin", gadmin, adminID, 404},
		{"depositor as another", member, outsiderID, 404},
		{"admin as nobody", admin, 987654, 404},
		{"admin as self", admin, adminID, 404},
	} {
		if got := s.do("GET", as(c.target), c.token, nil).Status; got != c.want {
			t.Errorf("%s: status %d, want %d", c.name, got, c.want)
		}
	}
	s.do("GET", "/v2/account?impersonate=abc", admin, nil).want(t, 422)
	s.do("GET", fmt.Sprintf("/v2/account?impersonate=%d", memberID), "", nil).want(t, 401)

	// What the administrator does as the member is the member's, and the
	// audit log names both.
	var created struct {
		EntityID int64 `json:"entity_id"`
	}
	s.do("POST", fmt.Sprintf("/v2/account/articles?impersonate=%d", memberID), admin, map[string]any{"title": "Made on behalf"}).want(t, 201).JSON(t, &created)
	s.do("GET", fmt.Sprintf("/v2/account/articles/%d", created.EntityID), member, nil).want(t, 200)
	s.do("PUT", fmt.Sprintf("/v2/account/articles/%d/confidentiality?impersonate=%d", created.EntityID, memberID), admin,
		map[string]string{"reason": "patients"}).want(t, 205)

	cfg, err := loadConfig("", s.Data)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Open(context.Background(), filepath.Join(cfg.Server.DataDir, "catalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	imp, err := cat.AuditEntries(context.Background(), app.AuditFilter{Action: "account.impersonate", ActorID: adminID})
	if err != nil || len(imp) < 3 {
		t.Fatalf("impersonation audit: %d entries, %v", len(imp), err)
	}
	for _, e := range imp {
		if e.OnBehalf != memberID || e.Address == "" || !strings.Contains(e.Detail, "/v2/account") {
			t.Errorf("impersonation entry %+v", e)
		}
	}
	conf, err := cat.AuditEntries(context.Background(), app.AuditFilter{Action: "item.confidential.set"})
	if err != nil || len(conf) != 1 || conf[0].ActorID != adminID || conf[0].OnBehalf != memberID {
		t.Fatalf("change made while impersonating: %+v %v", conf, err)
	}
	gimp, _ := cat.AuditEntries(context.Background(), app.AuditFilter{Action: "account.impersonate", ActorID: gadminID})
	if len(gimp) != 1 {
		t.Errorf("group admin impersonation audited %d times, want 1", len(gimp))
	}

	// Group administrators see and manage only their groups' accounts.
	var list []struct{ ID int64 }
	s.do("GET", "/v2/account/institution/accounts", gadmin, nil).want(t, 200).JSON(t, &list)
	if len(list) != 1 || list[0].ID != memberID {
		t.Errorf("group admin's account list = %+v, want only the member", list)
	}
	s.do("GET", fmt.Sprintf("/v2/account/institution/accounts/%d", outsiderID), gadmin, nil).want(t, 404)
	s.do("POST", fmt.Sprintf("/v2/account/institution/roles/%d", memberID), gadmin, map[string]any{"1": []int{3}}).want(t, 422)
	s.do("POST", fmt.Sprintf("/v2/account/institution/roles/%d", memberID), gadmin, map[string]any{"2": []int{1}}).want(t, 422)
	s.do("POST", fmt.Sprintf("/v2/account/institution/roles/%d", memberID), gadmin, map[string]any{"2": []int{3}}).want(t, 201)
	s.do("GET", "/v2/account/institution/accounts", member, nil).want(t, 404)
	roles := s.do("GET", fmt.Sprintf("/v2/account/institution/roles/%d", memberID), admin, nil).want(t, 200)
	if !strings.Contains(string(roles.Body), `"2":[{"category":"group","description"`) || !strings.Contains(string(roles.Body), "Reviewer") {
		t.Errorf("roles of member: %s", roles.Body)
	}
}
