package catalog_test

import (
	"context"
	"testing"
	"time"

	"carrel/app"
)

func TestAudit(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	clock := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	db.SetClock(func() time.Time { clock = clock.Add(time.Second); return clock })
	for _, e := range []app.AuditEntry{
		{ActorID: 1, Action: "signin.ok", Address: "192.0.2.1"},
		{ActorID: 0, Action: "signin.failed", Detail: "unknown user", Address: "192.0.2.2"},
		{ActorID: 2, OnBehalf: 1, Action: "item.publish", Target: "item:9"},
		{ActorID: 1, Action: "token.create", Target: "token:3"},
	} {
		if err := db.Audit(ctx, &e); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("ErrInvalid", func(t *testing.T) {
		if err := db.Audit(ctx, &app.AuditEntry{}); app.ErrorCode(err) != app.EINVALID {
			t.Fatalf("got %v, want EINVALID", err)
		}
	})
	for _, tc := range []struct {
		name string
		f    app.AuditFilter
		want []string
	}{
		{"All", app.AuditFilter{}, []string{"token.create", "item.publish", "signin.failed", "signin.ok"}},
		{"Prefix", app.AuditFilter{Action: "signin."}, []string{"signin.failed", "signin.ok"}},
		{"Exact", app.AuditFilter{Action: "signin"}, nil},
		{"ActorOrImpersonated", app.AuditFilter{ActorID: 1}, []string{"token.create", "item.publish", "signin.ok"}},
		{"Target", app.AuditFilter{Target: "item:9"}, []string{"item.publish"}},
		{"Since", app.AuditFilter{Since: time.Date(2026, 1, 2, 3, 4, 8, 0, time.UTC)}, []string{"token.create", "item.publish"}},
		{"Page", app.AuditFilter{Offset: 1, Limit: 2}, []string{"item.publish", "signin.failed"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := db.AuditEntries(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var actions []string
			for _, e := range got {
				actions = append(actions, e.Action)
			}
			if len(actions) != len(tc.want) {
				t.Fatalf("got %v, want %v", actions, tc.want)
			}
			for i := range actions {
				if actions[i] != tc.want[i] {
					t.Fatalf("got %v, want %v", actions, tc.want)
				}
			}
		})
	}
}
