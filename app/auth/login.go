package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"strings"
	"time"

	"carrel/app"
)

// LoginStore is what password sign-in needs of the catalog.
type LoginStore interface {
	AccountByEmail(ctx context.Context, email string) (*app.Account, error)
	PasswordHash(ctx context.Context, accountID int64) (string, error)
	SigninFailures(ctx context.Context, key string) (int, time.Time, error)
	RecordSigninFailure(ctx context.Context, window time.Duration, keys ...string) error
	ClearSigninFailures(ctx context.Context, key string) error
	UpsertExternalAccount(ctx context.Context, x *app.ExternalAccount) (*app.Account, bool, error)
	Audit(ctx context.Context, e *app.AuditEntry) error
}

// Directory checks a user name and password against an external directory
// (LDAP). Authenticate returns EUNAUTHORIZED for unknown users, wrong
// passwords and disabled accounts alike.
type Directory interface {
	Authenticate(ctx context.Context, username, password string) (*app.ExternalAccount, error)
}

// Throttle limits password guessing. After MaxFailures failed sign-ins for
// one account name (or MaxAddressFailures from one client address) within
// Window, each further attempt must wait BaseDelay, doubling with every
// failure up to MaxDelay, counted from the latest failure.
type Throttle struct {
	MaxFailures        int
	MaxAddressFailures int
	Window             time.Duration
	BaseDelay          time.Duration
	MaxDelay           time.Duration
}

// lockedFor returns how long a key with n failures, the latest at last,
// must still wait at now.
func (t Throttle) lockedFor(n, max int, last, now time.Time) time.Duration {
	if max <= 0 || n < max || now.Sub(last) > t.Window {
		return 0
	}
	d := t.MaxDelay
	if shift := n - max; shift < 30 {
		d = min(time.Duration(float64(t.BaseDelay)*math.Pow(2, float64(shift))), t.MaxDelay)
	}
	return max64(0, last.Add(d).Sub(now))
}

func max64(a, b time.Duration) time.Duration {
	if a > b {
		return a
	}
	return b
}

// ThrottledError is returned while a sign-in is refused for too many
// failures; RetryAfter says for how long.
type ThrottledError struct{ RetryAfter time.Duration }

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("Too many failed sign-ins. Try again in %s.", roundUp(e.RetryAfter))
}

func roundUp(d time.Duration) string {
	if d <= time.Minute {
		return fmt.Sprintf("%d seconds", int(math.Ceil(d.Seconds())))
	}
	return fmt.Sprintf("%d minutes", int(math.Ceil(d.Minutes())))
}

// errBadCredentials is the one answer to a wrong password, an unknown
// user, a deactivated or disabled account and an account without a
// password, so that sign-in cannot be used to learn who has an account.
var errBadCredentials = errors.New("bad credentials")

// badCredentials is errBadCredentials as the person signing in reads it.
func (l *Login) badCredentials() error {
	if l.dir != nil {
		return app.Errorf(app.EUNAUTHORIZED, "The user name or password is not correct.")
	}
	return app.Errorf(app.EUNAUTHORIZED, "The email address or password is not correct.")
}

// Login signs people in with a password: Carrel's own (local) accounts,
// then the directory if one is configured. It throttles guessing per
// account name and per client address, and audits every outcome.
type Login struct {
	store     LoginStore
	local     bool
	dir       Directory
	throttle  Throttle
	log       *slog.Logger
	dummyHash string
}

// NewLogin returns a Login. local enables Carrel's own passwords; dir may
// be nil when no directory is configured.
func NewLogin(store LoginStore, local bool, dir Directory, t Throttle, log *slog.Logger) (*Login, error) {
	// A failed sign-in for an unknown name checks this hash, so that it
	// takes as long as one for a real account.
	dummy, err := HashPassword(RandomID(16))
	if err != nil {
		return nil, err
	}
	return &Login{store: store, local: local, dir: dir, throttle: t, log: log, dummyHash: dummy}, nil
}

// DefaultThrottle is the throttle `carrel serve` uses unless configured:
// five failures per account name or fifty per address within an hour,
// then waits from 30 seconds doubling to 15 minutes.
func DefaultThrottle() Throttle {
	return Throttle{MaxFailures: 5, MaxAddressFailures: 50, Window: time.Hour, BaseDelay: 30 * time.Second, MaxDelay: 15 * time.Minute}
}

// AcceptsPasswords reports whether the sign-in form is offered at all.
func (l *Login) AcceptsPasswords() bool { return l.local || l.dir != nil }

// UsesDirectory reports whether a directory is configured, so the sign-in
// page can ask for a user name rather than only an email address.
func (l *Login) UsesDirectory() bool { return l.dir != nil }

// SignIn checks a user name (an email address, or a directory user id) and
// password from address. It returns the account and how it signed in
// ("local" or "ldap"), EUNAUTHORIZED with the same message for every kind
// of failure, or a *ThrottledError.
func (l *Login) SignIn(ctx context.Context, username, password, address string) (*app.Account, string, error) {
	name := strings.ToLower(strings.TrimSpace(username))
	acctKey, addrKey := "account:"+name, "address:"+address
	if wait, err := l.wait(ctx, acctKey, addrKey); err != nil {
		return nil, "", err
	} else if wait > 0 {
		l.audit(ctx, &app.AuditEntry{Action: "signin.throttled", Address: address, Detail: "user " + name})
		return nil, "", &ThrottledError{RetryAfter: wait}
	}
	acct, method, err := l.check(ctx, name, password)
	if errors.Is(err, errBadCredentials) {
		if err := l.store.RecordSigninFailure(ctx, l.throttle.Window, acctKey, addrKey); err != nil {
			return nil, "", err
		}
		e := &app.AuditEntry{Action: "signin.failed", Address: address, Detail: "user " + name}
		if acct != nil {
			e.Target = fmt.Sprintf("account:%d", acct.ID)
		}
		l.audit(ctx, e)
		return nil, "", l.badCredentials()
	}
	if err != nil {
		return nil, "", err
	}
	if err := l.store.ClearSigninFailures(ctx, acctKey); err != nil {
		return nil, "", err
	}
	l.audit(ctx, &app.AuditEntry{Action: "signin.success", ActorID: acct.ID, Target: fmt.Sprintf("account:%d", acct.ID),
		Address: address, Detail: "method " + method})
	return acct, method, nil
}

// wait returns how long the account name or the address must still wait.
func (l *Login) wait(ctx context.Context, acctKey, addrKey string) (time.Duration, error) {
	now := time.Now()
	n, last, err := l.store.SigninFailures(ctx, acctKey)
	if err != nil {
		return 0, err
	}
	w := l.throttle.lockedFor(n, l.throttle.MaxFailures, last, now)
	if n, last, err = l.store.SigninFailures(ctx, addrKey); err != nil {
		return 0, err
	}
	return max64(w, l.throttle.lockedFor(n, l.throttle.MaxAddressFailures, last, now)), nil
}

// check verifies the password. On errBadCredentials it may still return
// the account the name belongs to, for the audit log.
func (l *Login) check(ctx context.Context, name, password string) (*app.Account, string, error) {
	var acct *app.Account
	hash := ""
	if l.local {
		a, err := l.store.AccountByEmail(ctx, name)
		switch app.ErrorCode(err) {
		case "":
			acct = a
			if hash, err = l.store.PasswordHash(ctx, a.ID); err != nil {
				return nil, "", err
			}
		case app.ENOTFOUND:
		default:
			return nil, "", err
		}
	}
	if hash != "" {
		if CheckPassword(hash, password) && acct.Active {
			return acct, "local", nil
		}
		return acct, "", errBadCredentials
	}
	if l.dir != nil && password != "" {
		x, err := l.dir.Authenticate(ctx, name, password)
		if app.ErrorCode(err) == app.EUNAUTHORIZED {
			return acct, "", errBadCredentials
		}
		if err != nil {
			return nil, "", err
		}
		a, created, err := l.store.UpsertExternalAccount(ctx, x)
		if err != nil {
			return nil, "", err
		}
		if len(x.UnknownGroups) > 0 {
			l.log.Warn("a directory role mapping names Carrel groups that do not exist; those roles were not given", "groups", x.UnknownGroups, "account", a.ID)
		}
		if created {
			l.audit(ctx, &app.AuditEntry{Action: "account.create", ActorID: a.ID, Target: fmt.Sprintf("account:%d", a.ID), Detail: "from LDAP " + x.ExternalID})
		}
		if !a.Active {
			return a, "", errBadCredentials
		}
		return a, "ldap", nil
	}
	CheckPassword(l.dummyHash, password)
	return acct, "", errBadCredentials
}

// audit records an entry; a failure to audit is logged, not shown.
func (l *Login) audit(ctx context.Context, e *app.AuditEntry) {
	if err := l.store.Audit(ctx, e); err != nil {
		l.log.Error("audit", "action", e.Action, "err", err)
	}
}

// ClientAddress returns the client's IP address: from header (as a reverse
// proxy sets it: X-Forwarded-For's last entry, or X-Real-IP) when header
// is configured, else from the connection.
func ClientAddress(r *http.Request, header string) string {
	if header != "" {
		if v := r.Header.Values(header); len(v) > 0 {
			parts := strings.Split(v[len(v)-1], ",")
			if ip := net.ParseIP(strings.TrimSpace(parts[len(parts)-1])); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// LocalPath reports whether p is a path on this site that a redirect after
// sign-in may go to: it starts with one "/" and is not "//host", "/\host",
// a scheme, or split across lines.
func LocalPath(p string) bool {
	return strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//") && !strings.HasPrefix(p, "/\\") &&
		!strings.ContainsAny(p, "\r\n\t\x00") && len(p) <= 2000
}
