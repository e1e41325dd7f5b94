package catalog

import (
	"context"
	"database/sql"
	"strings"

	"carrel/app"
)

// Audit appends an entry to the audit log. The time is the catalog's clock.
func (db *DB) Audit(ctx context.Context, e *app.AuditEntry) error {
	if e.Action == "" {
		return app.Errorf(app.EINVALID, "an audit entry needs an action")
	}
	e.At = db.now()
	return db.tx(ctx, func(tx *sql.Tx) error { return insertAudit(ctx, tx, e) })
}

// insertAudit writes e inside a transaction that makes the change it
// records, so the change and its record commit together.
func insertAudit(ctx context.Context, tx *sql.Tx, e *app.AuditEntry) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO audit (at, actor_id, on_behalf, action, target, address, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, formatTime(e.At), e.ActorID, e.OnBehalf, e.Action, e.Target, e.Address, e.Detail)
	if err != nil {
		return err
	}
	e.ID, err = res.LastInsertId()
	return err
}

// AuditEntries lists audit entries matching f, newest first.
func (db *DB) AuditEntries(ctx context.Context, f app.AuditFilter) ([]app.AuditEntry, error) {
	var where []string
	var args []any
	if f.ActorID != 0 {
		where, args = append(where, `(actor_id = ? OR on_behalf = ?)`), append(args, f.ActorID, f.ActorID)
	}
	if strings.HasSuffix(f.Action, ".") {
		where, args = append(where, `action >= ? AND action < ?`), append(args, f.Action, f.Action[:len(f.Action)-1]+"/")
	} else if f.Action != "" {
		where, args = append(where, `action = ?`), append(args, f.Action)
	}
	if f.Target != "" {
		where, args = append(where, `target = ?`), append(args, f.Target)
	}
	if !f.Since.IsZero() {
		where, args = append(where, `at >= ?`), append(args, formatTime(f.Since))
	}
	if !f.Until.IsZero() {
		where, args = append(where, `at < ?`), append(args, formatTime(f.Until))
	}
	q := `SELECT id, at, actor_id, on_behalf, action, target, address, detail FROM audit`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	q += ` ORDER BY id DESC LIMIT ? OFFSET ?`
	rows, err := db.read.QueryContext(ctx, q, append(args, limit, f.Offset)...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []app.AuditEntry
	for rows.Next() {
		var e app.AuditEntry
		var at string
		if err := rows.Scan(&e.ID, &at, &e.ActorID, &e.OnBehalf, &e.Action, &e.Target, &e.Address, &e.Detail); err != nil {
			return nil, translate(err)
		}
		e.At = parseTime(at)
		out = append(out, e)
	}
	return out, translate(rows.Err())
}
