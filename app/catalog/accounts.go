package catalog

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"carrel/app"
)

const accountColumns = `id, email, first_name, last_name, orcid, is_admin, active, quota, group_id, created_at`

func scanAccount(row interface{ Scan(...any) error }) (*app.Account, error) {
	var a app.Account
	var created string
	if err := row.Scan(&a.ID, &a.Email, &a.FirstName, &a.LastName, &a.ORCID, &a.Admin, &a.Active, &a.Quota, &a.GroupID, &created); err != nil {
		return nil, err
	}
	a.Created = parseTime(created)
	return &a, nil
}

// CreateAccount stores a new account; passwordHash may be empty for
// accounts that sign in only through SSO. ECONFLICT if the email is taken.
func (db *DB) CreateAccount(ctx context.Context, a *app.Account, passwordHash string) error {
	a.Email = strings.TrimSpace(a.Email)
	if err := a.Validate(); err != nil {
		return err
	}
	a.Created = db.now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM accounts WHERE email = ?`, a.Email).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return app.Errorf(app.ECONFLICT, "an account with email %s already exists", a.Email)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO accounts (email, first_name, last_name, orcid, is_admin, active, quota, group_id, password_hash, created_at)
			VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?)`, a.Email, a.FirstName, a.LastName, app.NormalizeORCID(a.ORCID), a.Admin, a.Quota, a.GroupID, passwordHash, formatTime(a.Created))
		if err != nil {
			return err
		}
		a.ID, err = res.LastInsertId()
		a.Active = true
		return err
	})
}

// Account returns the account with the given id. ENOTFOUND if none.
func (db *DB) Account(ctx context.Context, id int64) (*app.Account, error) {
	a, err := scanAccount(db.read.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "account %d not found", id)
	}
	return a, nil
}

// AccountByEmail returns the account with the given email, ignoring case.
// ENOTFOUND if none.
func (db *DB) AccountByEmail(ctx context.Context, email string) (*app.Account, error) {
	a, err := scanAccount(db.read.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE email = ?`, strings.TrimSpace(email)))
	if err != nil {
		return nil, notFound(err, "no account with email %s", email)
	}
	return a, nil
}

// PasswordHash returns the stored password hash of an account ("" if it
// has none). ENOTFOUND if the account does not exist.
func (db *DB) PasswordHash(ctx context.Context, accountID int64) (string, error) {
	var h string
	err := db.read.QueryRowContext(ctx, `SELECT password_hash FROM accounts WHERE id = ?`, accountID).Scan(&h)
	return h, notFound(err, "account %d not found", accountID)
}

// tokenTouchInterval bounds how often a token's last-used time is written,
// so that API traffic does not turn every read into a write.
const tokenTouchInterval = time.Minute

// AccountByTokenHash returns the active account owning the unrevoked token
// with the given hash, and records the token's use. ENOTFOUND otherwise.
func (db *DB) AccountByTokenHash(ctx context.Context, hash string) (*app.Account, error) {
	var tokenID int64
	var lastUsed string
	// Every API request runs this: "+?" keeps it prepared (see Open).
	row := db.read.QueryRowContext(ctx, `SELECT t.id, t.last_used_at, `+prefixed("a.", accountColumns)+`
		FROM tokens t JOIN accounts a ON a.id = t.account_id
		WHERE t.hash = +? AND t.revoked_at = '' AND a.active = 1`, hash)
	var a app.Account
	var created string
	if err := row.Scan(&tokenID, &lastUsed, &a.ID, &a.Email, &a.FirstName, &a.LastName, &a.ORCID, &a.Admin, &a.Active, &a.Quota, &a.GroupID, &created); err != nil {
		return nil, notFound(err, "unknown token")
	}
	a.Created = parseTime(created)
	if now := db.now(); now.Sub(parseTime(lastUsed)) > tokenTouchInterval {
		if _, err := db.write.ExecContext(ctx, `UPDATE tokens SET last_used_at = ? WHERE id = ?`, formatTime(now), tokenID); err != nil {
			return nil, translate(err)
		}
	}
	return &a, nil
}

func prefixed(p, columns string) string {
	cols := strings.Split(columns, ",")
	for i := range cols {
		cols[i] = p + strings.TrimSpace(cols[i])
	}
	return strings.Join(cols, ", ")
}

// notFound translates sql.ErrNoRows into an ENOTFOUND with a message.
func notFound(err error, format string, args ...any) error {
	if err == sql.ErrNoRows {
		return app.Errorf(app.ENOTFOUND, format, args...)
	}
	return translate(err)
}

// accountList runs a query selecting accountColumns and scans its rows.
func (db *DB) accountList(ctx context.Context, query string, args ...any) ([]app.Account, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := []app.Account{}
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, translate(err)
		}
		out = append(out, *a)
	}
	return out, translate(rows.Err())
}
