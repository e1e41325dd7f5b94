package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"carrel/app"
)

const itemColumns = `id, account_id, group_id, status, curation_status, version, draft_changed, draft,
	created_at, modified_at, published_at, withdraw_reason,
	embargo_type, embargo_until, embargo_title, embargo_reason, confidential, confidential_reason`

func scanItem(row interface{ Scan(...any) error }, extra ...any) (*app.Item, error) {
	it, draft, err := scanItemOnly(row, extra...)
	if err != nil {
		return nil, err
	}
	if err := decodeDraft(it, draft); err != nil {
		return nil, err
	}
	return it, nil
}

// scanItemOnly scans an item row but leaves its draft undecoded, for
// callers that may not need it; decodeDraft decodes it.
func scanItemOnly(row interface{ Scan(...any) error }, extra ...any) (*app.Item, []byte, error) {
	var it app.Item
	var draft []byte
	var created, modified, published, until string
	dest := append([]any{&it.ID, &it.AccountID, &it.GroupID, &it.Status, &it.CurationStatus, &it.Version, &it.DraftChanged,
		&draft, &created, &modified, &published, &it.WithdrawReason,
		&it.Embargo.Type, &until, &it.Embargo.Title, &it.Embargo.Reason,
		&it.Confidentiality.Confidential, &it.Confidentiality.Reason}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, nil, err
	}
	it.Created, it.Modified, it.Published = parseTime(created), parseTime(modified), parseTime(published)
	it.Embargo.Until = parseTime(until)
	return &it, draft, nil
}

func decodeDraft(it *app.Item, draft []byte) error {
	if err := json.Unmarshal(draft, &it.Draft); err != nil {
		return app.Internal(err, "decode draft")
	}
	return nil
}

// CreateItem stores a new draft item owned by accountID, resolving its
// authors and checking its vocabulary references.
func (db *DB) CreateItem(ctx context.Context, accountID, groupID int64, md app.Metadata) (*app.Item, error) {
	return db.createItem(ctx, accountID, groupID, md, nil)
}

// createItem stores a new draft item; then, if not nil, runs in the same
// transaction with the new item's id.
func (db *DB) createItem(ctx context.Context, accountID, groupID int64, md app.Metadata, then func(*sql.Tx, int64) error) (*app.Item, error) {
	if err := md.Validate(); err != nil {
		return nil, err
	}
	now := db.stamp()
	var id int64
	var it *app.Item
	err := db.change(ctx, func() int64 { return id }, func(tx *sql.Tx) error {
		if err := checkMetadata(ctx, tx, &md); err != nil {
			return err
		}
		if err := checkRetired(ctx, tx, &md, nil); err != nil {
			return err
		}
		if err := groupExists(ctx, tx, groupID); err != nil {
			return err
		}
		if err := checkGroupRules(ctx, tx, groupID, nil, &md); err != nil {
			return err
		}
		body, err := json.Marshal(md)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO items (account_id, group_id, draft, created_at, modified_at) VALUES (?, ?, ?, ?, ?)`,
			accountID, groupID, string(body), now, now)
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		if then != nil {
			if err := then(tx, id); err != nil {
				return err
			}
		}
		it, err = itemIn(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return it, nil
}

// Item returns an item with its draft. ENOTFOUND if none.
func (db *DB) Item(ctx context.Context, id int64) (*app.Item, error) {
	return itemIn(ctx, db.read, id)
}

// itemIn reads an item through q. A change reads the item it made inside
// its own transaction: the writer's page cache is warm, where a read from
// the pool right after the commit starts a new read transaction that finds
// the database changed and reads its pages again.
func itemIn(ctx context.Context, q querier, id int64) (*app.Item, error) {
	it, err := scanItem(q.QueryRowContext(ctx, `SELECT `+itemColumns+` FROM items WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "item %d not found", id)
	}
	return it, nil
}

// UpdateDraft replaces an item's draft metadata. Published versions are
// untouched; the draft becomes the candidate for the next version.
func (db *DB) UpdateDraft(ctx context.Context, id int64, md app.Metadata) (*app.Item, error) {
	return db.updateDraft(ctx, id, md, nil)
}

// updateDraft replaces an item's draft; then, if not nil, runs in the same
// transaction.
func (db *DB) updateDraft(ctx context.Context, id int64, md app.Metadata, then func(*sql.Tx) error) (*app.Item, error) {
	if err := md.Validate(); err != nil {
		return nil, err
	}
	var it *app.Item
	err := db.change(ctx, func() int64 { return id }, func(tx *sql.Tx) error {
		if err := checkMetadata(ctx, tx, &md); err != nil {
			return err
		}
		old, err := scanItem(tx.QueryRowContext(ctx, `SELECT `+itemColumns+` FROM items WHERE id = ?`, id))
		if err != nil {
			return notFound(err, "item %d not found", id)
		}
		if old.Status == app.StatusWithdrawn {
			return app.Errorf(app.ECONFLICT, "item %d has been withdrawn and can no longer be edited", id)
		}
		if err := checkGroupRules(ctx, tx, old.GroupID, &old.Draft, &md); err != nil {
			return err
		}
		body, err := json.Marshal(md)
		if err != nil {
			return err
		}
		if err := checkRetired(ctx, tx, &md, &old.Draft); err != nil {
			return err
		}
		if _, err = tx.ExecContext(ctx, `UPDATE items SET draft = ?, draft_changed = 1, modified_at = ? WHERE id = ?`,
			string(body), db.stamp(), id); err != nil {
			return err
		}
		if then != nil {
			if err := then(tx); err != nil {
				return err
			}
		}
		it, err = itemIn(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return it, nil
}

// DeleteItem deletes an item that was never published, with its file
// records, and returns the storage keys of the bytes to remove. ECONFLICT
// if the item has a published version (withdraw it instead).
func (db *DB) DeleteItem(ctx context.Context, id int64) (keys []string, err error) {
	err = db.change(ctx, func() int64 { return id }, func(tx *sql.Tx) error {
		var version int
		if err := tx.QueryRowContext(ctx, `SELECT version FROM items WHERE id = ?`, id).Scan(&version); err != nil {
			return notFound(err, "item %d not found", id)
		}
		if version > 0 {
			return app.Errorf(app.ECONFLICT, "item %d has been published and cannot be deleted; unpublish it instead", id)
		}
		rows, err := tx.QueryContext(ctx, `SELECT storage_key FROM files WHERE item_id = ?`, id)
		if err != nil {
			return err
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return err
			}
			keys = append(keys, k)
		}
		rows.Close()
		for _, q := range []string{`DELETE FROM upload_parts WHERE file_id IN (SELECT id FROM files WHERE item_id = ?)`,
			`DELETE FROM files WHERE item_id = ?`, `DELETE FROM items WHERE id = ?`} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return err
			}
		}
		return nil
	})
	return keys, err
}

// checkMetadata resolves authors to stored author records and checks that
// item type, license and categories exist.
func checkMetadata(ctx context.Context, tx *sql.Tx, md *app.Metadata) error {
	if md.ItemType != 0 {
		if err := exists(ctx, tx, `SELECT count(*) FROM item_types WHERE id = ?`, md.ItemType); err != nil {
			return app.Errorf(app.EUNPROCESSABLE, "defined_type %d does not exist", md.ItemType)
		}
	}
	if md.License != 0 {
		if err := exists(ctx, tx, `SELECT count(*) FROM licenses WHERE id = ?`, md.License); err != nil {
			return app.Errorf(app.EUNPROCESSABLE, "license %d does not exist", md.License)
		}
	}
	seen := map[int64]bool{}
	cats := md.Categories[:0]
	for _, c := range md.Categories {
		if seen[c] {
			continue
		}
		seen[c] = true
		if err := exists(ctx, tx, `SELECT count(*) FROM categories WHERE id = ?`, c); err != nil {
			return app.Errorf(app.EUNPROCESSABLE, "category %d does not exist", c)
		}
		cats = append(cats, c)
	}
	md.Categories = cats
	for i := range md.Authors {
		a, err := resolveAuthor(ctx, tx, md.Authors[i])
		if err != nil {
			return err
		}
		md.Authors[i] = a
	}
	return nil
}

func exists(ctx context.Context, tx *sql.Tx, q string, args ...any) error {
	var n int
	if err := tx.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return sql.ErrNoRows
	}
	return nil
}

// authorColumns selects a stored author; a condition follows.
const authorColumns = `SELECT id, full_name, first_name, last_name, orcid, account_id FROM authors WHERE `

// authorByORCID finds the first author recorded with an ORCID iD. The
// index on authors.orcid is partial (only rows with an ORCID iD), and SQLite
// uses a partial index only when the query repeats its condition: without
// it every create scanned the whole authors table (a million rows in a large
// repository, 100 ms a create).
const authorByORCID = `orcid = ? AND orcid != '' ORDER BY id LIMIT 1`

// resolveAuthor returns the stored author an entry refers to: by id, by
// ORCID iD if one is known, or a new author record for a new name.
func resolveAuthor(ctx context.Context, tx *sql.Tx, a app.Author) (app.Author, error) {
	get := func(q string, arg any) (app.Author, error) {
		var got app.Author
		err := tx.QueryRowContext(ctx, authorColumns+q, arg).
			Scan(&got.ID, &got.FullName, &got.FirstName, &got.LastName, &got.ORCID, &got.AccountID)
		return got, err
	}
	if a.ID != 0 {
		got, err := get(`id = ?`, a.ID)
		if err == sql.ErrNoRows {
			return a, app.Errorf(app.EUNPROCESSABLE, "author id %d does not exist", a.ID)
		}
		return got, err
	}
	a.ORCID = app.NormalizeORCID(a.ORCID)
	if a.ORCID != "" {
		got, err := get(authorByORCID, a.ORCID)
		if err == nil {
			return got, nil
		} else if err != sql.ErrNoRows {
			return a, err
		}
	}
	a.FullName = strings.Join(strings.Fields(a.FullName), " ")
	if a.FullName == "" {
		a.FullName = strings.TrimSpace(a.FirstName + " " + a.LastName)
	}
	if a.FullName == "" {
		return a, app.Errorf(app.EUNPROCESSABLE, "each author needs an id or a name")
	}
	if a.FirstName == "" && a.LastName == "" {
		a.FirstName, a.LastName = app.SplitName(a.FullName)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO authors (full_name, first_name, last_name, orcid, account_id) VALUES (?, ?, ?, ?, ?)`,
		a.FullName, a.FirstName, a.LastName, a.ORCID, a.AccountID)
	if err != nil {
		return a, err
	}
	a.ID, err = res.LastInsertId()
	return a, err
}

// mustAffect turns an update that matched no row into ENOTFOUND.
func mustAffect(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return app.Errorf(app.ENOTFOUND, "not found")
	}
	return nil
}
