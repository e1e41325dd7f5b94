package main

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"carrel/app"
	"carrel/testenv/ldaptest"
)

// roleSummary lists an account's roles as "role@group/source", sorted,
// with group names and "hand" or "directory", and "admin/<source>" for the
// administrator flag.
func roleSummary(t *testing.T, s *testServer, email string) string {
	t.Helper()
	cat := s.openCatalog()
	a, err := cat.AccountByEmail(t.Context(), email)
	if err != nil {
		t.Fatal(err)
	}
	ras, err := cat.RoleAssignments(t.Context(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, ra := range ras {
		where := "institution"
		if ra.GroupID != 0 {
			g, err := cat.Group(t.Context(), ra.GroupID)
			if err != nil {
				t.Fatal(err)
			}
			where = g.Name
		}
		src := ra.Source
		if src == "" {
			src = "hand"
		}
		out = append(out, fmt.Sprintf("%s@%s/%s", ra.Role, where, src))
	}
	if a.Admin {
		out = append(out, "admin")
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}

// TestLDAPRoleMap maps directory groups in Debian's slapd to Carrel roles:
// given at sign-in, taken away at the next sign-in after the membership
// ends, with roles given by hand left alone.
func TestLDAPRoleMap(t *testing.T) {
	dir := ldaptest.Start(t)
	s := startServerWith(t, ldapConfig(dir, `groups = { "physics-staff" = "Physics" }
[[auth.ldap.role_map]]
# written differently from the DN the directory sends
directory_group = "CN=Librarians, OU=groups, DC=example, DC=edu"
group = "Library"
role = "reviewer"
[[auth.ldap.role_map]]
directory_group = "librarians"
role = "administrator"
[[auth.ldap.role_map]]
directory_group = "physics-staff"
group = "Physics"
role = "depositor"
[[auth.ldap.role_map]]
directory_group = "librarians"
group = "No Such Group"
role = "reporter"
[[auth.ldap.role_map]]
directory_group = "carrel-admins"
role = "administrator"
`))
	groupAdd(t, s, "Library", 0)
	physics := groupAdd(t, s, "Physics", 0)
	signIn := func(user, pw string) {
		t.Helper()
		if got := s.postLogin(browser(), user, pw); got != http.StatusSeeOther {
			t.Fatalf("LDAP sign-in of %s: %d", user, got)
		}
	}

	signIn("ada", ldaptest.AdaPassword)
	if got, want := roleSummary(t, s, "ada@example.edu"), "admin depositor@Physics/directory reviewer@Library/directory"; got != want {
		t.Fatalf("after first sign-in: %q, want %q", got, want)
	}
	if a, _ := s.openCatalog().AccountByEmail(t.Context(), "ada@example.edu"); a.GroupID != physics {
		t.Errorf("home group %d, want Physics (%d)", a.GroupID, physics)
	}
	// By hand: the directory's depositor role on Physics becomes a hand
	// grant, and a reporter role is added.
	must(s.cli("", "user", "role", "ada@example.edu", "depositor", "--group", fmt.Sprint(physics)))
	must(s.cli("", "user", "role", "ada@example.edu", "reporter", "--group", fmt.Sprint(physics)))
	signIn("ada", ldaptest.AdaPassword) // the same membership: nothing changes
	if got, want := roleSummary(t, s, "ada@example.edu"), "admin depositor@Physics/hand reporter@Physics/hand reviewer@Library/directory"; got != want {
		t.Fatalf("after hand grants: %q, want %q", got, want)
	}

	// Ada leaves the librarians and physics-staff.
	dir.Modify(t, `dn: cn=librarians,ou=groups,dc=example,dc=edu
changetype: modify
delete: member
member: uid=ada,ou=people,dc=example,dc=edu

dn: cn=physics-staff,ou=groups,dc=example,dc=edu
changetype: modify
delete: member
member: uid=ada,ou=people,dc=example,dc=edu
`)
	signIn("ada", ldaptest.AdaPassword)
	if got, want := roleSummary(t, s, "ada@example.edu"), "depositor@Physics/hand reporter@Physics/hand"; got != want {
		t.Errorf("after leaving the directory groups: %q, want %q", got, want)
	}
	entries, err := s.openCatalog().AuditEntries(t.Context(), app.AuditFilter{Action: "role.revoke"})
	if err != nil {
		t.Fatal(err)
	}
	var revoked []string
	for _, e := range entries {
		revoked = append(revoked, e.Detail)
	}
	slices.Sort(revoked)
	if got := strings.Join(revoked, "; "); !strings.Contains(got, "role=administrator institution-wide from the directory") ||
		!strings.Contains(got, "role=reviewer group=") {
		t.Errorf("audited revocations: %s", got)
	}

	// Charles was made an administrator by hand before his first directory
	// sign-in; leaving carrel-admins does not take that away.
	s.account("charles@example.edu", true)
	signIn("charles", ldaptest.CharlesPassword)
	dir.Modify(t, `dn: cn=carrel-admins,ou=groups,dc=example,dc=edu
changetype: modify
delete: member
member: uid=charles,ou=people,dc=example,dc=edu
`)
	signIn("charles", ldaptest.CharlesPassword)
	if got := roleSummary(t, s, "charles@example.edu"); got != "admin" {
		t.Errorf("charles, administrator by hand: %q", got)
	}
}
