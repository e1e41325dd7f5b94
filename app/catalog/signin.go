package catalog

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"carrel/app"
)

// StartSession records a new browser session.
func (db *DB) StartSession(ctx context.Context, s *app.Session) error {
	s.Created = db.now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		// Expired sessions are dropped here, so the table stays the size of
		// the live sessions without a separate sweep.
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < ?`, s.Created.Unix()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (id_hash, account_id, method, address, created_at, expires_at, name_id, session_index)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, s.IDHash, s.AccountID, s.Method, s.Address, formatTime(s.Created), s.Expires.Unix(), s.NameID, s.SessionIndex)
		return err
	})
}

// Session returns the unexpired session with the given id hash whose
// account is active. ENOTFOUND otherwise.
func (db *DB) Session(ctx context.Context, idHash string) (*app.Session, error) {
	s := app.Session{IDHash: idHash}
	var created string
	var expires int64
	err := db.read.QueryRowContext(ctx, `SELECT s.account_id, s.method, s.address, s.created_at, s.expires_at, s.name_id, s.session_index
		FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.id_hash = ? AND a.active = 1`, idHash).
		Scan(&s.AccountID, &s.Method, &s.Address, &created, &expires, &s.NameID, &s.SessionIndex)
	if err != nil {
		return nil, notFound(err, "no such session")
	}
	s.Created, s.Expires = parseTime(created), time.Unix(expires, 0).UTC()
	if !db.now().Before(s.Expires) {
		return nil, app.Errorf(app.ENOTFOUND, "the session has expired")
	}
	return &s, nil
}

// EndSession deletes a session; ending one that does not exist is not an
// error (signing out twice is harmless).
func (db *DB) EndSession(ctx context.Context, idHash string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = ?`, idHash)
		return err
	})
}

// EndSAMLSessions ends the sessions started by any of the sign-in methods
// (e.g. "saml:campus") for the SAML subject nameID, only the one with
// sessionIndex when that is not "", for single logout initiated by the
// identity provider; it returns how many there were.
func (db *DB) EndSAMLSessions(ctx context.Context, methods []string, nameID, sessionIndex string) (int64, error) {
	if nameID == "" || len(methods) == 0 {
		return 0, nil
	}
	var n int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		for _, m := range methods {
			res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE method = ? AND name_id = ? AND name_id != '' AND (? = '' OR session_index = ?)`,
				m, nameID, sessionIndex, sessionIndex)
			if err != nil {
				return err
			}
			k, err := res.RowsAffected()
			if err != nil {
				return err
			}
			n += k
		}
		return nil
	})
	return n, err
}

// SetAccountActive activates or deactivates an account. Deactivation ends
// all the account's sessions in the same transaction, and its tokens stop
// working because every token lookup requires an active account. The
// change is audited as "account.deactivate" or "account.activate" by e
// (whose Action and Target are filled in). ENOTFOUND if no such account.
func (db *DB) SetAccountActive(ctx context.Context, id int64, active bool, e *app.AuditEntry) error {
	e.At, e.Action, e.Target = db.now(), "account.deactivate", accountTarget(id)
	if active {
		e.Action = "account.activate"
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE accounts SET active = ? WHERE id = ?`, active, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return app.Errorf(app.ENOTFOUND, "account %d not found", id)
		}
		if !active {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE account_id = ?`, id); err != nil {
				return err
			}
		}
		return insertAudit(ctx, tx, e)
	})
}

func accountTarget(id int64) string { return "account:" + strconv.FormatInt(id, 10) }

// SigninFailures returns how many sign-ins failed under key and when the
// latest did; 0 and the zero time if none are recorded.
func (db *DB) SigninFailures(ctx context.Context, key string) (int, time.Time, error) {
	var n int
	var last int64
	err := db.read.QueryRowContext(ctx, `SELECT failures, last_at FROM signin_failures WHERE key = ?`, key).Scan(&n, &last)
	if err == sql.ErrNoRows {
		return 0, time.Time{}, nil
	}
	if err != nil {
		return 0, time.Time{}, translate(err)
	}
	return n, time.Unix(last, 0).UTC(), nil
}

// RecordSigninFailure counts a failed sign-in under each key. A count whose
// latest failure is older than window starts again from one.
func (db *DB) RecordSigninFailure(ctx context.Context, window time.Duration, keys ...string) error {
	now := db.now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		// Counts past the window no longer throttle anyone; dropping them
		// here keeps a guesser of many names from growing the table.
		if _, err := tx.ExecContext(ctx, `DELETE FROM signin_failures WHERE last_at < ?`, now.Add(-window).Unix()); err != nil {
			return err
		}
		for _, k := range keys {
			if _, err := tx.ExecContext(ctx, `INSERT INTO signin_failures (key, failures, last_at) VALUES (?, 1, ?)
				ON CONFLICT (key) DO UPDATE SET failures = CASE WHEN last_at < ? THEN 1 ELSE failures + 1 END, last_at = excluded.last_at`,
				k, now.Unix(), now.Add(-window).Unix()); err != nil {
				return err
			}
		}
		return nil
	})
}

// ClearSigninFailures forgets the failures counted under key.
func (db *DB) ClearSigninFailures(ctx context.Context, key string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM signin_failures WHERE key = ?`, key)
		return err
	})
}

// RememberAssertion records a SAML assertion id until it expires, and
// ECONFLICT if the id was already seen: a replayed assertion.
func (db *DB) RememberAssertion(ctx context.Context, id string, expires time.Time) error {
	now := db.now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM saml_assertions WHERE expires_at < ?`, now.Unix()); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO saml_assertions (id, expires_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`, id, expires.Unix())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return app.Errorf(app.ECONFLICT, "assertion %s was already used", id)
		}
		return nil
	})
}

// UpsertExternalAccount creates the account an identity provider describes
// on its first sign-in and updates its name, email, ORCID, directory
// groups and group (the first of x.Groups that names a Carrel group) on
// each later one, and brings the roles and administrator flag the
// directory confers up to date (syncDirectoryRoles). An account is matched
// by external id, or else by email (so a local account can move to SSO).
// created reports a new account.
func (db *DB) UpsertExternalAccount(ctx context.Context, x *app.ExternalAccount) (a *app.Account, created bool, err error) {
	if err := x.Validate(); err != nil {
		return nil, false, err
	}
	first, last := x.FirstName, x.LastName
	if strings.TrimSpace(first+last) == "" {
		last = x.Email
	}
	groups := strings.Join(x.Groups, "\n")
	err = db.tx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM accounts WHERE external_id = ?`, x.ExternalID).Scan(&id)
		if err == sql.ErrNoRows {
			err = tx.QueryRowContext(ctx, `SELECT id FROM accounts WHERE email = ? AND external_id = ''`, x.Email).Scan(&id)
		}
		switch {
		case err == sql.ErrNoRows:
			res, err := tx.ExecContext(ctx, `INSERT INTO accounts (email, first_name, last_name, orcid, active, external_id, directory_groups, created_at)
				VALUES (?, ?, ?, ?, 1, ?, ?, ?)`, x.Email, first, last, app.NormalizeORCID(x.ORCID), x.ExternalID, groups, db.stamp())
			if err != nil {
				return err
			}
			id, _ = res.LastInsertId()
			created = true
		case err != nil:
			return err
		default:
			if _, err := tx.ExecContext(ctx, `UPDATE accounts SET email = ?, first_name = ?, last_name = ?,
				orcid = CASE WHEN ? != '' THEN ? ELSE orcid END, external_id = ?, directory_groups = ? WHERE id = ?`,
				x.Email, first, last, x.ORCID, app.NormalizeORCID(x.ORCID), x.ExternalID, groups, id); err != nil {
				return err
			}
		}
		// The first mapped group that exists in Carrel becomes the
		// account's group, at every sign-in.
		for _, name := range x.Groups {
			var gid int64
			err := tx.QueryRowContext(ctx, `SELECT id FROM groups WHERE name = ? COLLATE NOCASE ORDER BY id LIMIT 1`, name).Scan(&gid)
			if err == sql.ErrNoRows {
				continue
			}
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE accounts SET group_id = ? WHERE id = ?`, gid, id); err != nil {
				return err
			}
			break
		}
		if err := db.syncDirectoryRoles(ctx, tx, id, x); err != nil {
			return err
		}
		a, err = scanAccount(tx.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = ?`, id))
		return err
	})
	if err != nil {
		return nil, false, err
	}
	return a, created, nil
}

// DirectoryGroups returns the directory group names an SSO account was in
// at its latest sign-in.
func (db *DB) DirectoryGroups(ctx context.Context, accountID int64) ([]string, error) {
	var s string
	err := db.read.QueryRowContext(ctx, `SELECT directory_groups FROM accounts WHERE id = ?`, accountID).Scan(&s)
	if err != nil {
		return nil, notFound(err, "account %d not found", accountID)
	}
	if s == "" {
		return []string{}, nil
	}
	return strings.Split(s, "\n"), nil
}
