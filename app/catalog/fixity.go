package catalog

import (
	"context"
	"database/sql"
	"time"

	"carrel/app"
)

// FilesToVerify lists stored files (status available) not verified since
// before, for the fixity audit: never-verified ones first, then those
// verified longest ago.
func (db *DB) FilesToVerify(ctx context.Context, before time.Time, limit int) ([]app.File, error) {
	return db.files(ctx, `SELECT `+prefixed("f.", fileColumns)+` FROM files f LEFT JOIN file_fixity x ON x.file_id = f.id
		WHERE f.status = 'available' AND coalesce(x.checked_at, '') < ? ORDER BY coalesce(x.checked_at, ''), f.id LIMIT ?`,
		formatTime(before), limit)
}

// RecordFixity records the audit's verdict on a file: ok, or what is wrong.
func (db *DB) RecordFixity(ctx context.Context, fileID int64, ok bool, detail string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO file_fixity (file_id, checked_at, ok, detail) VALUES (?, ?, ?, ?)
			ON CONFLICT (file_id) DO UPDATE SET checked_at = excluded.checked_at, ok = excluded.ok, detail = excluded.detail`,
			fileID, db.stamp(), ok, detail)
		return err
	})
}

// FixityFailures counts stored files whose last fixity check failed.
func (db *DB) FixityFailures(ctx context.Context) (int64, error) {
	var n int64
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM file_fixity x JOIN files f ON f.id = x.file_id
		WHERE x.ok = 0 AND f.status = 'available'`).Scan(&n)
	return n, translate(err)
}

// StorageUsed counts the stored (available) files and their bytes.
func (db *DB) StorageUsed(ctx context.Context) (files, bytes int64, err error) {
	err = db.read.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(size), 0) FROM files WHERE status = 'available'`).Scan(&files, &bytes)
	return files, bytes, translate(err)
}
