package catalog

import (
	"context"
	"database/sql"

	"carrel/app"
)

// UnexportedVersions lists published versions (of public and withdrawn
// items alike) that have no preservation bag yet, oldest first.
func (db *DB) UnexportedVersions(ctx context.Context, limit int) ([]app.VersionRef, error) {
	return db.versionRefs(ctx, `SELECT v.item_id, v.version FROM versions v
		LEFT JOIN preservation_exports p ON p.item_id = v.item_id AND p.version = v.version AND p.kind = 'version'
		WHERE p.item_id IS NULL ORDER BY v.published_at, v.item_id, v.version LIMIT ?`, limit)
}

// UnrecordedWithdrawals lists withdrawn items whose withdrawal has no
// preservation record yet, as the item and its last version.
func (db *DB) UnrecordedWithdrawals(ctx context.Context, limit int) ([]app.VersionRef, error) {
	return db.versionRefs(ctx, `SELECT i.id, i.version FROM items i
		LEFT JOIN preservation_exports p ON p.item_id = i.id AND p.version = i.version AND p.kind = 'withdrawal'
		WHERE i.status = 'withdrawn' AND i.version > 0 AND p.item_id IS NULL ORDER BY i.id LIMIT ?`, limit)
}

func (db *DB) versionRefs(ctx context.Context, query string, args ...any) ([]app.VersionRef, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []app.VersionRef
	for rows.Next() {
		var r app.VersionRef
		if err := rows.Scan(&r.ItemID, &r.Number); err != nil {
			return nil, translate(err)
		}
		out = append(out, r)
	}
	return out, translate(rows.Err())
}

// RecordExport records that bag holds the given version (kind "version")
// or its item's withdrawal (kind "withdrawal"). Recording it again is not
// an error.
func (db *DB) RecordExport(ctx context.Context, ref app.VersionRef, kind, bag string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO preservation_exports (item_id, version, kind, bag, exported_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT DO NOTHING`, ref.ItemID, ref.Number, kind, bag, db.stamp())
		return err
	})
}
