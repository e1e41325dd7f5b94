package catalog

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"time"

	"carrel/app"
)

const linkColumns = `id, token, kind, target_id, account_id, expires_at, created_at`

func scanLink(row interface{ Scan(...any) error }) (*app.PrivateLink, error) {
	var l app.PrivateLink
	var expires, created string
	if err := row.Scan(&l.ID, &l.Token, &l.Kind, &l.TargetID, &l.AccountID, &expires, &created); err != nil {
		return nil, err
	}
	l.Expires, l.Created, l.ReadOnly = parseTime(expires), parseTime(created), true
	return &l, nil
}

func linkHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// CreatePrivateLink stores a new private link; l.Token must be a fresh
// random value chosen by the caller. The target must exist (ENOTFOUND).
func (db *DB) CreatePrivateLink(ctx context.Context, l *app.PrivateLink, who app.AuditEntry) error {
	if l.Token == "" || (l.Kind != app.LinkArticle && l.Kind != app.LinkCollection) {
		return app.Errorf(app.EINVALID, "a private link needs a token and a target")
	}
	l.Created, l.ReadOnly = db.now(), true
	return db.tx(ctx, func(tx *sql.Tx) error {
		if l.Kind == app.LinkArticle {
			if err := notWithdrawn(ctx, tx, l.TargetID); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO private_links (token_hash, token, kind, target_id, account_id, expires_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, linkHash(l.Token), l.Token, l.Kind, l.TargetID, l.AccountID, formatTime(l.Expires), formatTime(l.Created))
		if err != nil {
			return err
		}
		if l.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		return auditIn(ctx, tx, db, who, "link.create", fmt.Sprintf("%s:%d", l.Kind, l.TargetID), linkDetail(l))
	})
}

func linkDetail(l *app.PrivateLink) string {
	if l.Expires.IsZero() {
		return fmt.Sprintf("link=%d never expires", l.ID)
	}
	return fmt.Sprintf("link=%d expires %s", l.ID, formatTime(l.Expires))
}

// PrivateLinks lists the links to a target, oldest first, expired ones
// included (the owner sees them as inactive).
func (db *DB) PrivateLinks(ctx context.Context, kind app.LinkTarget, targetID int64) ([]app.PrivateLink, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+linkColumns+` FROM private_links WHERE kind = ? AND target_id = ? ORDER BY id`,
		kind, targetID)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []app.PrivateLink
	for rows.Next() {
		l, err := scanLink(rows)
		if err != nil {
			return nil, translate(err)
		}
		out = append(out, *l)
	}
	return out, translate(rows.Err())
}

// PrivateLinkByToken returns the active link with a token. ENOTFOUND if
// there is none, or it has expired: expiry takes effect at once.
func (db *DB) PrivateLinkByToken(ctx context.Context, token string) (*app.PrivateLink, error) {
	l, err := scanLink(db.read.QueryRowContext(ctx, `SELECT `+linkColumns+` FROM private_links WHERE token_hash = ?`, linkHash(token)))
	if err != nil {
		return nil, notFound(err, "private link not found")
	}
	if !l.Active(db.now()) {
		return nil, app.Errorf(app.ENOTFOUND, "private link not found")
	}
	return l, nil
}

// UpdatePrivateLink changes the expiry of a target's link (zero = never)
// and audits it. ENOTFOUND if the target has no such link.
func (db *DB) UpdatePrivateLink(ctx context.Context, kind app.LinkTarget, targetID int64, token string, expires time.Time, who app.AuditEntry) (*app.PrivateLink, error) {
	var l *app.PrivateLink
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		l, err = scanLink(tx.QueryRowContext(ctx, `SELECT `+linkColumns+` FROM private_links WHERE token_hash = ? AND kind = ? AND target_id = ?`,
			linkHash(token), kind, targetID))
		if err != nil {
			return notFound(err, "private link not found")
		}
		l.Expires = expires
		if _, err := tx.ExecContext(ctx, `UPDATE private_links SET expires_at = ? WHERE id = ?`, formatTime(expires), l.ID); err != nil {
			return err
		}
		return auditIn(ctx, tx, db, who, "link.update", fmt.Sprintf("%s:%d", kind, targetID), linkDetail(l))
	})
	return l, err
}

// DeletePrivateLink removes a target's link; it stops working at once.
// ENOTFOUND if the target has no such link.
func (db *DB) DeletePrivateLink(ctx context.Context, kind app.LinkTarget, targetID int64, token string, who app.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var id int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM private_links WHERE token_hash = ? AND kind = ? AND target_id = ?`,
			linkHash(token), kind, targetID).Scan(&id); err != nil {
			return notFound(err, "private link not found")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM private_links WHERE id = ?`, id); err != nil {
			return err
		}
		return auditIn(ctx, tx, db, who, "link.delete", fmt.Sprintf("%s:%d", kind, targetID), fmt.Sprintf("link=%d", id))
	})
}

// DeleteExpiredPrivateLinks removes links that expired before now, auditing
// each as the system's, and returns how many it removed. Expired links
// already stop working when they expire; this keeps the table small.
func (db *DB) DeleteExpiredPrivateLinks(ctx context.Context) (int, error) {
	n := 0
	err := db.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+linkColumns+` FROM private_links WHERE expires_at != '' AND expires_at <= ?`, db.stamp())
		if err != nil {
			return err
		}
		var expired []*app.PrivateLink
		for rows.Next() {
			l, err := scanLink(rows)
			if err != nil {
				rows.Close()
				return err
			}
			expired = append(expired, l)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, l := range expired {
			if _, err := tx.ExecContext(ctx, `DELETE FROM private_links WHERE id = ?`, l.ID); err != nil {
				return err
			}
			if err := auditIn(ctx, tx, db, app.AuditEntry{}, "link.expire", fmt.Sprintf("%s:%d", l.Kind, l.TargetID), linkDetail(l)); err != nil {
				return err
			}
		}
		n = len(expired)
		return nil
	})
	return n, err
}
