package auth_test

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"carrel/app"
	"carrel/app/auth"
	"carrel/app/catalog"
)

// mustCatalog opens a real catalog with one account (id 1) for sessions.
func mustCatalog(t *testing.T) *catalog.DB {
	t.Helper()
	cat, err := catalog.Open(context.Background(), filepath.Join(t.TempDir(), "catalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cat.Close() })
	if err := cat.CreateAccount(context.Background(), &app.Account{Email: "a@example.edu", LastName: "A"}, ""); err != nil {
		t.Fatal(err)
	}
	return cat
}

func TestSessions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "session.key")
	cat := mustCatalog(t)
	s, err := auth.OpenSessions(path, cat)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("KeyFileIsPrivate", func(t *testing.T) {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := fi.Mode().Perm(), os.FileMode(0o600); got != want {
			t.Errorf("mode = %v, want %v", got, want)
		}
	})
	signIn := func(s *auth.Sessions, r *http.Request) *http.Cookie {
		t.Helper()
		w := httptest.NewRecorder()
		if err := s.SignIn(w, r, app.Session{AccountID: 1, Method: "local"}); err != nil {
			t.Fatal(err)
		}
		return w.Result().Cookies()[0]
	}
	t.Run("OK", func(t *testing.T) {
		c := signIn(s, httptest.NewRequest("GET", "/", nil))
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure {
			t.Errorf("cookie attributes: %+v", c)
		}
		r := httptest.NewRequest("GET", "/", nil)
		r.AddCookie(c)
		if id, ok := s.AccountID(r); !ok || id != 1 {
			t.Errorf("AccountID = %d, %v; want 1, true", id, ok)
		}
		s2, err := auth.OpenSessions(path, cat)
		if err != nil {
			t.Fatal(err)
		}
		if id, ok := s2.AccountID(r); !ok || id != 1 {
			t.Errorf("after restart: AccountID = %d, %v; want 1, true", id, ok)
		}
	})
	t.Run("SecureOverTLS", func(t *testing.T) {
		r := httptest.NewRequest("GET", "https://example.edu/", nil)
		r.TLS = &tls.ConnectionState{}
		if c := signIn(s, r); !c.Secure {
			t.Error("cookie over TLS is not Secure")
		}
	})
	t.Run("RotatedAtSignIn", func(t *testing.T) {
		r := httptest.NewRequest("GET", "/", nil)
		a, b := signIn(s, r), signIn(s, r)
		if a.Value == b.Value {
			t.Error("two sign-ins produced the same cookie")
		}
	})
	t.Run("ErrTampered", func(t *testing.T) {
		c := signIn(s, httptest.NewRequest("GET", "/", nil))
		for _, v := range []string{"", "garbage", strings.ToUpper(c.Value), c.Value[:len(c.Value)-4]} {
			r := httptest.NewRequest("GET", "/", nil)
			r.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: v})
			if _, ok := s.AccountID(r); ok {
				t.Errorf("cookie %q accepted", v)
			}
		}
		other, err := auth.OpenSessions(filepath.Join(t.TempDir(), "other.key"), cat)
		if err != nil {
			t.Fatal(err)
		}
		r := httptest.NewRequest("GET", "/", nil)
		r.AddCookie(c)
		if _, ok := other.AccountID(r); ok {
			t.Error("a cookie from another installation was accepted")
		}
	})
	t.Run("SignOut", func(t *testing.T) {
		c := signIn(s, httptest.NewRequest("GET", "/", nil))
		r := httptest.NewRequest("POST", "/logout", nil)
		r.AddCookie(c)
		w := httptest.NewRecorder()
		if ended, err := s.SignOut(w, r); err != nil || ended == nil || ended.AccountID != 1 {
			t.Fatalf("SignOut = %+v, %v", ended, err)
		}
		if c := w.Result().Cookies()[0]; c.MaxAge >= 0 {
			t.Errorf("sign-out cookie MaxAge = %d", c.MaxAge)
		}
		// A copy of the cookie kept from before sign-out is worthless.
		r = httptest.NewRequest("GET", "/", nil)
		r.AddCookie(c)
		if _, ok := s.AccountID(r); ok {
			t.Error("the session survived sign-out")
		}
	})
	t.Run("FixationImpossible", func(t *testing.T) {
		fixed := signIn(s, httptest.NewRequest("GET", "/", nil))
		r := httptest.NewRequest("POST", "/login", nil)
		r.AddCookie(fixed)
		fresh := signIn(s, r)
		old := httptest.NewRequest("GET", "/", nil)
		old.AddCookie(fixed)
		if _, ok := s.AccountID(old); ok {
			t.Error("the session the browser had before sign-in still works")
		}
		now := httptest.NewRequest("GET", "/", nil)
		now.AddCookie(fresh)
		if _, ok := s.AccountID(now); !ok {
			t.Error("the new session does not work")
		}
	})
	t.Run("Deactivated", func(t *testing.T) {
		c := signIn(s, httptest.NewRequest("GET", "/", nil))
		if err := cat.SetAccountActive(context.Background(), 1, false, &app.AuditEntry{}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cat.SetAccountActive(context.Background(), 1, true, &app.AuditEntry{}) })
		r := httptest.NewRequest("GET", "/", nil)
		r.AddCookie(c)
		if _, ok := s.AccountID(r); ok {
			t.Error("a deactivated account's session still works")
		}
	})
	t.Run("KeyRotation", func(t *testing.T) {
		c := signIn(s, httptest.NewRequest("GET", "/", nil))
		if err := auth.RotateSessionKey(path); err != nil {
			t.Fatal(err)
		}
		rotated, err := auth.OpenSessions(path, cat)
		if err != nil {
			t.Fatal(err)
		}
		r := httptest.NewRequest("GET", "/", nil)
		r.AddCookie(c)
		if _, ok := rotated.AccountID(r); !ok {
			t.Error("a cookie sealed with the previous key is refused during the grace period")
		}
		fresh := httptest.NewRequest("GET", "/", nil)
		fresh.AddCookie(signIn(rotated, httptest.NewRequest("GET", "/", nil)))
		if _, ok := s.AccountID(fresh); ok {
			t.Error("a cookie sealed with the new key opens with the old key alone")
		}
		// After the grace period the previous key is no longer accepted.
		old := time.Now().Add(-auth.SessionMaxAge - time.Minute)
		os.Chtimes(path+".previous", old, old)
		expired, err := auth.OpenSessions(path, cat)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := expired.AccountID(r); ok {
			t.Error("the previous key is still accepted after the grace period")
		}
		if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
			t.Errorf("rotated key mode %v", fi.Mode().Perm())
		}
	})
	t.Run("ErrBadKeyFile", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "bad.key")
		os.WriteFile(bad, []byte("short"), 0o600)
		if _, err := auth.OpenSessions(bad, cat); err == nil {
			t.Error("a short key file was accepted")
		}
	})
}
