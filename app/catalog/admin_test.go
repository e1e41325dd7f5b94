package catalog_test

import (
	"context"
	"testing"

	"carrel/app"
)

func TestAdminQueries(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	who := app.AuditEntry{Address: "test"}
	top := &app.Group{Name: "Science", Quota: 1000}
	if err := db.CreateGroup(ctx, top, who); err != nil {
		t.Fatal(err)
	}
	sub := &app.Group{Name: "Physics", ParentID: top.ID}
	if err := db.CreateGroup(ctx, sub, who); err != nil {
		t.Fatal(err)
	}
	if err := db.SetGroupReview(ctx, top.ID, true, who); err != nil {
		t.Fatal(err)
	}
	a := &app.Account{Email: "ann_x@example.edu", FirstName: "Ann", LastName: "Lee"}
	if err := db.CreateAccount(ctx, a, ""); err != nil {
		t.Fatal(err)
	}
	b := &app.Account{Email: "bob@example.edu", FirstName: "Bob", LastName: "Lee"}
	if err := db.CreateAccount(ctx, b, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateItem(ctx, a.ID, sub.ID, app.Metadata{Title: "One"}); err != nil {
		t.Fatal(err)
	}
	o, err := db.Overview(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if o.ItemsByStatus[app.StatusDraft] != 1 || o.Accounts != 2 || o.ActiveAccounts != 2 || o.PendingReviews != 0 {
		t.Fatalf("overview %+v", o)
	}
	us, err := db.GroupUsages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(us) != 2 || us[0].ID != top.ID || !us[0].Own || us[1].Depth != 1 || !us[1].Review || us[1].Own {
		t.Fatalf("usages %+v", us)
	}
}
