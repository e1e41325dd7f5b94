package catalog_test

import (
	"context"
	"fmt"
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
	for q, want := range map[string]int{"lee": 2, "ANN": 1, "_": 1, "%": 0, "bob@": 1} {
		got, err := db.Accounts(ctx, app.AccountFilter{Query: q})
		if err != nil || len(got) != want {
			t.Fatalf("search %q: %d accounts (%v), want %d", q, len(got), err, want)
		}
	}
	if err := db.SetAccountAccess(ctx, b.ID, app.AccountAccess{GroupID: 99}, who); app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("unknown group: %v", err)
	}
	if err := db.SetAccountAccess(ctx, b.ID, app.AccountAccess{Quota: -1, Active: true}, who); app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("negative quota: %v", err)
	}
	if err := db.SetAccountAccess(ctx, 999, app.AccountAccess{Active: true}, who); app.ErrorCode(err) != app.ENOTFOUND {
		t.Fatalf("unknown account: %v", err)
	}
	if err := db.SetAccountAccess(ctx, b.ID, app.AccountAccess{GroupID: sub.ID, Quota: 500, Active: false}, who); err != nil {
		t.Fatal(err)
	}
	got, _ := db.Account(ctx, b.ID)
	if got.GroupID != sub.ID || got.Quota != 500 || got.Active {
		t.Fatalf("account after change %+v", got)
	}
	es, _ := db.AuditEntries(ctx, app.AuditFilter{Target: fmt.Sprintf("account:%d", b.ID)})
	if len(es) != 2 || es[0].Action != "account.deactivate" || es[1].Detail != "group=0->2 quota=0->500" {
		t.Fatalf("audit %+v", es)
	}
	if inactive, _ := db.Accounts(ctx, app.AccountFilter{Active: "no"}); len(inactive) != 1 {
		t.Fatalf("inactive: %+v", inactive)
	}
}
