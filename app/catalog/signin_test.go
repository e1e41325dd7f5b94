package catalog_test

import (
	"context"
	"testing"
	"time"

	"carrel/app"
)

func TestUpsertExternalAccount(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	g := &app.Group{Name: "Physics"}
	if err := db.CreateGroup(ctx, g, app.AuditEntry{}); err != nil {
		t.Fatal(err)
	}
	x := &app.ExternalAccount{ExternalID: "ldap:ada", Email: "ada@example.edu", FirstName: "Ada", LastName: "Lovelace",
		Groups: []string{"Nonexistent", "physics"}}
	a, created, err := db.UpsertExternalAccount(ctx, x)
	if err != nil || !created || a.GroupID != g.ID || a.Admin {
		t.Fatalf("first sign-in: %+v %v %v", a, created, err)
	}
	x.Email, x.LastName, x.Admin, x.Groups = "ada.lovelace@example.edu", "King", true, nil
	b, created, err := db.UpsertExternalAccount(ctx, x)
	if err != nil || created || b.ID != a.ID || b.Email != x.Email || b.LastName != "King" || !b.Admin {
		t.Fatalf("update: %+v %v %v", b, created, err)
	}
	if _, _, err := db.UpsertExternalAccount(ctx, &app.ExternalAccount{ExternalID: "", Email: "x@example.edu"}); app.ErrorCode(err) != app.EINVALID {
		t.Errorf("no external id: %v", err)
	}
	if _, _, err := db.UpsertExternalAccount(ctx, &app.ExternalAccount{ExternalID: "saml:x", Email: "not an email"}); app.ErrorCode(err) != app.EINVALID {
		t.Errorf("bad email: %v", err)
	}
}

func TestRememberAssertion(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	exp := time.Now().Add(time.Hour)
	if err := db.RememberAssertion(ctx, "campus:id-1", exp); err != nil {
		t.Fatal(err)
	}
	if err := db.RememberAssertion(ctx, "campus:id-1", exp); app.ErrorCode(err) != app.ECONFLICT {
		t.Errorf("replay: %v, want ECONFLICT", err)
	}
}

func TestSigninFailures(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	now := time.Now()
	db.SetClock(func() time.Time { return now })
	for range 3 {
		if err := db.RecordSigninFailure(ctx, time.Hour, "account:a", "address:1"); err != nil {
			t.Fatal(err)
		}
	}
	if n, last, err := db.SigninFailures(ctx, "account:a"); err != nil || n != 3 || last.Unix() != now.Unix() {
		t.Fatalf("failures = %d at %v, %v", n, last, err)
	}
	// Two hours on, the old counts are gone and a new failure counts one.
	now = now.Add(2 * time.Hour)
	if err := db.RecordSigninFailure(ctx, time.Hour, "account:b"); err != nil {
		t.Fatal(err)
	}
	if n, _, _ := db.SigninFailures(ctx, "account:a"); n != 0 {
		t.Errorf("stale count kept: %d", n)
	}
	if err := db.ClearSigninFailures(ctx, "account:b"); err != nil {
		t.Fatal(err)
	}
	if n, _, _ := db.SigninFailures(ctx, "account:b"); n != 0 {
		t.Errorf("cleared count kept: %d", n)
	}
}
