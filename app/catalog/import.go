package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"carrel/app"
)

// ImportItem is an item imported whole: its metadata, its files (already
// stored and verified) and its dates. A non-zero Published makes it a
// published version 1 with all its files; otherwise it stays a draft.
type ImportItem struct {
	AccountID, GroupID int64
	Metadata           app.Metadata
	// Files need Name, Size, ComputedMD5, SHA256, MimeType and fresh,
	// unique StorageKey and UploadToken values.
	Files                        []app.File
	Created, Modified, Published time.Time
	// Seeded marks synthetic items made by `carrel dev seed`.
	Seeded bool
}

// Import stores items in one transaction, in order, each as one catalog
// change, and returns their ids; either all are stored or none. Errors:
// EUNPROCESSABLE or EINVALID naming the first bad item.
func (db *DB) Import(ctx context.Context, items []ImportItem) ([]int64, error) {
	ids := make([]int64, 0, len(items))
	var seq int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		for i := range items {
			id, s, err := db.importOne(ctx, tx, &items[i])
			if err != nil {
				return err
			}
			ids, seq = append(ids, id), s
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(ids) > 0 {
		for _, h := range db.hooks {
			h(ctx, seq, ids)
		}
	}
	return ids, nil
}

func (db *DB) importOne(ctx context.Context, tx *sql.Tx, in *ImportItem) (id, seq int64, err error) {
	md := in.Metadata
	if err := md.Validate(); err != nil {
		return 0, 0, err
	}
	if err := checkMetadata(ctx, tx, &md); err != nil {
		return 0, 0, err
	}
	if err := groupExists(ctx, tx, in.GroupID); err != nil {
		return 0, 0, err
	}
	body, err := json.Marshal(md)
	if err != nil {
		return 0, 0, err
	}
	created, modified := formatTime(in.Created), formatTime(in.Modified)
	res, err := tx.ExecContext(ctx, `INSERT INTO items (account_id, group_id, draft, created_at, modified_at, seeded)
		VALUES (?, ?, ?, ?, ?, ?)`, in.AccountID, in.GroupID, string(body), created, modified, in.Seeded)
	if err != nil {
		return 0, 0, err
	}
	if id, err = res.LastInsertId(); err != nil {
		return 0, 0, err
	}
	for _, f := range in.Files {
		if _, err := tx.ExecContext(ctx, `INSERT INTO files (item_id, name, folder, size, supplied_md5, computed_md5, sha256, mime,
			status, storage_key, upload_token, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'available', ?, ?, ?)`,
			id, f.Name, f.Folder, f.Size, f.ComputedMD5, f.ComputedMD5, f.SHA256, f.MimeType, f.StorageKey, f.UploadToken,
			created); err != nil {
			return 0, 0, err
		}
	}
	if !in.Published.IsZero() {
		if missing := md.MissingForPublish(); len(missing) > 0 {
			return 0, 0, app.Errorf(app.EUNPROCESSABLE, "cannot publish %q: missing %v", md.Title, missing)
		}
		pub := formatTime(in.Published)
		if _, err := tx.ExecContext(ctx, `INSERT INTO versions (item_id, version, metadata, published_at) VALUES (?, 1, ?, ?)`,
			id, string(body), pub); err != nil {
			return 0, 0, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO version_files (item_id, version, file_id, position)
			SELECT ?, 1, id, row_number() OVER (ORDER BY id) FROM files WHERE item_id = ?`, id, id); err != nil {
			return 0, 0, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE items SET status = 'public', curation_status = 'approved', version = 1,
			draft_changed = 0, published_at = ?, pub_type = ?, pub_doi = ?, pub_handle = ?, pub_resource_doi = ?, pub_at = ?
			WHERE id = ?`, pub, md.ItemType, md.DOI, md.Handle, md.ResourceDOI, pub, id); err != nil {
			return 0, 0, err
		}
	}
	res, err = tx.ExecContext(ctx, `INSERT INTO changes (item_id, at) VALUES (?, ?)`, id, db.stamp())
	if err != nil {
		return 0, 0, err
	}
	seq, err = res.LastInsertId()
	return id, seq, err
}

// HasRealItems reports whether the catalog holds any item that
// `carrel dev seed` did not make.
func (db *DB) HasRealItems(ctx context.Context) (bool, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM items WHERE seeded = 0)`).Scan(&n)
	return n == 1, translate(err)
}
