package auth

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"

	"carrel/app"
)

// SessionCookie is the name of the browser session cookie.
const SessionCookie = "carrel_session"

// SessionMaxAge is how long a sign-in lasts without being renewed; it is
// also how long a rotated-out session key is still accepted.
const SessionMaxAge = 12 * time.Hour

// sessionKeyLen is 64 bytes of HMAC-SHA256 key followed by 32 bytes of
// AES-256 key, the sizes gorilla/securecookie recommends.
const (
	hashKeyLen    = 64
	encryptKeyLen = 32
	sessionKeyLen = hashKeyLen + encryptKeyLen
)

// SessionStore keeps the server side of sessions: the hash of each live
// session id. A cookie alone is never enough to be signed in.
type SessionStore interface {
	StartSession(ctx context.Context, s *app.Session) error
	// Session returns the live session of an active account; ENOTFOUND
	// when it has ended or expired or its account is deactivated.
	Session(ctx context.Context, idHash string) (*app.Session, error)
	EndSession(ctx context.Context, idHash string) error
}

// Sessions signs browsers in and out. The cookie is authenticated and
// encrypted and holds a random session id; the store holds its hash.
type Sessions struct {
	cookies *sessions.CookieStore
	store   SessionStore
}

// OpenSessions returns Sessions keyed by the file at path, creating it with
// fresh random keys (mode 0600) on first start so that sign-ins survive a
// restart but no key is ever shared between installations. After
// RotateSessionKey, the previous key (path + ".previous") still opens
// cookies for SessionMaxAge, so nobody is signed out by a rotation.
func OpenSessions(path string, store SessionStore) (*Sessions, error) {
	key, err := loadOrCreateKey(path)
	if err != nil {
		return nil, fmt.Errorf("session key %s: %w", path, err)
	}
	pairs := [][]byte{key[:hashKeyLen], key[hashKeyLen:]}
	prev := path + ".previous"
	if fi, err := os.Stat(prev); err == nil && time.Since(fi.ModTime()) < SessionMaxAge {
		old, err := os.ReadFile(prev)
		if err != nil || len(old) != sessionKeyLen {
			return nil, fmt.Errorf("session key %s: unreadable or not %d bytes; delete it", prev, sessionKeyLen)
		}
		pairs = append(pairs, old[:hashKeyLen], old[hashKeyLen:])
	}
	return NewSessions(store, pairs...), nil
}

// NewSessions returns Sessions with HMAC and AES key pairs: the first pair
// seals new cookies, every pair opens them.
func NewSessions(store SessionStore, keyPairs ...[]byte) *Sessions {
	st := sessions.NewCookieStore(keyPairs...)
	st.MaxAge(int(SessionMaxAge / time.Second))
	return &Sessions{cookies: st, store: store}
}

// RotateSessionKey makes a new session key at path and keeps the current
// one as path + ".previous" for the grace period. A running server picks
// the new key up when restarted.
func RotateSessionKey(path string) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("session key %s: %w", path, err)
	}
	tmp := path + ".new"
	os.Remove(tmp)
	if _, err := loadOrCreateKey(tmp); err != nil {
		return err
	}
	prev := path + ".previous"
	if err := os.Rename(path, prev); err != nil {
		os.Remove(tmp)
		return err
	}
	now := time.Now()
	if err := os.Chtimes(prev, now, now); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func loadOrCreateKey(path string) ([]byte, error) {
	key := make([]byte, sessionKeyLen)
	rand.Read(key)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		if _, err := f.Write(key); err != nil {
			f.Close()
			os.Remove(path)
			return nil, err
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return nil, err
		}
		return key, f.Close()
	}
	if !errors.Is(err, fs.ErrExist) {
		return nil, err
	}
	key, err = os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(key) != sessionKeyLen {
		return nil, fmt.Errorf("holds %d bytes, want %d; delete it to make new keys (everyone is signed out)", len(key), sessionKeyLen)
	}
	return key, nil
}

// options are the cookie attributes: HttpOnly, SameSite=Lax, and Secure
// whenever the request came over TLS.
func options(r *http.Request, maxAge int) *sessions.Options {
	return &sessions.Options{Path: "/", MaxAge: maxAge, HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode}
}

// cookieID returns the session id in the request's cookie, if the cookie is
// genuine.
func (s *Sessions) cookieID(r *http.Request) (string, bool) {
	if _, err := r.Cookie(SessionCookie); err != nil {
		return "", false
	}
	sess, err := s.cookies.New(r, SessionCookie)
	if err != nil || sess.IsNew {
		return "", false
	}
	sid, _ := sess.Values["sid"].(string)
	return sid, sid != ""
}

// Current returns the request's live session, and false when there is none
// (no cookie, a forged or expired one, a signed-out session, or a
// deactivated account).
func (s *Sessions) Current(r *http.Request) (*app.Session, bool) {
	sid, ok := s.cookieID(r)
	if !ok {
		return nil, false
	}
	sess, err := s.store.Session(r.Context(), HashToken(sid))
	if err != nil {
		return nil, false
	}
	return sess, true
}

// AccountID returns the account the request's live session belongs to.
func (s *Sessions) AccountID(r *http.Request) (int64, bool) {
	sess, ok := s.Current(r)
	if !ok {
		return 0, false
	}
	return sess.AccountID, true
}

// SignIn starts a new session for sess.AccountID (with sess's method and
// SAML subject). Any session the request already had is ended and a fresh
// random id issued, so a session fixed before sign-in is worthless after.
func (s *Sessions) SignIn(w http.ResponseWriter, r *http.Request, sess app.Session) error {
	if old, ok := s.cookieID(r); ok {
		if err := s.store.EndSession(r.Context(), HashToken(old)); err != nil {
			return err
		}
	}
	sid := RandomID(32)
	sess.IDHash = HashToken(sid)
	sess.Expires = time.Now().Add(SessionMaxAge)
	if err := s.store.StartSession(r.Context(), &sess); err != nil {
		return err
	}
	c := sessions.NewSession(s.cookies, SessionCookie)
	c.Values["sid"] = sid
	c.Options = options(r, int(SessionMaxAge/time.Second))
	c.IsNew = true
	return s.cookies.Save(r, w, c)
}

// SignOut ends the request's session, on the server and in the browser,
// and returns it (nil if there was none) for single logout.
func (s *Sessions) SignOut(w http.ResponseWriter, r *http.Request) (*app.Session, error) {
	ended, _ := s.Current(r)
	if sid, ok := s.cookieID(r); ok {
		if err := s.store.EndSession(r.Context(), HashToken(sid)); err != nil {
			return nil, err
		}
	}
	c := sessions.NewSession(s.cookies, SessionCookie)
	c.Options = options(r, -1)
	return ended, s.cookies.Save(r, w, c)
}

// SealCookie sets a short-lived cookie holding v, authenticated and
// encrypted with the session keys. crossSite makes it SameSite=None (and
// Secure), for a cookie that must come back on a cross-site POST.
func (s *Sessions) SealCookie(w http.ResponseWriter, r *http.Request, name string, v any, maxAge time.Duration, crossSite bool) error {
	enc, err := securecookie.EncodeMulti(name, v, s.cookies.Codecs...)
	if err != nil {
		return err
	}
	c := &http.Cookie{Name: name, Value: enc, Path: "/", MaxAge: int(maxAge / time.Second), HttpOnly: true,
		Secure: r.TLS != nil || crossSite, SameSite: http.SameSiteLaxMode}
	if crossSite {
		c.SameSite = http.SameSiteNoneMode
	}
	http.SetCookie(w, c)
	return nil
}

// OpenCookie reads a cookie set by SealCookie into dst, reporting whether
// it was there and genuine.
func (s *Sessions) OpenCookie(r *http.Request, name string, dst any) bool {
	c, err := r.Cookie(name)
	if err != nil {
		return false
	}
	return securecookie.DecodeMulti(name, c.Value, dst, s.cookies.Codecs...) == nil
}

// ClearCookie removes a cookie set by SealCookie.
func (s *Sessions) ClearCookie(w http.ResponseWriter, r *http.Request, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Path: "/", MaxAge: -1, HttpOnly: true, Secure: r.TLS != nil})
}
