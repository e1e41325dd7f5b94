package catalog_test

import (
	"context"
	"testing"
	"time"

	"carrel/app"
)

func TestEmbargoAndLinks(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	db.SetClock(func() time.Time { return now })
	owner := mustAccount(t, db, "owner@example.edu")
	it, err := db.CreateItem(ctx, owner.ID, 0, complete())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Publish(ctx, it.ID); err != nil {
		t.Fatal(err)
	}
	var changed []int64
	db.OnChange(func(_ context.Context, _ int64, ids []int64) { changed = append(changed, ids...) })

	t.Run("EmbargoLiftsOnTime", func(t *testing.T) {
		until := now.Add(time.Hour)
		got, err := db.SetEmbargo(ctx, it.ID, app.Embargo{Type: app.EmbargoItem, Until: until, Reason: "patent"}, app.AuditEntry{ActorID: owner.ID})
		if err != nil || got.Embargo.Type != app.EmbargoItem || !got.Embargo.Until.Equal(until) || got.Embargo.Title == "" {
			t.Fatalf("SetEmbargo = %+v, %v", got, err)
		}
		if lifted, err := db.LiftExpiredEmbargoes(ctx); err != nil || len(lifted) != 0 {
			t.Fatalf("lifted early: %v %v", lifted, err)
		}
		now = now.Add(2 * time.Hour)
		changed = nil
		lifted, err := db.LiftExpiredEmbargoes(ctx)
		if err != nil || len(lifted) != 1 || lifted[0] != it.ID {
			t.Fatalf("lift = %v, %v", lifted, err)
		}
		if len(changed) != 1 {
			t.Errorf("a lift must be a catalog change for the index and OAI: %v", changed)
		}
		after, _ := db.Item(ctx, it.ID)
		if after.Embargo.Type != app.EmbargoNone {
			t.Errorf("embargo still set: %+v", after.Embargo)
		}
		if entries, _ := db.AuditEntries(ctx, app.AuditFilter{Action: "item.embargo."}); len(entries) != 2 ||
			entries[0].Action != "item.embargo.expire" || entries[1].ActorID != owner.ID {
			t.Errorf("audit = %+v", entries)
		}
	})
	t.Run("ErrBadEmbargo", func(t *testing.T) {
		if _, err := db.SetEmbargo(ctx, it.ID, app.Embargo{Type: "everything"}, app.AuditEntry{}); app.ErrorCode(err) != app.EUNPROCESSABLE {
			t.Errorf("bad type: %v", err)
		}
		if _, err := db.SetEmbargo(ctx, 999, app.Embargo{Type: app.EmbargoFiles}, app.AuditEntry{}); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("missing item: %v", err)
		}
	})
	t.Run("LinksExpireAtOnce", func(t *testing.T) {
		l := &app.PrivateLink{Token: "tok-1", Kind: app.LinkArticle, TargetID: it.ID, AccountID: owner.ID, Expires: now.Add(time.Minute)}
		if err := db.CreatePrivateLink(ctx, l, app.AuditEntry{ActorID: owner.ID}); err != nil {
			t.Fatal(err)
		}
		if got, err := db.PrivateLinkByToken(ctx, "tok-1"); err != nil || got.TargetID != it.ID {
			t.Fatalf("active link: %+v %v", got, err)
		}
		now = now.Add(time.Minute)
		if _, err := db.PrivateLinkByToken(ctx, "tok-1"); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("expired link still works: %v", err)
		}
		if n, err := db.DeleteExpiredPrivateLinks(ctx); err != nil || n != 1 {
			t.Fatalf("expiry job removed %d, %v", n, err)
		}
		if links, _ := db.PrivateLinks(ctx, app.LinkArticle, it.ID); len(links) != 0 {
			t.Errorf("links left: %+v", links)
		}
		if err := db.DeletePrivateLink(ctx, app.LinkArticle, it.ID, "tok-1", app.AuditEntry{}); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("delete twice: %v", err)
		}
		if _, err := db.PrivateLinkByToken(ctx, "no-such-token"); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("unknown token: %v", err)
		}
	})
}
