package catalog

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"carrel/app"
)

const quotaRequestColumns = `id, account_id, requested, previous, reason, status, granted, decided_by, note, created_at, decided_at`

func scanQuotaRequest(row interface{ Scan(...any) error }) (*app.QuotaRequest, error) {
	var q app.QuotaRequest
	var created, decided string
	if err := row.Scan(&q.ID, &q.AccountID, &q.Requested, &q.Previous, &q.Reason, &q.Status, &q.Granted, &q.DecidedBy, &q.Note,
		&created, &decided); err != nil {
		return nil, err
	}
	q.Created = parseTime(created)
	if decided != "" {
		q.Decided = parseTime(decided)
	}
	return &q, nil
}

// RequestQuota records an account's request for more storage and audits
// it as quota.request. defaultQuota is the configured quota of accounts
// that set none (0 = no limit). EUNPROCESSABLE for a request that cannot
// be made (app.QuotaRequest.Validate), ECONFLICT if the account already
// has a request waiting, ENOTFOUND for a missing account.
func (db *DB) RequestQuota(ctx context.Context, q *app.QuotaRequest, defaultQuota int64, who app.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		a, err := scanAccount(tx.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = ?`, q.AccountID))
		if err != nil {
			return notFound(err, "account %d not found", q.AccountID)
		}
		q.Previous = a.Quota
		if q.Previous == 0 {
			q.Previous = defaultQuota
		}
		if err := q.Validate(q.Previous); err != nil {
			return err
		}
		var waiting int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM quota_requests WHERE account_id = ? AND status = 'pending'`, q.AccountID).Scan(&waiting); err != nil {
			return err
		}
		if waiting > 0 {
			return app.ErrQuotaPending()
		}
		q.Status, q.Created = app.QuotaPending, db.now()
		res, err := tx.ExecContext(ctx, `INSERT INTO quota_requests (account_id, requested, previous, reason, status, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			q.AccountID, q.Requested, q.Previous, q.Reason, q.Status, formatTime(q.Created))
		if err != nil {
			return err
		}
		if q.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		return auditIn(ctx, tx, db, who, "quota.request", fmt.Sprintf("account:%d", q.AccountID),
			fmt.Sprintf("request %d: quota=%d->%d", q.ID, q.Previous, q.Requested))
	})
}

// DecideQuotaRequest approves a request, setting the account's quota in
// the same transaction, or declines it, and audits quota.approve or
// quota.decline. EUNPROCESSABLE for an invalid decision
// (app.QuotaDecision.Validate), ECONFLICT if the request was already
// decided (by someone else, a moment before), ENOTFOUND if there is none.
func (db *DB) DecideQuotaRequest(ctx context.Context, id int64, d app.QuotaDecision, who app.AuditEntry) (*app.QuotaRequest, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	var q *app.QuotaRequest
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if q, err = scanQuotaRequest(tx.QueryRowContext(ctx, `SELECT `+quotaRequestColumns+` FROM quota_requests WHERE id = ?`, id)); err != nil {
			return notFound(err, "There is no quota request %d.", id)
		}
		if q.Status != app.QuotaPending {
			return app.Errorf(app.ECONFLICT, "This request was already %s on %s UTC; nothing was changed.", q.Status,
				q.Decided.UTC().Format("2006-01-02 15:04"))
		}
		actorID := who.ActorID
		q.Status, q.DecidedBy, q.Note, q.Decided = app.QuotaDeclined, actorID, d.Note, db.now()
		action, detail := "quota.decline", fmt.Sprintf("request %d: reason=%q", q.ID, d.Note)
		if d.Approve {
			q.Status, q.Granted = app.QuotaApproved, d.Quota
			if q.Granted == 0 {
				q.Granted = q.Requested
			}
			var old int64
			if err := tx.QueryRowContext(ctx, `SELECT quota FROM accounts WHERE id = ?`, q.AccountID).Scan(&old); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE accounts SET quota = ? WHERE id = ?`, q.Granted, q.AccountID); err != nil {
				return err
			}
			action, detail = "quota.approve", fmt.Sprintf("request %d: quota=%d->%d note=%q", q.ID, old, q.Granted, d.Note)
		}
		// The status in the WHERE clause keeps two deciders from both
		// succeeding even if the read above were ever moved out of the
		// transaction.
		res, err := tx.ExecContext(ctx, `UPDATE quota_requests SET status = ?, granted = ?, decided_by = ?, note = ?, decided_at = ?
			WHERE id = ? AND status = 'pending'`, q.Status, q.Granted, q.DecidedBy, q.Note, formatTime(q.Decided), q.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return app.Errorf(app.ECONFLICT, "This request was decided by someone else a moment ago; nothing was changed.")
		}
		return auditIn(ctx, tx, db, who, action, fmt.Sprintf("account:%d", q.AccountID), detail)
	})
	if err != nil {
		return nil, err
	}
	return q, nil
}

// QuotaRequest returns one request; ENOTFOUND if there is none.
func (db *DB) QuotaRequest(ctx context.Context, id int64) (*app.QuotaRequest, error) {
	q, err := scanQuotaRequest(db.read.QueryRowContext(ctx, `SELECT `+quotaRequestColumns+` FROM quota_requests WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "There is no quota request %d.", id)
	}
	return q, nil
}

// QuotaRequests lists requests matching f, newest first; pending ones
// oldest first, as they are worked through.
func (db *DB) QuotaRequests(ctx context.Context, f app.QuotaRequestFilter) ([]app.QuotaRequest, error) {
	var where []string
	var args []any
	if f.AccountID != 0 {
		where, args = append(where, `account_id = ?`), append(args, f.AccountID)
	}
	order := `id DESC`
	switch f.Status {
	case "":
	case app.QuotaPending:
		where, args, order = append(where, `status = ?`), append(args, f.Status), `id`
	default:
		where, args = append(where, `status = ?`), append(args, f.Status)
	}
	q := `SELECT ` + quotaRequestColumns + ` FROM quota_requests`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	return db.quotaRequestList(ctx, q+` ORDER BY `+order+` LIMIT ?`, append(args, limit)...)
}

// DecidedQuotaRequests lists the most recently decided requests, newest
// decision first.
func (db *DB) DecidedQuotaRequests(ctx context.Context, limit int) ([]app.QuotaRequest, error) {
	return db.quotaRequestList(ctx, `SELECT `+quotaRequestColumns+` FROM quota_requests WHERE status != 'pending'
		ORDER BY decided_at DESC, id DESC LIMIT ?`, limit)
}

func (db *DB) quotaRequestList(ctx context.Context, query string, args ...any) ([]app.QuotaRequest, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := []app.QuotaRequest{}
	for rows.Next() {
		r, err := scanQuotaRequest(rows)
		if err != nil {
			return nil, translate(err)
		}
		out = append(out, *r)
	}
	return out, translate(rows.Err())
}

// Administrators lists the active accounts that administer the
// institution, by the account flag or the administrator role.
func (db *DB) Administrators(ctx context.Context) ([]app.Account, error) {
	return db.accountList(ctx, `SELECT `+accountColumns+` FROM accounts a WHERE active = 1 AND (is_admin = 1
		OR EXISTS (SELECT 1 FROM role_assignments r WHERE r.account_id = a.id AND r.role = 'administrator')) ORDER BY id`)
}
