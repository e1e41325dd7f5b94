package catalog

import (
	"context"
	"database/sql"

	"carrel/app"
)

const fileColumns = `id, item_id, name, folder, size, supplied_md5, computed_md5, sha256, mime, status, storage_key,
	upload_token, upload_id, part_size, error, created_at`

func scanFile(row interface{ Scan(...any) error }) (*app.File, error) {
	var f app.File
	var created string
	if err := row.Scan(&f.ID, &f.ItemID, &f.Name, &f.Folder, &f.Size, &f.SuppliedMD5, &f.ComputedMD5, &f.SHA256, &f.MimeType,
		&f.Status, &f.StorageKey, &f.UploadToken, &f.UploadID, &f.PartSize, &f.Error, &created); err != nil {
		return nil, err
	}
	f.Created = parseTime(created)
	return &f, nil
}

func (db *DB) files(ctx context.Context, query string, args ...any) ([]app.File, error) {
	return queryFiles(ctx, db.read, query, args...)
}

// queryFiles runs a query selecting fileColumns through q and scans its
// rows.
func queryFiles(ctx context.Context, q querier, query string, args ...any) ([]app.File, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []app.File
	for rows.Next() {
		f, err := scanFile(rows)
		if err != nil {
			return nil, translate(err)
		}
		out = append(out, *f)
	}
	return out, translate(rows.Err())
}

// accountBytes is the storage an account's items use: the bytes of their
// files, every version, not counting failed uploads.
func accountBytes(ctx context.Context, tx *sql.Tx, accountID int64) (used int64, err error) {
	err = tx.QueryRowContext(ctx, `SELECT coalesce(sum(f.size), 0) FROM files f JOIN items i ON i.id = f.item_id
		WHERE i.account_id = ? AND f.status != 'error'`, accountID).Scan(&used)
	return used, err
}

// CreateFile registers a new file in an item's draft. The storage key and
// upload token must be fresh random values chosen by the caller. quota is
// the owner's limit in bytes (0 for none); ETOOLARGE if the file would
// exceed it or the quota of the item's group or of any group above it. ECONFLICT if the draft already has a file with that path.
func (db *DB) CreateFile(ctx context.Context, f *app.File, quota int64) error {
	f.Created = db.now()
	f.Status = app.FileCreated
	return db.change(ctx, func() int64 { return f.ItemID }, func(tx *sql.Tx) error {
		var owner int64
		var status string
		if err := tx.QueryRowContext(ctx, `SELECT account_id, status FROM items WHERE id = ?`, f.ItemID).Scan(&owner, &status); err != nil {
			return notFound(err, "item %d not found", f.ItemID)
		}
		if status == string(app.StatusWithdrawn) {
			return app.Errorf(app.ECONFLICT, "item %d has been withdrawn", f.ItemID)
		}
		var dup int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM files WHERE item_id = ? AND in_draft = 1 AND folder = ? AND name = ?`,
			f.ItemID, f.Folder, f.Name).Scan(&dup); err != nil {
			return err
		}
		if dup > 0 {
			return app.Errorf(app.ECONFLICT, "the item already has a file named %q", f.Path())
		}
		if quota > 0 {
			used, err := accountBytes(ctx, tx, owner)
			if err != nil {
				return err
			}
			if used+f.Size > quota {
				return app.Errorf(app.ETOOLARGE, "this file would exceed your storage quota (%d of %d bytes used)", used, quota)
			}
		}
		if err := checkGroupQuotas(ctx, tx, f.ItemID, f.Size); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO files (item_id, name, folder, size, supplied_md5, mime, status, storage_key,
			upload_token, upload_id, part_size, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			f.ItemID, f.Name, f.Folder, f.Size, f.SuppliedMD5, f.MimeType, f.Status, f.StorageKey, f.UploadToken, f.UploadID,
			f.PartSize, formatTime(f.Created))
		if err != nil {
			return err
		}
		f.ID, err = res.LastInsertId()
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE items SET draft_changed = 1, modified_at = ? WHERE id = ?`, db.stamp(), f.ItemID)
		return err
	})
}

// File returns a file by id. ENOTFOUND if none.
func (db *DB) File(ctx context.Context, id int64) (*app.File, error) {
	f, err := scanFile(db.read.QueryRowContext(ctx, `SELECT `+fileColumns+` FROM files WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "file %d not found", id)
	}
	return f, nil
}

// FileByUploadToken returns the file an upload token belongs to.
func (db *DB) FileByUploadToken(ctx context.Context, token string) (*app.File, error) {
	f, err := scanFile(db.read.QueryRowContext(ctx, `SELECT `+fileColumns+` FROM files WHERE upload_token = ?`, token))
	if err != nil {
		return nil, notFound(err, "upload not found")
	}
	return f, nil
}

// DraftFiles lists the files in an item's draft, oldest first.
func (db *DB) DraftFiles(ctx context.Context, itemID int64) ([]app.File, error) {
	return db.files(ctx, draftFilesSQL, itemID)
}

const draftFilesSQL = `SELECT ` + fileColumns + ` FROM files WHERE item_id = ? AND in_draft = 1 ORDER BY id`

// InPublishedVersion reports whether a file belongs to any published
// version of its item.
func (db *DB) InPublishedVersion(ctx context.Context, fileID int64) (bool, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM version_files WHERE file_id = ?`, fileID).Scan(&n)
	return n > 0, translate(err)
}

// DoneParts lists the part numbers of a file that were stored completely.
func (db *DB) DoneParts(ctx context.Context, fileID int64) (map[int]bool, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT part_no FROM upload_parts WHERE file_id = ?`, fileID)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	done := map[int]bool{}
	for rows.Next() {
		var n int
		if err := rows.Scan(&n); err != nil {
			return nil, translate(err)
		}
		done[n] = true
	}
	return done, translate(rows.Err())
}

// MarkPartDone records that a part of a file was stored completely.
func (db *DB) MarkPartDone(ctx context.Context, fileID int64, partNo int) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO upload_parts (file_id, part_no) VALUES (?, ?)`, fileID, partNo)
		return err
	})
}

// FinishFile records the outcome of completing an upload: available with
// its checksums and type, or failed with a reason. ECONFLICT if the file is
// no longer being uploaded.
func (db *DB) FinishFile(ctx context.Context, f *app.File) error {
	return db.change(ctx, func() int64 { return f.ItemID }, func(tx *sql.Tx) error {
		err := mustAffect(tx.ExecContext(ctx, `UPDATE files SET status = ?, computed_md5 = ?, sha256 = ?, mime = ?, error = ?, upload_id = ''
			WHERE id = ? AND status = 'created'`, f.Status, f.ComputedMD5, f.SHA256, f.MimeType, f.Error, f.ID))
		if app.ErrorCode(err) == app.ENOTFOUND {
			return app.Errorf(app.ECONFLICT, "file %d has already been completed", f.ID)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM upload_parts WHERE file_id = ?`, f.ID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE items SET draft_changed = 1, modified_at = ? WHERE id = ?`, db.stamp(), f.ItemID)
		return err
	})
}

// RemoveDraftFile takes a file out of its item's draft. A file that no
// published version holds is deleted, and its storage key is returned so
// the caller can remove the bytes; a file a version holds keeps its bytes.
func (db *DB) RemoveDraftFile(ctx context.Context, f *app.File) (orphanKey string, err error) {
	err = db.change(ctx, func() int64 { return f.ItemID }, func(tx *sql.Tx) error {
		var held int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM version_files WHERE file_id = ?`, f.ID).Scan(&held); err != nil {
			return err
		}
		if held > 0 {
			if err := mustAffect(tx.ExecContext(ctx, `UPDATE files SET in_draft = 0 WHERE id = ? AND in_draft = 1`, f.ID)); err != nil {
				return err
			}
		} else {
			if _, err := tx.ExecContext(ctx, `DELETE FROM upload_parts WHERE file_id = ?`, f.ID); err != nil {
				return err
			}
			if err := mustAffect(tx.ExecContext(ctx, `DELETE FROM files WHERE id = ?`, f.ID)); err != nil {
				return err
			}
			orphanKey = f.StorageKey
		}
		_, err := tx.ExecContext(ctx, `UPDATE items SET draft_changed = 1, modified_at = ? WHERE id = ?`, db.stamp(), f.ItemID)
		return err
	})
	return orphanKey, err
}

// ResetPart forgets that a part was uploaded, so it must be sent again.
func (db *DB) ResetPart(ctx context.Context, fileID int64, partNo int) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM upload_parts WHERE file_id = ? AND part_no = ?`, fileID, partNo)
		return err
	})
}
