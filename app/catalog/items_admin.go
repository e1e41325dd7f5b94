package catalog

import (
	"context"
	"database/sql"
	"fmt"

	"carrel/app"
)

// EditDraft replaces an item's draft metadata as UpdateDraft does, and
// audits the edit as done by who: for changes made to someone else's item
// by those who look after it.
func (db *DB) EditDraft(ctx context.Context, id int64, md app.Metadata, who app.AuditEntry) (*app.Item, error) {
	return db.updateDraft(ctx, id, md, func(tx *sql.Tx) error {
		return auditIn(ctx, tx, db, who, "item.edit", fmt.Sprintf("item:%d", id), fmt.Sprintf("title=%q", md.Title))
	})
}

// TransferItem makes another account the owner of an item, with its draft,
// versions and files, and audits it as done by who. The new owner sees it
// in their workspace; the old owner keeps only the rights a role gives.
// quota is the new owner's limit in bytes (0 for none): ECONFLICT, with
// the numbers, if the item's files would take them past it, unless
// override (an administrator's decision, audited with the numbers).
// EUNPROCESSABLE if the new owner does not exist, is deactivated or
// already owns it; ENOTFOUND for a missing item.
func (db *DB) TransferItem(ctx context.Context, id, to, quota int64, override bool, who app.AuditEntry) (*app.Item, error) {
	err := db.change(ctx, func() int64 { return id }, func(tx *sql.Tx) error {
		var from int64
		if err := tx.QueryRowContext(ctx, `SELECT account_id FROM items WHERE id = ?`, id).Scan(&from); err != nil {
			return notFound(err, "item %d not found", id)
		}
		var active bool
		if err := tx.QueryRowContext(ctx, `SELECT active FROM accounts WHERE id = ?`, to).Scan(&active); err != nil {
			if err == sql.ErrNoRows {
				return app.Errorf(app.EUNPROCESSABLE, "account %d does not exist", to)
			}
			return err
		}
		switch {
		case !active:
			return app.Errorf(app.EUNPROCESSABLE, "account %d is deactivated and cannot own items", to)
		case from == to:
			return app.Errorf(app.EUNPROCESSABLE, "account %d already owns item %d", to, id)
		}
		detail := fmt.Sprintf("owner=account:%d->account:%d", from, to)
		if quota > 0 {
			var size int64
			if err := tx.QueryRowContext(ctx, `SELECT coalesce(sum(size), 0) FROM files WHERE item_id = ? AND status != 'error'`, id).Scan(&size); err != nil {
				return err
			}
			used, err := accountBytes(ctx, tx, to)
			if err != nil {
				return err
			}
			if used+size > quota {
				if !override {
					return app.TransferOverQuota(to, used, size, quota)
				}
				detail += fmt.Sprintf(" quota_override=used:%d+item:%d>quota:%d", used, size, quota)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE items SET account_id = ?, modified_at = ? WHERE id = ?`, to, db.stamp(), id); err != nil {
			return err
		}
		return auditIn(ctx, tx, db, who, "item.transfer", fmt.Sprintf("item:%d", id), detail)
	})
	if err != nil {
		return nil, err
	}
	return db.Item(ctx, id)
}
