package catalog

import (
	"context"
	"database/sql"
	"fmt"

	"carrel/app"
)

// MaxFeatured is how many items may be featured at once.
const MaxFeatured = 12

// SetFeatured features a public item on the home page or stops featuring
// it, and audits the change. ENOTFOUND for an unknown item, EUNPROCESSABLE
// for featuring an item that is not public or one too many.
func (db *DB) SetFeatured(ctx context.Context, itemID int64, on bool, who app.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var status string
		if err := tx.QueryRowContext(ctx, `SELECT status FROM items WHERE id = ?`, itemID).Scan(&status); err != nil {
			return notFound(err, "item %d not found", itemID)
		}
		action := "item.unfeature"
		if on {
			action = "item.feature"
			if status != "public" {
				return app.Errorf(app.EUNPROCESSABLE, "only published items can be featured")
			}
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM featured_items WHERE item_id != ?`, itemID).Scan(&n); err != nil {
				return err
			}
			if n >= MaxFeatured {
				return app.Errorf(app.EUNPROCESSABLE, "at most %d items can be featured; stop featuring one first", MaxFeatured)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO featured_items (item_id, featured_at, featured_by) VALUES (?, ?, ?)
				ON CONFLICT (item_id) DO NOTHING`, itemID, db.stamp(), who.ActorID); err != nil {
				return err
			}
		} else if _, err := tx.ExecContext(ctx, `DELETE FROM featured_items WHERE item_id = ?`, itemID); err != nil {
			return err
		}
		return auditIn(ctx, tx, db, who, action, fmt.Sprintf("item:%d", itemID), "")
	})
}

// Featured returns the ids of the featured items, most recently featured
// first. The caller shows only those the public may still see.
func (db *DB) Featured(ctx context.Context) ([]int64, error) {
	return db.ids(ctx, `SELECT item_id FROM featured_items ORDER BY featured_at DESC, item_id DESC LIMIT ?`, MaxFeatured)
}
