package auth_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"carrel/app"
	"carrel/app/auth"
	"carrel/testenv/ldaptest"
)

// ldapConfig is the configuration for the ldaptest fixture directory.
func ldapConfig(url string) auth.LDAPConfig {
	return auth.LDAPConfig{URL: url, Timeout: 5 * time.Second, BindDN: ldaptest.ServiceDN, BindPassword: ldaptest.ServicePassword,
		BaseDN: ldaptest.PeopleDN, UserFilter: "(|(uid={username})(mail={username}))", DisabledFilter: "(pwdAccountLockedTime=*)",
		IDAttribute: "uid", MailAttribute: "mail", DisplayNameAttr: "displayName", FirstNameAttr: "givenName", LastNameAttr: "sn",
		ORCIDAttr: "labeledURI", GroupAttribute: "memberOf", GroupNameAttr: "cn", GroupFilter: "(member={dn})",
		Groups: map[string]string{"physics-staff": "Physics"}, AdminGroups: []string{"carrel-admins"}}
}

func TestLDAP(t *testing.T) {
	srv := ldaptest.Start(t)
	ctx := context.Background()
	newDir := func(t *testing.T, cfg auth.LDAPConfig) *auth.LDAP {
		t.Helper()
		d, err := auth.NewLDAP(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	d := newDir(t, ldapConfig(srv.URL))

	t.Run("OK", func(t *testing.T) {
		for _, name := range []string{"ada", "ada@example.edu", "ADA"} {
			x, err := d.Authenticate(ctx, name, ldaptest.AdaPassword)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			want := app.ExternalAccount{ExternalID: "ldap:ada", Email: "ada@example.edu", FirstName: "Ada", LastName: "Lovelace",
				ORCID: "0000-0002-1825-0097", Groups: []string{"Physics"}}
			if x.ExternalID != want.ExternalID || x.Email != want.Email || x.FirstName != want.FirstName || x.LastName != want.LastName ||
				x.ORCID != want.ORCID || strings.Join(x.Groups, ",") != "Physics" || x.Admin {
				t.Errorf("%s: got %+v\nwant %+v", name, x, want)
			}
		}
		x, err := d.Authenticate(ctx, "charles", ldaptest.CharlesPassword)
		if err != nil {
			t.Fatal(err)
		}
		if x.FirstName != "Charles" || x.LastName != "Babbage" || !x.Admin || len(x.Groups) != 0 {
			t.Errorf("charles: %+v (name from displayName, administrator by group)", x)
		}
	})
	t.Run("GroupSearch", func(t *testing.T) {
		cfg := ldapConfig(srv.URL)
		cfg.GroupAttribute, cfg.GroupBaseDN = "", ldaptest.GroupsDN
		x, err := newDir(t, cfg).Authenticate(ctx, "charles", ldaptest.CharlesPassword)
		if err != nil || !x.Admin {
			t.Fatalf("group search: %+v, %v", x, err)
		}
	})
	refused := func(t *testing.T, d *auth.LDAP, name, pw string) {
		t.Helper()
		x, err := d.Authenticate(ctx, name, pw)
		if app.ErrorCode(err) != app.EUNAUTHORIZED {
			t.Errorf("%q / %q: %+v, %v; want EUNAUTHORIZED", name, pw, x, err)
		}
	}
	t.Run("ErrRefused", func(t *testing.T) {
		refused(t, d, "ada", "wrong password")
		refused(t, d, "ada", "")                           // an unauthenticated bind must not count
		refused(t, d, "nobody", ldaptest.AdaPassword)      // unknown
		refused(t, d, "mallory", ldaptest.MalloryPassword) // locked
	})
	t.Run("ErrFilterInjection", func(t *testing.T) {
		for _, name := range []string{"*)(uid=*", "*", "ad*", "ada)(|(uid=*", `ada\2a`, "*)(|(objectClass=*"} {
			refused(t, d, name, ldaptest.AdaPassword)
		}
	})
	t.Run("StartTLS", func(t *testing.T) {
		cfg := ldapConfig(srv.URL)
		cfg.StartTLS, cfg.CAFile = true, srv.CAFile
		if _, err := newDir(t, cfg).Authenticate(ctx, "ada", ldaptest.AdaPassword); err != nil {
			t.Fatal(err)
		}
		cfg.CAFile = ""
		if _, err := newDir(t, cfg).Authenticate(ctx, "ada", ldaptest.AdaPassword); app.ErrorCode(err) != app.EINTERNAL {
			t.Errorf("StartTLS to a server signed by an unknown CA: %v, want an internal error", err)
		}
	})
	t.Run("LDAPS", func(t *testing.T) {
		cfg := ldapConfig(srv.LDAPSURL)
		cfg.CAFile = srv.CAFile
		if _, err := newDir(t, cfg).Authenticate(ctx, "ada", ldaptest.AdaPassword); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrServiceAccount", func(t *testing.T) {
		cfg := ldapConfig(srv.URL)
		cfg.BindPassword = "wrong"
		if _, err := newDir(t, cfg).Authenticate(ctx, "ada", ldaptest.AdaPassword); app.ErrorCode(err) != app.EINTERNAL {
			t.Errorf("bad service password: %v, want internal", err)
		}
	})
}

// TestLDAPLogin signs in through auth.Login: accounts are created at the
// first sign-in and updated at each, and a deactivated one is refused.
func TestLDAPLogin(t *testing.T) {
	srv := ldaptest.Start(t)
	ctx := context.Background()
	cat := mustCatalog(t)
	d, err := auth.NewLDAP(ldapConfig(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	login, err := auth.NewLogin(cat, true, d, auth.DefaultThrottle(), testLog())
	if err != nil {
		t.Fatal(err)
	}
	a, method, err := login.SignIn(ctx, "ada", ldaptest.AdaPassword, "127.0.0.1")
	if err != nil || method != "ldap" || a.Email != "ada@example.edu" || a.ORCID != "0000-0002-1825-0097" {
		t.Fatalf("first sign-in: %+v %q %v", a, method, err)
	}
	groups, _ := cat.DirectoryGroups(ctx, a.ID)
	if strings.Join(groups, ",") != "Physics" {
		t.Errorf("groups = %v", groups)
	}
	again, _, err := login.SignIn(ctx, "ada@example.edu", ldaptest.AdaPassword, "127.0.0.1")
	if err != nil || again.ID != a.ID {
		t.Fatalf("second sign-in made another account: %+v %v", again, err)
	}
	c, _, err := login.SignIn(ctx, "charles", ldaptest.CharlesPassword, "127.0.0.1")
	if err != nil || !c.Admin {
		t.Fatalf("charles: %+v %v", c, err)
	}
	if err := cat.SetAccountActive(ctx, a.ID, false, &app.AuditEntry{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := login.SignIn(ctx, "ada", ldaptest.AdaPassword, "127.0.0.1"); app.ErrorCode(err) != app.EUNAUTHORIZED {
		t.Errorf("deactivated LDAP account signed in: %v", err)
	}
	_, _, e1 := login.SignIn(ctx, "mallory", ldaptest.MalloryPassword, "127.0.0.1")
	_, _, e2 := login.SignIn(ctx, "nobody", "whatever it is", "127.0.0.1")
	if e1 == nil || e2 == nil || app.ErrorMessage(e1) != app.ErrorMessage(e2) {
		t.Errorf("locked and unknown answers differ: %v / %v", e1, e2)
	}
}

func testLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
