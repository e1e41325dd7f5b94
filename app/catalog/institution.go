package catalog

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"carrel/app"
)

// AccountUsage returns the bytes an account's items hold: in total, and
// in files of public versions.
func (db *DB) AccountUsage(ctx context.Context, accountID int64) (total, public int64, err error) {
	err = db.read.QueryRowContext(ctx, `SELECT coalesce(sum(f.size), 0) FROM files f JOIN items i ON i.id = f.item_id
		WHERE i.account_id = ? AND f.status != 'error'`, accountID).Scan(&total)
	if err != nil {
		return 0, 0, translate(err)
	}
	err = db.read.QueryRowContext(ctx, `SELECT coalesce(sum(f.size), 0) FROM files f WHERE f.id IN (
		SELECT vf.file_id FROM version_files vf JOIN items i ON i.id = vf.item_id WHERE i.account_id = ? AND i.status = 'public')`,
		accountID).Scan(&public)
	return total, public, translate(err)
}

// ListAccounts lists accounts matching f by id.
func (db *DB) ListAccounts(ctx context.Context, f app.AccountFilter) ([]app.Account, error) {
	var where []string
	var args []any
	if f.Active != nil {
		where, args = append(where, `active = ?`), append(args, *f.Active)
	}
	if f.Email != "" {
		where, args = append(where, `email = ?`), append(args, strings.TrimSpace(f.Email))
	}
	if f.Search != "" {
		like := "%" + likeEscape(f.Search) + "%"
		where = append(where, `(email LIKE ? ESCAPE '\' OR first_name || ' ' || last_name LIKE ? ESCAPE '\')`)
		args = append(args, like, like)
	}
	if f.MinID > 0 {
		where, args = append(where, `id >= ?`), append(args, f.MinID)
	}
	if f.MaxID > 0 {
		where, args = append(where, `id <= ?`), append(args, f.MaxID)
	}
	if f.GroupIDs != nil {
		marks := strings.TrimSuffix(strings.Repeat("?,", len(f.GroupIDs)), ",")
		if marks == "" {
			return nil, nil
		}
		where = append(where, `group_id IN (`+marks+`)`)
		for _, g := range f.GroupIDs {
			args = append(args, g)
		}
	}
	q := `SELECT ` + accountColumns + ` FROM accounts`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	return db.accountList(ctx, q+` ORDER BY id LIMIT ? OFFSET ?`, append(args, limit, f.Offset)...)
}

// UpdateAccountAccess sets an account's home group, quota and whether it
// is active, and audits the change. EINVALID for a missing group or a
// negative quota, ENOTFOUND for a missing account.
func (db *DB) UpdateAccountAccess(ctx context.Context, id, groupID, quota int64, active bool, who app.AuditEntry) error {
	if quota < 0 {
		return app.Errorf(app.EINVALID, "quota must not be negative")
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		old, err := scanAccount(tx.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = ?`, id))
		if err != nil {
			return notFound(err, "account %d not found", id)
		}
		if err := groupExists(ctx, tx, groupID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET group_id = ?, quota = ?, active = ? WHERE id = ?`, groupID, quota, active, id); err != nil {
			return err
		}
		return auditIn(ctx, tx, db, who, "account.update", fmt.Sprintf("account:%d", id),
			fmt.Sprintf("group=%d->%d quota=%d->%d active=%v->%v", old.GroupID, groupID, old.Quota, quota, old.Active, active))
	})
}
