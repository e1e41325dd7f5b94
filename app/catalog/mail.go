package catalog

import (
	"context"
	"database/sql"
	"time"

	"carrel/app"
)

// AuditAfter lists audit entries after the given id, oldest first.
func (db *DB) AuditAfter(ctx context.Context, after int64, limit int) ([]app.AuditEntry, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, at, actor_id, on_behalf, action, target, address, detail FROM audit
		WHERE id > ? ORDER BY id LIMIT ?`, after, limit)
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

// MailCursor is the last audit entry already turned into notifications.
// The first time, it starts at the end of the log: history is not mailed.
func (db *DB) MailCursor(ctx context.Context) (int64, error) {
	var id int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT audit_id FROM mail_cursor WHERE id = 1`).Scan(&id); err != sql.ErrNoRows {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM audit`).Scan(&id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO mail_cursor (id, audit_id) VALUES (1, ?)`, id)
		return err
	})
	return id, err
}

// EnqueueMail writes notifications to the outbox and moves the cursor from
// one audit entry to the next one not yet turned into mail, in one
// transaction: an entry is turned into mail exactly once. ECONFLICT if the
// cursor is no longer at from (another run got there first).
func (db *DB) EnqueueMail(ctx context.Context, mails []app.Mail, from, to int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE mail_cursor SET audit_id = ? WHERE id = 1 AND audit_id = ?`, to, from)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return app.Errorf(app.ECONFLICT, "another notify run is turning the same events into mail")
		}
		now := db.stamp()
		for _, m := range mails {
			if _, err := tx.ExecContext(ctx, `INSERT INTO mail_outbox (event, to_addr, subject, body, created_at, next_at) VALUES (?, ?, ?, ?, ?, ?)`,
				m.Event, m.To, m.Subject, m.Body, now, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// DueMail lists unsent mail whose time to try has come, oldest first.
func (db *DB) DueMail(ctx context.Context, now time.Time, limit int) ([]app.Mail, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, event, to_addr, subject, body, created_at, attempts, next_at, last_error
		FROM mail_outbox WHERE sent_at = '' AND next_at <= ? ORDER BY id LIMIT ?`, formatTime(now), limit)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []app.Mail
	for rows.Next() {
		var m app.Mail
		var created, next string
		if err := rows.Scan(&m.ID, &m.Event, &m.To, &m.Subject, &m.Body, &created, &m.Attempts, &next, &m.LastError); err != nil {
			return nil, translate(err)
		}
		m.Created, m.Next = parseTime(created), parseTime(next)
		out = append(out, m)
	}
	return out, translate(rows.Err())
}

// MailSent marks a message sent.
func (db *DB) MailSent(ctx context.Context, id int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE mail_outbox SET sent_at = ?, attempts = attempts + 1, last_error = '' WHERE id = ?`, db.stamp(), id)
		return err
	})
}

// MailFailed records a failed attempt and when to try again.
func (db *DB) MailFailed(ctx context.Context, id int64, reason string, next time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?, next_at = ? WHERE id = ?`, reason, formatTime(next), id)
		return err
	})
}

// MailBacklog counts unsent messages, for the admin pages and metrics.
func (db *DB) MailBacklog(ctx context.Context) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM mail_outbox WHERE sent_at = ''`).Scan(&n)
	return n, translate(err)
}

// Reviewers lists the active accounts that review items of the group:
// reviewers and group administrators of it or a group above it.
func (db *DB) Reviewers(ctx context.Context, groupID int64) ([]app.Account, error) {
	return db.accountList(ctx, `WITH RECURSIVE up(id) AS (SELECT ? UNION SELECT g.parent_id FROM groups g JOIN up ON g.id = up.id WHERE g.parent_id != 0)
		SELECT DISTINCT `+prefixed("a.", accountColumns)+` FROM accounts a JOIN role_assignments r ON r.account_id = a.id
		WHERE a.active = 1 AND r.role IN ('reviewer', 'group_admin') AND (r.group_id IN (SELECT id FROM up) OR r.group_id = 0) ORDER BY a.id`, groupID)
}

// EmbargoesEnding lists items whose embargo ends before the given time
// and whose depositors have not been reminded of that date yet.
func (db *DB) EmbargoesEnding(ctx context.Context, before time.Time) ([]app.Item, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id FROM items i WHERE embargo_type != '' AND embargo_until != '' AND embargo_until > ? AND embargo_until <= ?
		AND NOT EXISTS (SELECT 1 FROM embargo_reminders e WHERE e.item_id = i.id AND e.embargo_until = i.embargo_until) ORDER BY id`,
		formatTime(db.now()), formatTime(before))
	if err != nil {
		return nil, translate(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, translate(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	var out []app.Item
	for _, id := range ids {
		it, err := db.Item(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, *it)
	}
	return out, nil
}

// EmbargoReminded records that the depositor was told of the embargo's end.
func (db *DB) EmbargoReminded(ctx context.Context, itemID int64, until time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO embargo_reminders (item_id, embargo_until) VALUES (?, ?)`, itemID, formatTime(until))
		return err
	})
}
