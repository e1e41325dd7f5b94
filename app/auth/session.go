package auth

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/gorilla/sessions"
)

// SessionCookie is the name of the browser session cookie.
const SessionCookie = "carrel_session"

// SessionMaxAge is how long a sign-in lasts without being renewed.
const SessionMaxAge = 12 * time.Hour

// sessionKeyLen is 64 bytes of HMAC-SHA256 key followed by 32 bytes of
// AES-256 key, the sizes gorilla/securecookie recommends.
const (
	hashKeyLen    = 64
	encryptKeyLen = 32
	sessionKeyLen = hashKeyLen + encryptKeyLen
)

// Sessions signs browsers in and out with an authenticated, encrypted
// cookie that holds the account id; nothing is stored server-side.
type Sessions struct {
	store *sessions.CookieStore
}

// OpenSessions returns Sessions keyed by the file at path, creating it with
// fresh random keys (mode 0600) on first start so that sign-ins survive a
// restart but no key is ever shared between installations.
func OpenSessions(path string) (*Sessions, error) {
	key, err := loadOrCreateKey(path)
	if err != nil {
		return nil, fmt.Errorf("session key %s: %w", path, err)
	}
	return NewSessions(key[:hashKeyLen], key[hashKeyLen:]), nil
}

// NewSessions returns Sessions with the given HMAC and AES keys.
func NewSessions(hashKey, encryptKey []byte) *Sessions {
	st := sessions.NewCookieStore(hashKey, encryptKey)
	st.MaxAge(int(SessionMaxAge / time.Second))
	return &Sessions{store: st}
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

// AccountID returns the account id the request's session cookie was issued
// for, and false when there is no valid, unexpired session.
func (s *Sessions) AccountID(r *http.Request) (int64, bool) {
	if _, err := r.Cookie(SessionCookie); err != nil {
		return 0, false
	}
	sess, err := s.store.New(r, SessionCookie)
	if err != nil || sess.IsNew {
		return 0, false
	}
	id, _ := sess.Values["account"].(int64)
	issued, _ := sess.Values["issued"].(int64)
	if id <= 0 || time.Since(time.Unix(issued, 0)) > SessionMaxAge {
		return 0, false
	}
	return id, true
}

// SignIn starts a new session for the account. The old cookie's content is
// discarded and a fresh random session id is issued, so a session fixed
// before sign-in is worthless after it.
func (s *Sessions) SignIn(w http.ResponseWriter, r *http.Request, accountID int64) error {
	sess := sessions.NewSession(s.store, SessionCookie)
	sess.Values["sid"] = RandomID(16)
	sess.Values["account"] = accountID
	sess.Values["issued"] = time.Now().Unix()
	sess.Options = options(r, int(SessionMaxAge/time.Second))
	sess.IsNew = true
	return s.store.Save(r, w, sess)
}

// SignOut ends the request's session by expiring its cookie.
func (s *Sessions) SignOut(w http.ResponseWriter, r *http.Request) error {
	sess := sessions.NewSession(s.store, SessionCookie)
	sess.Options = options(r, -1)
	return s.store.Save(r, w, sess)
}
