package catalog_test

import (
	"context"
	"testing"
	"time"

	"carrel/app"
)

// TestOAuth checks that codes work once and a replay revokes what they
// issued, that refresh tokens rotate and a replayed one revokes the chain,
// that expiry is enforced, and that removing an application ends its
// tokens.
func TestOAuth(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	db.SetClock(func() time.Time { return now })
	acct := mustAccount(t, db, "o@example.edu")
	a := &app.OAuthApp{ClientID: "c1", Name: "Reader", RedirectURIs: []string{"https://tool.example/cb"}, SecretHash: "s"}
	if err := db.CreateOAuthApp(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateOAuthApp(ctx, &app.OAuthApp{ClientID: "c2", Name: "Bad", RedirectURIs: []string{"http://tool.example/cb"}}); app.ErrorCode(err) != app.EUNPROCESSABLE {
		t.Fatalf("plain-http redirect URI: %v", err)
	}
	code := func(hash string) {
		t.Helper()
		if err := db.CreateOAuthCode(ctx, &app.OAuthCode{Hash: hash, AppID: a.ID, AccountID: acct.ID, RedirectURI: "https://tool.example/cb",
			Scope: app.OAuthScope, Expires: now.Add(time.Minute)}); err != nil {
			t.Fatal(err)
		}
	}
	grant := func(n string) *app.OAuthGrant {
		return &app.OAuthGrant{AccessHash: "a" + n, RefreshHash: "r" + n, AccessExpires: now.Add(time.Hour), RefreshExpires: now.Add(24 * time.Hour)}
	}
	works := func(access string, want bool) {
		t.Helper()
		_, _, err := db.AccountByOAuthToken(ctx, access)
		if (err == nil) != want {
			t.Fatalf("access token %s works: %v, want %v", access, err == nil, want)
		}
	}

	code("k1")
	if err := db.RedeemOAuthCode(ctx, "k1", a.ID, "https://tool.example/other", grant("x")); app.ErrorCode(err) != app.EUNPROCESSABLE {
		t.Fatalf("other redirect URI: %v", err)
	}
	if err := db.RedeemOAuthCode(ctx, "k1", a.ID+1, "https://tool.example/cb", grant("x")); app.ErrorCode(err) != app.ENOTFOUND {
		t.Fatalf("another application's code: %v", err)
	}
	if err := db.RedeemOAuthCode(ctx, "k1", a.ID, "https://tool.example/cb", grant("1")); err != nil {
		t.Fatal(err)
	}
	works("a1", true)
	if err := db.RefreshOAuthGrant(ctx, "r1", a.ID, grant("2")); err != nil {
		t.Fatal(err)
	}
	works("a1", false)
	works("a2", true)
	if err := db.RedeemOAuthCode(ctx, "k1", a.ID, "https://tool.example/cb", grant("3")); app.ErrorCode(err) != app.ECONFLICT {
		t.Fatalf("replayed code: %v", err)
	}
	works("a2", false) // the replay revoked the whole chain

	code("k2")
	if err := db.RedeemOAuthCode(ctx, "k2", a.ID, "https://tool.example/cb", grant("4")); err != nil {
		t.Fatal(err)
	}
	if err := db.RefreshOAuthGrant(ctx, "r4", a.ID, grant("5")); err != nil {
		t.Fatal(err)
	}
	if err := db.RefreshOAuthGrant(ctx, "r4", a.ID, grant("6")); app.ErrorCode(err) != app.ECONFLICT {
		t.Fatalf("replayed refresh token: %v", err)
	}
	works("a5", false)

	code("k3")
	now = now.Add(2 * time.Minute)
	if err := db.RedeemOAuthCode(ctx, "k3", a.ID, "https://tool.example/cb", grant("7")); app.ErrorCode(err) != app.EUNPROCESSABLE {
		t.Fatalf("expired code: %v", err)
	}
	code("k4")
	if err := db.RedeemOAuthCode(ctx, "k4", a.ID, "https://tool.example/cb", grant("8")); err != nil {
		t.Fatal(err)
	}
	now = now.Add(2 * time.Hour)
	works("a8", false) // expired
	if err := db.RefreshOAuthGrant(ctx, "r8", a.ID, grant("9")); err != nil {
		t.Fatal(err)
	}
	works("a9", true)
	if err := db.RemoveOAuthApp(ctx, "c1", 0); err != nil {
		t.Fatal(err)
	}
	works("a9", false)
	if err := db.RemoveOAuthApp(ctx, "c1", 0); app.ErrorCode(err) != app.ENOTFOUND {
		t.Fatalf("removing twice: %v", err)
	}
	entries, _ := db.AuditEntries(ctx, app.AuditFilter{Action: "oauth."})
	if len(entries) < 10 {
		t.Fatalf("only %d oauth audit entries", len(entries))
	}
}
