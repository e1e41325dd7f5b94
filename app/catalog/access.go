package catalog

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"carrel/app"
)

// SetEmbargo puts an item under embargo, or lifts it when e.Type is
// EmbargoNone, and audits the change as done by who. The search index and
// OAI-PMH follow through the change log. EUNPROCESSABLE for a bad embargo,
// ENOTFOUND for a missing item, ECONFLICT for a withdrawn one.
func (db *DB) SetEmbargo(ctx context.Context, id int64, e app.Embargo, who app.AuditEntry) (*app.Item, error) {
	if err := e.Validate(); err != nil {
		return nil, err
	}
	if e.Type == app.EmbargoNone {
		e = app.Embargo{}
	}
	err := db.change(ctx, func() int64 { return id }, func(tx *sql.Tx) error {
		if err := notWithdrawn(ctx, tx, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE items SET embargo_type = ?, embargo_until = ?, embargo_title = ?, embargo_reason = ?,
			modified_at = ? WHERE id = ?`, e.Type, formatTime(e.Until), e.Title, e.Reason, db.stamp(), id); err != nil {
			return err
		}
		if err := db.accessChanged(ctx, tx, id); err != nil {
			return err
		}
		action, detail := "item.embargo.lift", ""
		if e.Type != app.EmbargoNone {
			until := "permanent"
			if !e.Until.IsZero() {
				until = "until " + formatTime(e.Until)
			}
			action, detail = "item.embargo.set", fmt.Sprintf("type=%s %s reason=%q", e.Type, until, e.Reason)
		}
		return auditIn(ctx, tx, db, who, action, fmt.Sprintf("item:%d", id), detail)
	})
	if err != nil {
		return nil, err
	}
	return db.Item(ctx, id)
}

// SetConfidentiality makes an item confidential (its files closed to all
// but those who manage it) or open again, and audits the change.
func (db *DB) SetConfidentiality(ctx context.Context, id int64, c app.Confidentiality, who app.AuditEntry) (*app.Item, error) {
	if !c.Confidential {
		c.Reason = ""
	}
	if len(c.Reason) > app.MaxShortTextLen {
		return nil, app.Errorf(app.EUNPROCESSABLE, "reason is longer than %d bytes", app.MaxShortTextLen)
	}
	err := db.change(ctx, func() int64 { return id }, func(tx *sql.Tx) error {
		if err := notWithdrawn(ctx, tx, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE items SET confidential = ?, confidential_reason = ?, modified_at = ? WHERE id = ?`,
			c.Confidential, c.Reason, db.stamp(), id); err != nil {
			return err
		}
		if err := db.accessChanged(ctx, tx, id); err != nil {
			return err
		}
		action := "item.confidential.unset"
		if c.Confidential {
			action = "item.confidential.set"
		}
		return auditIn(ctx, tx, db, who, action, fmt.Sprintf("item:%d", id), fmt.Sprintf("reason=%q", c.Reason))
	})
	if err != nil {
		return nil, err
	}
	return db.Item(ctx, id)
}

// accessChanged moves a public item's publication stamp (pub_at) to now:
// what the public sees of it changed, so harvesters must fetch it again
// (OAI-PMH datestamps follow pub_at), and a lifted embargo lists it as
// newly published, as Figshare does.
func (db *DB) accessChanged(ctx context.Context, tx *sql.Tx, id int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE items SET pub_at = ? WHERE id = ? AND status = 'public'`, db.stamp(), id)
	return err
}

func notWithdrawn(ctx context.Context, tx *sql.Tx, id int64) error {
	var status string
	if err := tx.QueryRowContext(ctx, `SELECT status FROM items WHERE id = ?`, id).Scan(&status); err != nil {
		return notFound(err, "item %d not found", id)
	}
	if status == string(app.StatusWithdrawn) {
		return app.Errorf(app.ECONFLICT, "item %d has been withdrawn", id)
	}
	return nil
}

// LiftExpiredEmbargoes lifts every dated embargo whose time has come, one
// item per change so that the search index and OAI-PMH publish each, and
// audits each lift as the system's. It returns the items lifted.
func (db *DB) LiftExpiredEmbargoes(ctx context.Context) ([]int64, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id FROM items WHERE embargo_type != '' AND embargo_until != '' AND embargo_until <= ?
		ORDER BY id`, db.stamp())
	if err != nil {
		return nil, translate(err)
	}
	var due []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, translate(err)
		}
		due = append(due, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, translate(err)
	}
	var lifted []int64
	for _, id := range due {
		err := db.change(ctx, func() int64 { return id }, func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, `UPDATE items SET embargo_type = '', embargo_until = '', embargo_title = '', embargo_reason = '',
				modified_at = ? WHERE id = ? AND embargo_type != '' AND embargo_until != '' AND embargo_until <= ?`, db.stamp(), id, db.stamp())
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil // changed meanwhile
			}
			if err := db.accessChanged(ctx, tx, id); err != nil {
				return err
			}
			return auditIn(ctx, tx, db, app.AuditEntry{}, "item.embargo.expire", fmt.Sprintf("item:%d", id), "")
		})
		if err != nil {
			return lifted, err
		}
		lifted = append(lifted, id)
	}
	return lifted, nil
}

// NextEmbargoEnd is when the earliest dated embargo lifts; zero if none.
func (db *DB) NextEmbargoEnd(ctx context.Context) (time.Time, error) {
	var at sql.NullString
	err := db.read.QueryRowContext(ctx, `SELECT min(embargo_until) FROM items WHERE embargo_type != '' AND embargo_until != ''`).Scan(&at)
	if err != nil {
		return time.Time{}, translate(err)
	}
	return parseTime(at.String), nil
}
