package app_test

import (
	"testing"
	"time"

	"carrel/app"
)

// TestAccessPolicy decides every item state for every kind of actor. Each
// expectation is four letters: may see the draft (y/n), may download the
// draft's files (y/n), view of the published version (N none, T tombstone,
// S embargo notice, M metadata, F full), may edit (y/n).
func TestAccessPolicy(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	const itemID, group, subgroup, otherGroup = 42, 10, 11, 20
	actors := []struct {
		name string
		a    app.Actor
	}{
		{"anonymous", app.Actor{}},
		{"owner", app.Actor{AccountID: 1}},
		{"other depositor", app.Actor{AccountID: 2}},
		{"reviewer of the group", app.Actor{AccountID: 3, Grants: []app.RoleGrant{{Role: app.RoleReviewer, GroupID: group, Covers: []int64{group, subgroup}}}}},
		{"reviewer of another group", app.Actor{AccountID: 4, Grants: []app.RoleGrant{{Role: app.RoleReviewer, GroupID: otherGroup, Covers: []int64{otherGroup}}}}},
		{"group admin", app.Actor{AccountID: 5, Grants: []app.RoleGrant{{Role: app.RoleGroupAdmin, GroupID: group, Covers: []int64{group, subgroup}}}}},
		{"administrator", app.Actor{AccountID: 6, Admin: true}},
		{"private-link holder", app.Actor{Link: app.LinkGrant{Kind: app.LinkArticle, TargetID: itemID}}},
		{"link to another item", app.Actor{AccountID: 2, Link: app.LinkGrant{Kind: app.LinkArticle, TargetID: itemID + 1}}},
		{"link to a collection", app.Actor{Link: app.LinkGrant{Kind: app.LinkCollection, TargetID: itemID}}},
		{"reporter of the group", app.Actor{AccountID: 7, Grants: []app.RoleGrant{{Role: app.RoleReporter, GroupID: group, Covers: []int64{group, subgroup}}}}},
	}
	base := func(status app.ItemStatus, version int) app.Item {
		return app.Item{ID: itemID, AccountID: 1, GroupID: subgroup, Status: status, Version: version}
	}
	future, past := now.Add(24*time.Hour), now.Add(-time.Hour)
	states := []struct {
		name string
		it   func() app.Item
		want []string // one per actor, in order
	}{
		{"draft", func() app.Item { return base(app.StatusDraft, 0) },
			[]string{"nnNn", "yyNy", "nnNn", "nnNn", "nnNn", "yyNy", "yyNy", "yyNn", "nnNn", "nnNn", "nnNn"}},
		{"pending review", func() app.Item { return base(app.StatusPending, 0) },
			[]string{"nnNn", "yyNy", "nnNn", "yyNn", "nnNn", "yyNy", "yyNy", "yyNn", "nnNn", "nnNn", "nnNn"}},
		{"published", func() app.Item { return base(app.StatusPublished, 1) },
			[]string{"nnFn", "yyFy", "nnFn", "nnFn", "nnFn", "yyFy", "yyFy", "yyFn", "nnFn", "nnFn", "nnFn"}},
		{"published, next version in review", func() app.Item {
			it := base(app.StatusPublished, 1)
			it.CurationStatus = app.CurationPending
			return it
		}, []string{"nnFn", "yyFy", "nnFn", "yyFn", "nnFn", "yyFy", "yyFy", "yyFn", "nnFn", "nnFn", "nnFn"}},
		{"embargoed whole item", func() app.Item {
			it := base(app.StatusPublished, 1)
			it.Embargo = app.Embargo{Type: app.EmbargoItem, Until: future}
			return it
		}, []string{"nnSn", "yyFy", "nnSn", "nnFn", "nnSn", "yyFy", "yyFy", "yyFn", "nnSn", "nnSn", "nnSn"}},
		{"embargoed files, dated", func() app.Item {
			it := base(app.StatusPublished, 1)
			it.Embargo = app.Embargo{Type: app.EmbargoFiles, Until: future}
			return it
		}, []string{"nnMn", "yyFy", "nnMn", "nnFn", "nnMn", "yyFy", "yyFy", "yyFn", "nnMn", "nnMn", "nnMn"}},
		{"embargoed whole item, permanent", func() app.Item {
			it := base(app.StatusPublished, 1)
			it.Embargo = app.Embargo{Type: app.EmbargoItem}
			return it
		}, []string{"nnSn", "yyFy", "nnSn", "nnFn", "nnSn", "yyFy", "yyFy", "yyFn", "nnSn", "nnSn", "nnSn"}},
		{"embargo past its date", func() app.Item {
			it := base(app.StatusPublished, 1)
			it.Embargo = app.Embargo{Type: app.EmbargoItem, Until: past}
			return it
		}, []string{"nnFn", "yyFy", "nnFn", "nnFn", "nnFn", "yyFy", "yyFy", "yyFn", "nnFn", "nnFn", "nnFn"}},
		{"embargoed draft", func() app.Item {
			it := base(app.StatusDraft, 0)
			it.Embargo = app.Embargo{Type: app.EmbargoItem, Until: future}
			return it
		}, []string{"nnNn", "yyNy", "nnNn", "nnNn", "nnNn", "yyNy", "yyNy", "yyNn", "nnNn", "nnNn", "nnNn"}},
		{"confidential", func() app.Item {
			it := base(app.StatusPublished, 1)
			it.Confidentiality = app.Confidentiality{Confidential: true, Reason: "patient data"}
			return it
		}, []string{"nnMn", "yyFy", "nnMn", "nnFn", "nnMn", "yyFy", "yyFy", "ynMn", "nnMn", "nnMn", "nnMn"}},
		{"confidential and embargoed", func() app.Item {
			it := base(app.StatusPublished, 1)
			it.Confidentiality = app.Confidentiality{Confidential: true}
			it.Embargo = app.Embargo{Type: app.EmbargoItem}
			return it
		}, []string{"nnMn", "yyFy", "nnMn", "nnFn", "nnMn", "yyFy", "yyFy", "ynMn", "nnMn", "nnMn", "nnMn"}},
		{"confidential draft", func() app.Item {
			it := base(app.StatusDraft, 0)
			it.Confidentiality = app.Confidentiality{Confidential: true}
			return it
		}, []string{"nnNn", "yyNy", "nnNn", "nnNn", "nnNn", "yyNy", "yyNy", "ynNn", "nnNn", "nnNn", "nnNn"}},
		{"withdrawn", func() app.Item { return base(app.StatusWithdrawn, 1) },
			[]string{"nnTn", "yyTy", "nnTn", "nnTn", "nnTn", "yyTy", "yyTy", "nnTn", "nnTn", "nnTn", "nnTn"}},
	}
	views := map[app.View]byte{app.ViewNone: 'N', app.ViewTombstone: 'T', app.ViewStub: 'S', app.ViewMetadata: 'M', app.ViewFull: 'F'}
	yn := func(b bool) byte {
		if b {
			return 'y'
		}
		return 'n'
	}
	for _, st := range states {
		if len(st.want) != len(actors) {
			t.Fatalf("%s: %d expectations for %d actors", st.name, len(st.want), len(actors))
		}
		for i, ac := range actors {
			it := st.it()
			got := string([]byte{yn(app.CanSeeDraft(ac.a, &it)), yn(app.CanDownloadDraft(ac.a, &it)),
				views[app.PublicView(ac.a, &it, now)], yn(app.CanEdit(ac.a, &it))})
			if got != st.want[i] {
				t.Errorf("%s × %s = %s, want %s", st.name, ac.name, got, st.want[i])
			}
		}
	}
}

func TestRolesAndGroups(t *testing.T) {
	rev := app.Actor{AccountID: 3, Grants: []app.RoleGrant{{Role: app.RoleReviewer, GroupID: 10, Covers: []int64{10, 11}}}}
	gadmin := app.Actor{AccountID: 5, Grants: []app.RoleGrant{{Role: app.RoleGroupAdmin, GroupID: 10, Covers: []int64{10, 11}}}}
	wide := app.Actor{AccountID: 8, Grants: []app.RoleGrant{{Role: app.RoleReviewer}}}
	admin := app.NewActor(&app.Account{ID: 9}, []app.RoleGrant{{Role: app.RoleAdministrator}})
	for _, c := range []struct {
		name      string
		got, want bool
	}{
		{"reviewer withdraws", app.CanWithdraw(rev, &app.Item{GroupID: 11}), false},
		{"group admin withdraws in its group", app.CanWithdraw(gadmin, &app.Item{GroupID: 11}), true},
		{"group admin withdraws elsewhere", app.CanWithdraw(gadmin, &app.Item{GroupID: 20}), false},
		{"owner curates own item", app.CanCurate(app.Actor{AccountID: 2}, &app.Item{AccountID: 2, GroupID: 11}), false},
		{"reviewer curates", app.CanCurate(rev, &app.Item{GroupID: 11}), false},
		{"group admin curates in its group", app.CanCurate(gadmin, &app.Item{GroupID: 11}), true},
		{"admin transfers to anyone", app.CanTransfer(admin, &app.Item{GroupID: 20}, 0), true},
		{"group admin transfers within its groups", app.CanTransfer(gadmin, &app.Item{GroupID: 11}, 10), true},
		{"group admin transfers out of its groups", app.CanTransfer(gadmin, &app.Item{GroupID: 11}, 20), false},
		{"group admin transfers to no group", app.CanTransfer(gadmin, &app.Item{GroupID: 11}, 0), false},
		{"group admin transfers a foreign item", app.CanTransfer(gadmin, &app.Item{GroupID: 20}, 10), false},
		{"owner transfers own item", app.CanTransfer(app.Actor{AccountID: 2}, &app.Item{AccountID: 2}, 0), false},
		{"reviewer reviews subgroup", app.CanReview(rev, &app.Item{GroupID: 11}), true},
		{"institution-wide reviewer reviews anywhere", app.CanReview(wide, &app.Item{GroupID: 99}), true},
		{"administrator role makes an administrator", admin.Admin, true},
		{"deposit in own group", app.CanDepositIn(app.Actor{AccountID: 2}, 30, 30), true},
		{"deposit in a foreign group", app.CanDepositIn(app.Actor{AccountID: 2}, 30, 10), false},
		{"group admin deposits in its subgroup", app.CanDepositIn(gadmin, 0, 11), true},
		{"anonymous deposits", app.CanDepositIn(app.Actor{}, 0, 0), false},
		{"group admin manages subgroup", app.CanManageGroup(gadmin, 11), true},
		{"group admin manages parent", app.CanManageGroup(gadmin, 1), false},
		{"admin impersonates depositor", app.CanImpersonate(admin, &app.Account{ID: 2, Active: true}, 0), true},
		{"admin impersonates admin", app.CanImpersonate(admin, &app.Account{ID: 2, Active: true, Admin: true}, 0), false},
		{"group admin impersonates member", app.CanImpersonate(gadmin, &app.Account{ID: 2, Active: true}, 11), true},
		{"group admin impersonates outsider", app.CanImpersonate(gadmin, &app.Account{ID: 2, Active: true}, 20), false},
		{"reviewer impersonates", app.CanImpersonate(rev, &app.Account{ID: 2, Active: true}, 11), false},
		{"impersonate deactivated", app.CanImpersonate(admin, &app.Account{ID: 2}, 0), false},
	} {
		if c.got != c.want {
			t.Errorf("%s: %v, want %v", c.name, c.got, c.want)
		}
	}
	for _, s := range []string{"administrator", "Group Administrator", "group-admin", "REVIEWER", "reporter", "depositor"} {
		r, err := app.ParseRole(s)
		if err != nil {
			t.Errorf("ParseRole(%q): %v", s, err)
		}
		if back, err := app.RoleByID(r.RoleID()); err != nil || back != r {
			t.Errorf("role id round trip %q: %v %v", r, back, err)
		}
	}
	if _, err := app.ParseRole("root"); app.ErrorCode(err) != app.EINVALID {
		t.Errorf("unknown role: %v", err)
	}
	e := app.Embargo{Type: "everything"}
	if err := e.Validate(); app.ErrorCode(err) != app.EUNPROCESSABLE {
		t.Errorf("bad embargo type: %v", err)
	}
}
