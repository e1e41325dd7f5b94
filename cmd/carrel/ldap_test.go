package main

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"carrel/testenv/ldaptest"
)

// ldapConfig is [auth.ldap] for the test directory over StartTLS, with
// the service account, and extra keys and tables after it.
func ldapConfig(dir *ldaptest.Server, extra string) string {
	return fmt.Sprintf(`[auth.ldap]
enabled = true
url = %q
start_tls = true
ca_file = %q
bind_dn = %q
bind_password = %q
base_dn = %q
%s`, dir.URL, dir.CAFile, ldaptest.ServiceDN, ldaptest.ServicePassword, ldaptest.PeopleDN, extra)
}

// TestLDAPSignIn signs in to the running binary through Debian's slapd
// over StartTLS, with the configuration an institution would write.
func TestLDAPSignIn(t *testing.T) {
	dir := ldaptest.Start(t)
	s := startServerWith(t, ldapConfig(dir, `disabled_filter = "(pwdAccountLockedTime=*)"
orcid_attribute = "labeledURI"
groups = { "physics-staff" = "Physics" }
admin_groups = ["carrel-admins"]
`))

	page := s.do("GET", "/login", "", nil).want(t, 200)
	if !strings.Contains(string(page.Body), "User name or email address") {
		t.Error("the sign-in page does not ask for a user name")
	}
	b := browser()
	if got := s.postLogin(b, "ada", ldaptest.AdaPassword); got != http.StatusSeeOther {
		t.Fatalf("LDAP sign-in: %d", got)
	}
	if got := status(t, b, s.URL+"/account"); got != 200 {
		t.Fatalf("/account after LDAP sign-in: %d", got)
	}
	cat := s.openCatalog()
	a, err := cat.AccountByEmail(t.Context(), "ada@example.edu")
	if err != nil || a.FullName() != "Ada Lovelace" || a.ORCID != "0000-0002-1825-0097" || a.Admin {
		t.Fatalf("account made at first sign-in: %+v, %v", a, err)
	}
	if got := s.postLogin(browser(), "charles", ldaptest.CharlesPassword); got != http.StatusSeeOther {
		t.Fatalf("charles: %d", got)
	}
	if c, _ := cat.AccountByEmail(t.Context(), "charles@example.edu"); c == nil || !c.Admin {
		t.Errorf("a member of admin_groups is not an administrator: %+v", c)
	}
	answer := func(name, pw string) string {
		res, err := browser().PostForm(s.URL+"/login", map[string][]string{"email": {name}, "password": {pw}})
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return fmt.Sprint(res.StatusCode) + strings.ReplaceAll(string(body), name, "")
	}
	locked, unknown := answer("mallory", ldaptest.MalloryPassword), answer("nobody", ldaptest.MalloryPassword)
	if !strings.HasPrefix(locked, "401") || locked != unknown {
		t.Errorf("a locked directory user is answered differently from an unknown one")
	}
	for _, inj := range []string{"*)(uid=*", "ad*", "*", "ada)(|(objectClass=*)", "*)(&", `ada\00`, `\2a`, "ada\x00", "ada)"} {
		if got := s.postLogin(browser(), inj, ldaptest.AdaPassword); got != http.StatusUnauthorized {
			t.Errorf("filter injection %q: %d", inj, got)
		}
	}
}
