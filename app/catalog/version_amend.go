package catalog

import (
	"context"
	"database/sql"
	"encoding/json"

	"carrel/app"
)

// AmendVersion changes a published version's supplementary fields or
// thumbnail, leaving every other field of its metadata as it was.
// ENOTFOUND for a missing version, ECONFLICT for a withdrawn item,
// EUNPROCESSABLE for invalid fields or a thumbnail that is not one of the
// version's files.
func (db *DB) AmendVersion(ctx context.Context, itemID int64, number int, a app.VersionAmendment) error {
	if a.Supplementary != nil {
		if err := app.ValidateSupplementary(*a.Supplementary); err != nil {
			return err
		}
	}
	return db.change(ctx, func() int64 { return itemID }, func(tx *sql.Tx) error {
		var body, status string
		err := tx.QueryRowContext(ctx, `SELECT v.metadata, i.status FROM versions v JOIN items i ON i.id = v.item_id
			WHERE v.item_id = ? AND v.version = ?`, itemID, number).Scan(&body, &status)
		if err != nil {
			return notFound(err, "version %d of item %d not found", number, itemID)
		}
		if app.ItemStatus(status) == app.StatusWithdrawn {
			return app.Errorf(app.ECONFLICT, "item %d has been withdrawn", itemID)
		}
		// Decode into a generic object too, so that fields this build does
		// not know survive the rewrite.
		var md app.Metadata
		var raw map[string]json.RawMessage
		if err := json.Unmarshal([]byte(body), &md); err != nil {
			return app.Internal(err, "decode version")
		}
		if err := json.Unmarshal([]byte(body), &raw); err != nil {
			return app.Internal(err, "decode version")
		}
		if a.Supplementary != nil {
			md.Supplementary = *a.Supplementary
			raw["supplementary_fields"], _ = json.Marshal(md.Supplementary)
		}
		if a.ThumbFileID != nil {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM version_files WHERE item_id = ? AND version = ? AND file_id = ?`,
				itemID, number, *a.ThumbFileID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return app.Errorf(app.EUNPROCESSABLE, "file %d is not a file of version %d", *a.ThumbFileID, number)
			}
			raw["thumb_file_id"], _ = json.Marshal(*a.ThumbFileID)
		}
		out, err := json.Marshal(raw)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE versions SET metadata = ? WHERE item_id = ? AND version = ?`, string(out), itemID, number)
		return err
	})
}
