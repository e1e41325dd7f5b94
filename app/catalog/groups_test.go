package catalog_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"carrel/app"
	"carrel/app/catalog"
)

// mustGroup creates a group under parent.
func mustGroup(tb testing.TB, db *catalog.DB, name string, parent, quota int64) *app.Group {
	tb.Helper()
	g := &app.Group{Name: name, ParentID: parent, Quota: quota}
	if err := db.CreateGroup(context.Background(), g, app.AuditEntry{ActorID: 1}); err != nil {
		tb.Fatal(err)
	}
	return g
}

func TestGroups(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	uni := mustGroup(t, db, "University", 0, 0)
	sci := mustGroup(t, db, "Faculty of Science", uni.ID, 0)
	phys := mustGroup(t, db, "Physics", sci.ID, 0)
	arts := mustGroup(t, db, "Faculty of Arts", uni.ID, 0)

	t.Run("Subtree", func(t *testing.T) {
		got, err := db.Subtree(ctx, sci.ID)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		if want := []int64{sci.ID, phys.ID}; !slices.Equal(got, want) {
			t.Fatalf("subtree = %v, want %v", got, want)
		}
	})
	t.Run("ErrBadInput", func(t *testing.T) {
		for name, g := range map[string]*app.Group{
			"empty name":     {Name: "  "},
			"missing parent": {Name: "Orphans", ParentID: 999},
			"negative quota": {Name: "Neg", Quota: -1},
		} {
			if err := db.CreateGroup(ctx, g, app.AuditEntry{}); app.ErrorCode(err) != app.EINVALID {
				t.Errorf("%s: err = %v, want EINVALID", name, err)
			}
		}
		if err := db.CreateGroup(ctx, &app.Group{Name: "Physics", ParentID: sci.ID}, app.AuditEntry{}); app.ErrorCode(err) != app.ECONFLICT {
			t.Errorf("duplicate sibling: err = %v, want ECONFLICT", err)
		}
		loop := *sci
		loop.ParentID = phys.ID
		if err := db.UpdateGroup(ctx, &loop, app.AuditEntry{}); app.ErrorCode(err) != app.EINVALID {
			t.Errorf("cycle: err = %v, want EINVALID", err)
		}
	})
	t.Run("RolesCoverSubgroups", func(t *testing.T) {
		rev := mustAccount(t, db, "reviewer@example.edu")
		if err := db.AssignRole(ctx, app.RoleAssignment{AccountID: rev.ID, Role: app.RoleReviewer, GroupID: sci.ID}, app.AuditEntry{ActorID: 1}); err != nil {
			t.Fatal(err)
		}
		act, err := db.Actor(ctx, rev)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			group int64
			want  bool
		}{{sci.ID, true}, {phys.ID, true}, {uni.ID, false}, {arts.ID, false}, {0, false}} {
			if got := act.HasRole(app.RoleReviewer, c.group); got != c.want {
				t.Errorf("reviewer on group %d = %v, want %v", c.group, got, c.want)
			}
		}
		if act.HasRole(app.RoleGroupAdmin, phys.ID) || act.Admin {
			t.Error("a reviewer holds no other role")
		}
		if err := db.AssignRole(ctx, app.RoleAssignment{AccountID: rev.ID, Role: app.RoleAdministrator, GroupID: sci.ID}, app.AuditEntry{}); app.ErrorCode(err) != app.EINVALID {
			t.Errorf("administrator on a group: err = %v, want EINVALID", err)
		}
		if err := db.RevokeRole(ctx, app.RoleAssignment{AccountID: rev.ID, Role: app.RoleReviewer, GroupID: sci.ID}, app.AuditEntry{ActorID: 1}); err != nil {
			t.Fatal(err)
		}
		if err := db.RevokeRole(ctx, app.RoleAssignment{AccountID: rev.ID, Role: app.RoleReviewer, GroupID: sci.ID}, app.AuditEntry{}); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("revoke twice: err = %v, want ENOTFOUND", err)
		}
		entries, err := db.AuditEntries(ctx, app.AuditFilter{Action: "role."})
		if err != nil || len(entries) != 2 || entries[0].Action != "role.revoke" || entries[1].Action != "role.assign" ||
			entries[1].Target != fmt.Sprintf("account:%d", rev.ID) || entries[1].ActorID != 1 {
			t.Fatalf("audit = %+v, %v", entries, err)
		}
		groupAudit, _ := db.AuditEntries(ctx, app.AuditFilter{Action: "group.create"})
		if len(groupAudit) != 4 {
			t.Errorf("group.create audited %d times, want 4", len(groupAudit))
		}
	})
	t.Run("GroupQuota", func(t *testing.T) {
		lab := mustGroup(t, db, "Small lab", phys.ID, 0)
		sci.Quota = 25
		if err := db.UpdateGroup(ctx, sci, app.AuditEntry{}); err != nil {
			t.Fatal(err)
		}
		owner := mustAccount(t, db, "depositor@example.edu")
		it, err := db.CreateItem(ctx, owner.ID, lab.ID, complete())
		if err != nil {
			t.Fatal(err)
		}
		mustFile(t, db, it.ID, "a.csv", app.FileAvailable) // 10 bytes
		mustFile(t, db, it.ID, "b.csv", app.FileAvailable) // 20
		f := &app.File{ItemID: it.ID, Name: "c.csv", Size: 10, StorageKey: "k/c", UploadToken: "t-c", PartSize: app.MinPartSize}
		if err := db.CreateFile(ctx, f, 0); app.ErrorCode(err) != app.ETOOLARGE {
			t.Fatalf("over the faculty's quota: err = %v, want ETOOLARGE", err)
		}
		f.Size = 5
		if err := db.CreateFile(ctx, f, 0); err != nil {
			t.Fatalf("within quota: %v", err)
		}
		if _, err := db.CreateItem(ctx, owner.ID, 999, complete()); app.ErrorCode(err) != app.EINVALID {
			t.Errorf("item in a missing group: err = %v, want EINVALID", err)
		}
	})
}
