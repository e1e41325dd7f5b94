package auth_test

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"carrel/app/auth"
)

func TestSessions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "session.key")
	s, err := auth.OpenSessions(path)
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
		if err := s.SignIn(w, r, 42); err != nil {
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
		if id, ok := s.AccountID(r); !ok || id != 42 {
			t.Errorf("AccountID = %d, %v; want 42, true", id, ok)
		}
		s2, err := auth.OpenSessions(path)
		if err != nil {
			t.Fatal(err)
		}
		if id, ok := s2.AccountID(r); !ok || id != 42 {
			t.Errorf("after restart: AccountID = %d, %v; want 42, true", id, ok)
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
		other, err := auth.OpenSessions(filepath.Join(t.TempDir(), "other.key"))
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
		w := httptest.NewRecorder()
		if err := s.SignOut(w, httptest.NewRequest("POST", "/logout", nil)); err != nil {
			t.Fatal(err)
		}
		if c := w.Result().Cookies()[0]; c.MaxAge >= 0 {
			t.Errorf("sign-out cookie MaxAge = %d", c.MaxAge)
		}
	})
	t.Run("ErrBadKeyFile", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "bad.key")
		os.WriteFile(bad, []byte("short"), 0o600)
		if _, err := auth.OpenSessions(bad); err == nil {
			t.Error("a short key file was accepted")
		}
	})
}
