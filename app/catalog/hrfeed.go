package catalog

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"

	"carrel/app"
)

// FedAccounts lists every account with the identifier the HR feed knows it
// by, for planning an import.
func (db *DB) FedAccounts(ctx context.Context) ([]app.FedAccount, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+prefixed("a.", accountColumns)+`, coalesce(i.institution_user_id, '')
		FROM accounts a LEFT JOIN account_institution_ids i ON i.account_id = a.id ORDER BY a.id`)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []app.FedAccount
	for rows.Next() {
		var fa app.FedAccount
		var inst string
		a, err := scanAccount(scanTail(rows, &inst))
		if err != nil {
			return nil, translate(err)
		}
		fa.Account, fa.InstitutionUserID = *a, inst
		out = append(out, fa)
	}
	return out, translate(rows.Err())
}

// StoreFeedUpload keeps an uploaded HR feed so that it can be applied after
// its plan has been checked, and returns its id and SHA-256.
func (db *DB) StoreFeedUpload(ctx context.Context, body []byte, by int64) (int64, string, error) {
	sum := sha256.Sum256(body)
	digest := hex.EncodeToString(sum[:])
	var id int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		// Only recent uploads are worth keeping; older unapplied ones go.
		if _, err := tx.ExecContext(ctx, `DELETE FROM hrfeed_uploads WHERE id NOT IN (SELECT id FROM hrfeed_uploads ORDER BY id DESC LIMIT 20)`); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO hrfeed_uploads (sha256, body, uploaded_by, created_at) VALUES (?, ?, ?, ?)`,
			digest, body, by, db.stamp())
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	return id, digest, err
}

// FeedUpload returns a stored HR feed. ENOTFOUND if it is gone; ECONFLICT
// if it has already been applied.
func (db *DB) FeedUpload(ctx context.Context, id int64) ([]byte, error) {
	var body []byte
	var applied string
	err := db.read.QueryRowContext(ctx, `SELECT body, applied_at FROM hrfeed_uploads WHERE id = ?`, id).Scan(&body, &applied)
	if err != nil {
		return nil, notFound(err, "HR feed upload %d not found; upload the file again", id)
	}
	if applied != "" {
		return nil, app.Errorf(app.ECONFLICT, "this HR feed was already applied at %s", applied)
	}
	return body, nil
}

// ApplyAccountChanges applies an HR feed's plan in one transaction, with an
// audit entry for each change, and marks the upload applied. If any account
// changed since the plan was made, nothing is applied (ECONFLICT), so a
// plan is never applied to a state it was not checked against.
func (db *DB) ApplyAccountChanges(ctx context.Context, uploadID int64, changes []app.AccountChange, who app.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE hrfeed_uploads SET applied_at = ? WHERE id = ? AND applied_at = ''`, db.stamp(), uploadID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return app.Errorf(app.ECONFLICT, "HR feed upload %d is gone or was already applied", uploadID)
		}
		for _, c := range changes {
			if err := applyAccountChange(ctx, tx, db, c, who); err != nil {
				return err
			}
		}
		return auditIn(ctx, tx, db, who, "hrfeed.apply", fmt.Sprintf("hrfeed:%d", uploadID), fmt.Sprintf("%d changes", len(changes)))
	})
}

func applyAccountChange(ctx context.Context, tx *sql.Tx, db *DB, c app.AccountChange, who app.AuditEntry) error {
	a := c.After
	if err := a.Validate(); err != nil {
		return app.Errorf(app.EINVALID, "%s: %s", c.InstitutionUserID, app.ErrorMessage(err))
	}
	if c.Before == nil {
		res, err := tx.ExecContext(ctx, `INSERT INTO accounts (email, first_name, last_name, orcid, is_admin, active, quota, group_id, password_hash, created_at)
			VALUES (?, ?, ?, ?, 0, ?, ?, ?, '', ?)`, a.Email, a.FirstName, a.LastName, app.NormalizeORCID(a.ORCID), a.Active, a.Quota, a.GroupID, db.stamp())
		if err != nil {
			return conflictOn(err, "an account with email %s already exists", a.Email)
		}
		if a.ID, err = res.LastInsertId(); err != nil {
			return err
		}
	} else {
		cur, err := scanAccount(tx.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = ?`, c.Before.ID))
		if err != nil {
			return notFound(err, "account %d was deleted since the feed was checked", c.Before.ID)
		}
		if !sameAccount(cur, c.Before) {
			return app.Errorf(app.ECONFLICT, "account %s changed since the feed was checked; check the feed again", cur.Email)
		}
		a.ID = c.Before.ID
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET email = ?, first_name = ?, last_name = ?, orcid = ?, active = ?, quota = ?, group_id = ? WHERE id = ?`,
			a.Email, a.FirstName, a.LastName, app.NormalizeORCID(a.ORCID), a.Active, a.Quota, a.GroupID, a.ID); err != nil {
			return conflictOn(err, "an account with email %s already exists", a.Email)
		}
	}
	if c.InstitutionUserID != "" {
		if _, err := tx.ExecContext(ctx, `INSERT INTO account_institution_ids (account_id, institution_user_id) VALUES (?, ?)
			ON CONFLICT (account_id) DO UPDATE SET institution_user_id = excluded.institution_user_id`, a.ID, c.InstitutionUserID); err != nil {
			return conflictOn(err, "institution user id %s belongs to another account", c.InstitutionUserID)
		}
	}
	return auditIn(ctx, tx, db, who, "hrfeed."+c.Kind, fmt.Sprintf("account:%d", a.ID), strings.Join(c.Fields, "; "))
}

// sameAccount compares the fields an HR feed manages.
func sameAccount(a, b *app.Account) bool {
	return a.Email == b.Email && a.FirstName == b.FirstName && a.LastName == b.LastName && a.ORCID == b.ORCID &&
		a.Active == b.Active && a.Quota == b.Quota && a.GroupID == b.GroupID
}

// conflictOn turns a constraint violation into ECONFLICT with a message.
func conflictOn(err error, format string, args ...any) error {
	if app.ErrorCode(translate(err)) == app.ECONFLICT {
		return app.Errorf(app.ECONFLICT, format, args...)
	}
	return err
}

// scanTail lets scanAccount read a row that has extra columns after the
// account's: they are scanned into tail.
func scanTail(row interface{ Scan(...any) error }, tail ...any) interface{ Scan(...any) error } {
	return scanFunc(func(dest ...any) error { return row.Scan(append(dest, tail...)...) })
}

type scanFunc func(...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }
