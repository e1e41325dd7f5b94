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
