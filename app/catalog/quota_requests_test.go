package catalog_test

import (
	"context"
	"sync"
	"testing"

	"carrel/app"
)

// TestQuotaRequests checks that one request waits per account, that two
// administrators deciding at once cannot both succeed, and that the
// approval and the new quota commit together.
func TestQuotaRequests(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	a := mustAccount(t, db, "ann@example.edu")
	admin := mustAccount(t, db, "boss@example.edu")
	who := app.AuditEntry{ActorID: a.ID}

	t.Run("ErrNoLimit", func(t *testing.T) {
		q := &app.QuotaRequest{AccountID: a.ID, Requested: 5e9, Reason: "Imagery"}
		if err := db.RequestQuota(ctx, q, 0, who); app.ErrorCode(err) != app.EUNPROCESSABLE {
			t.Fatalf("request with no limit: %v", err)
		}
	})
	q := &app.QuotaRequest{AccountID: a.ID, Requested: 5e9, Reason: "  Imagery  "}
	if err := db.RequestQuota(ctx, q, 1e9, who); err != nil {
		t.Fatal(err)
	}
	if q.Previous != 1e9 || q.Reason != "Imagery" || q.Status != app.QuotaPending {
		t.Fatalf("request: %+v", q)
	}
	t.Run("ErrSecondPending", func(t *testing.T) {
		again := &app.QuotaRequest{AccountID: a.ID, Requested: 6e9, Reason: "More"}
		if err := db.RequestQuota(ctx, again, 1e9, who); app.ErrorCode(err) != app.ECONFLICT {
			t.Fatalf("second request: %v", err)
		}
	})
	t.Run("ErrUnknownAccount", func(t *testing.T) {
		if err := db.RequestQuota(ctx, &app.QuotaRequest{AccountID: 999, Requested: 5e9, Reason: "x"}, 1e9, who); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("request for nobody: %v", err)
		}
	})

	// Two deciders at once: exactly one wins.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, d := range []app.QuotaDecision{{Approve: true, Quota: 4e9}, {Note: "No room"}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = db.DecideQuotaRequest(ctx, q.ID, d, app.AuditEntry{ActorID: admin.ID})
		}()
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) || app.ErrorCode(errs[0])+app.ErrorCode(errs[1]) != app.ECONFLICT {
		t.Fatalf("two decisions: %v, %v", errs[0], errs[1])
	}
	got, err := db.QuotaRequest(ctx, q.ID)
	if err != nil {
		t.Fatal(err)
	}
	acct, err := db.Account(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	switch got.Status {
	case app.QuotaApproved:
		if acct.Quota != 4e9 || got.Granted != 4e9 || got.DecidedBy != admin.ID {
			t.Fatalf("approved: %+v, quota %d", got, acct.Quota)
		}
	case app.QuotaDeclined:
		if acct.Quota != 0 || got.Note != "No room" {
			t.Fatalf("declined: %+v, quota %d", got, acct.Quota)
		}
	default:
		t.Fatalf("undecided: %+v", got)
	}
	entries, err := db.AuditEntries(ctx, app.AuditFilter{Action: "quota."})
	if err != nil || len(entries) != 2 {
		t.Fatalf("audit: %v %+v", err, entries)
	}

	t.Run("ErrBadDecision", func(t *testing.T) {
		for _, d := range []app.QuotaDecision{{Note: " "}, {Approve: true, Quota: -1}, {Approve: true, Quota: app.MaxQuota + 1}} {
			if _, err := db.DecideQuotaRequest(ctx, q.ID, d, who); app.ErrorCode(err) != app.EUNPROCESSABLE {
				t.Errorf("decision %+v: %v", d, err)
			}
		}
		if _, err := db.DecideQuotaRequest(ctx, 999, app.QuotaDecision{Note: "x"}, who); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("deciding nothing: %v", err)
		}
	})
	t.Run("OK", func(t *testing.T) {
		list, err := db.QuotaRequests(ctx, app.QuotaRequestFilter{AccountID: a.ID})
		if err != nil || len(list) != 1 {
			t.Fatalf("list: %v %+v", err, list)
		}
		flag := &app.Account{Email: "flag@example.edu", FirstName: "Flo", Admin: true}
		if err := db.CreateAccount(ctx, flag, ""); err != nil {
			t.Fatal(err)
		}
		if err := db.AssignRole(ctx, app.RoleAssignment{AccountID: admin.ID, Role: app.RoleAdministrator}, who); err != nil {
			t.Fatal(err)
		}
		admins, err := db.Administrators(ctx)
		if err != nil || len(admins) != 2 || admins[0].ID != admin.ID || admins[1].ID != flag.ID {
			t.Fatalf("administrators: %v %+v", err, admins)
		}
	})
}
