package catalog

import (
	"context"
	"database/sql"
	"strconv"

	"carrel/app"
)

// Tokens lists an account's unrevoked personal API tokens, newest first.
func (db *DB) Tokens(ctx context.Context, accountID int64) ([]app.Token, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, account_id, name, created_at, last_used_at FROM tokens
		WHERE account_id = ? AND revoked_at = '' ORDER BY id DESC`, accountID)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := []app.Token{}
	for rows.Next() {
		var t app.Token
		var created, used string
		if err := rows.Scan(&t.ID, &t.AccountID, &t.Name, &created, &used); err != nil {
			return nil, translate(err)
		}
		t.Created, t.LastUsed = parseTime(created), parseTime(used)
		out = append(out, t)
	}
	return out, translate(rows.Err())
}

// Token returns an unrevoked token by id. ENOTFOUND if there is none.
func (db *DB) Token(ctx context.Context, id int64) (*app.Token, error) {
	var t app.Token
	var created, used string
	err := db.read.QueryRowContext(ctx, `SELECT id, account_id, name, created_at, last_used_at FROM tokens WHERE id = ? AND revoked_at = ''`, id).
		Scan(&t.ID, &t.AccountID, &t.Name, &created, &used)
	if err != nil {
		return nil, notFound(err, "token %d not found", id)
	}
	t.Created, t.LastUsed = parseTime(created), parseTime(used)
	return &t, nil
}

// IssueToken stores the hash of a new personal API token and audits its
// creation by e ("token.create"), in one transaction.
func (db *DB) IssueToken(ctx context.Context, accountID int64, name, hash string, e *app.AuditEntry) (*app.Token, error) {
	if err := app.ValidTokenName(name); err != nil {
		return nil, err
	}
	t := &app.Token{AccountID: accountID, Name: name, Created: db.now()}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO tokens (account_id, name, hash, created_at) VALUES (?, ?, ?, ?)`,
			accountID, name, hash, formatTime(t.Created))
		if err != nil {
			return err
		}
		if t.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		e.At, e.Action, e.Target = t.Created, "token.create", tokenTarget(t.ID)
		e.Detail = "account:" + strconv.FormatInt(accountID, 10) + " name:" + name
		return insertAudit(ctx, tx, e)
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// RevokeToken revokes a token of the account (any account's when
// accountID is 0, for administrators) and audits it by e
// ("token.revoke"). ENOTFOUND if the account has no such live token.
func (db *DB) RevokeToken(ctx context.Context, accountID, tokenID int64, e *app.AuditEntry) error {
	now := db.now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at = '' AND (? = 0 OR account_id = ?)`,
			formatTime(now), tokenID, accountID, accountID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return app.Errorf(app.ENOTFOUND, "token %d not found", tokenID)
		}
		e.At, e.Action, e.Target = now, "token.revoke", tokenTarget(tokenID)
		return insertAudit(ctx, tx, e)
	})
}

func tokenTarget(id int64) string { return "token:" + strconv.FormatInt(id, 10) }
