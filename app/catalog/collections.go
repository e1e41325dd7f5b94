package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"carrel/app"
)

const collectionColumns = `id, account_id, group_id, status, version, draft_changed, draft, created_at, modified_at, published_at`

func scanCollection(row interface{ Scan(...any) error }) (*app.Collection, error) {
	var c app.Collection
	var draft, created, modified, published string
	if err := row.Scan(&c.ID, &c.AccountID, &c.GroupID, &c.Status, &c.Version, &c.DraftChanged, &draft,
		&created, &modified, &published); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(draft), &c.Draft); err != nil {
		return nil, app.Internal(err, "decode collection draft")
	}
	c.Created, c.Modified, c.Published = parseTime(created), parseTime(modified), parseTime(published)
	return &c, nil
}

// CreateCollection stores a new draft collection owned by accountID with
// the given items (which must exist).
func (db *DB) CreateCollection(ctx context.Context, accountID, groupID int64, md app.CollectionMetadata, items []int64) (*app.Collection, error) {
	if err := md.Validate(); err != nil {
		return nil, err
	}
	now := db.stamp()
	var id int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if err := checkMetadata(ctx, tx, &md.Metadata); err != nil {
			return err
		}
		if err := groupExists(ctx, tx, groupID); err != nil {
			return err
		}
		body, err := json.Marshal(md)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO collections (account_id, group_id, draft, created_at, modified_at) VALUES (?, ?, ?, ?, ?)`,
			accountID, groupID, string(body), now, now)
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		return setCollectionItems(ctx, tx, id, items)
	})
	if err != nil {
		return nil, err
	}
	return db.Collection(ctx, id)
}

// Collection returns a collection with its draft and draft items.
// ENOTFOUND if none.
func (db *DB) Collection(ctx context.Context, id int64) (*app.Collection, error) {
	c, err := scanCollection(db.read.QueryRowContext(ctx, `SELECT `+collectionColumns+` FROM collections WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "collection %d not found", id)
	}
	c.Items, err = db.ids(ctx, `SELECT item_id FROM collection_items WHERE collection_id = ? ORDER BY position`, id)
	return c, err
}

// UpdateCollection replaces a collection's draft metadata and, when items
// is not nil, its draft items. Published versions are untouched.
func (db *DB) UpdateCollection(ctx context.Context, id int64, md app.CollectionMetadata, items []int64) (*app.Collection, error) {
	if err := md.Validate(); err != nil {
		return nil, err
	}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if err := checkMetadata(ctx, tx, &md.Metadata); err != nil {
			return err
		}
		body, err := json.Marshal(md)
		if err != nil {
			return err
		}
		if err := mustAffectNamed(tx.ExecContext(ctx, `UPDATE collections SET draft = ?, draft_changed = 1, modified_at = ? WHERE id = ?`,
			string(body), db.stamp(), id))("collection %d not found", id); err != nil {
			return err
		}
		if items == nil {
			return nil
		}
		return setCollectionItems(ctx, tx, id, items)
	})
	if err != nil {
		return nil, err
	}
	return db.Collection(ctx, id)
}

// setCollectionItems makes items (deduplicated, in order) the draft's
// members. EUNPROCESSABLE if one does not exist.
func setCollectionItems(ctx context.Context, tx *sql.Tx, id int64, items []int64) error {
	if len(items) > app.MaxCollectionItems {
		return app.Errorf(app.EUNPROCESSABLE, "a collection holds at most %d articles", app.MaxCollectionItems)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM collection_items WHERE collection_id = ?`, id); err != nil {
		return err
	}
	seen := map[int64]bool{}
	for _, it := range items {
		if seen[it] {
			continue
		}
		seen[it] = true
		if err := exists(ctx, tx, `SELECT count(*) FROM items WHERE id = ?`, it); err != nil {
			return app.Errorf(app.EUNPROCESSABLE, "article %d does not exist", it)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO collection_items (collection_id, item_id, position) VALUES (?, ?, ?)`,
			id, it, len(seen)); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `UPDATE collections SET draft_changed = 1 WHERE id = ?`, id)
	return err
}

// SetCollectionItems replaces a draft's members with items.
func (db *DB) SetCollectionItems(ctx context.Context, id int64, items []int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := mustAffectNamed(tx.ExecContext(ctx, `UPDATE collections SET modified_at = ? WHERE id = ?`, db.stamp(), id))("collection %d not found", id); err != nil {
			return err
		}
		return setCollectionItems(ctx, tx, id, items)
	})
}

// DeleteCollection deletes a collection that was never published.
// ECONFLICT once it has a published version: its citations must resolve.
func (db *DB) DeleteCollection(ctx context.Context, id int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var version int
		if err := tx.QueryRowContext(ctx, `SELECT version FROM collections WHERE id = ?`, id).Scan(&version); err != nil {
			return notFound(err, "collection %d not found", id)
		}
		if version > 0 {
			return app.Errorf(app.ECONFLICT, "collection %d has been published and cannot be deleted", id)
		}
		for _, q := range []string{`DELETE FROM collection_items WHERE collection_id = ?`, `DELETE FROM collections WHERE id = ?`} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// PublishCollection freezes a collection's draft and members into its next
// version. EUNPROCESSABLE names missing fields; an unchanged draft makes no
// new version and returns the latest one.
func (db *DB) PublishCollection(ctx context.Context, id int64) (*app.CollectionVersion, error) {
	var number int
	err := db.tx(ctx, func(tx *sql.Tx) error {
		c, err := scanCollection(tx.QueryRowContext(ctx, `SELECT `+collectionColumns+` FROM collections WHERE id = ?`, id))
		if err != nil {
			return notFound(err, "collection %d not found", id)
		}
		if c.Version > 0 && !c.DraftChanged {
			number = c.Version
			return nil
		}
		if missing := c.Draft.MissingForPublish(); len(missing) > 0 {
			return app.Errorf(app.EUNPROCESSABLE, "cannot publish: missing %s", strings.Join(missing, ", "))
		}
		number = c.Version + 1
		now := db.stamp()
		body, err := json.Marshal(c.Draft)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO collection_versions (collection_id, version, metadata, published_at) VALUES (?, ?, ?, ?)`,
			id, number, string(body), now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO collection_version_items (collection_id, version, item_id, position)
			SELECT collection_id, ?, item_id, position FROM collection_items WHERE collection_id = ?`, number, id); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE collections SET status = 'public', version = ?, draft_changed = 0, modified_at = ?,
			published_at = CASE WHEN published_at = '' THEN ? ELSE published_at END,
			pub_doi = ?, pub_handle = ?, pub_resource_doi = ?, pub_at = ? WHERE id = ?`,
			number, now, now, c.Draft.DOI, c.Draft.Handle, c.Draft.ResourceDOI, now, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return db.CollectionVersion(ctx, id, number)
}

// CollectionVersion returns a published version with its members.
// ENOTFOUND if none.
func (db *DB) CollectionVersion(ctx context.Context, id int64, number int) (*app.CollectionVersion, error) {
	var body, at string
	err := db.read.QueryRowContext(ctx, `SELECT metadata, published_at FROM collection_versions WHERE collection_id = ? AND version = ?`,
		id, number).Scan(&body, &at)
	if err != nil {
		return nil, notFound(err, "version %d of collection %d not found", number, id)
	}
	v := &app.CollectionVersion{CollectionID: id, Number: number, Published: parseTime(at)}
	if err := json.Unmarshal([]byte(body), &v.Metadata); err != nil {
		return nil, app.Internal(err, "decode collection version")
	}
	v.Items, err = db.ids(ctx, `SELECT item_id FROM collection_version_items WHERE collection_id = ? AND version = ? ORDER BY position`, id, number)
	return v, err
}

// CollectionVersions lists the numbers and dates of a collection's
// published versions.
func (db *DB) CollectionVersions(ctx context.Context, id int64) ([]app.CollectionVersion, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT version, published_at, metadata FROM collection_versions WHERE collection_id = ? ORDER BY version`, id)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []app.CollectionVersion
	for rows.Next() {
		v := app.CollectionVersion{CollectionID: id}
		var at, body string
		if err := rows.Scan(&v.Number, &at, &body); err != nil {
			return nil, translate(err)
		}
		if err := json.Unmarshal([]byte(body), &v.Metadata); err != nil {
			return nil, app.Internal(err, "decode collection version")
		}
		v.Published = parseTime(at)
		out = append(out, v)
	}
	return out, translate(rows.Err())
}

// CollectionsOfItem lists the public collections whose latest version holds
// the item, for its landing page.
func (db *DB) CollectionsOfItem(ctx context.Context, itemID int64) ([]int64, error) {
	return db.ids(ctx, `SELECT c.id FROM collections c JOIN collection_version_items cv
		ON cv.collection_id = c.id AND cv.version = c.version WHERE c.status = 'public' AND cv.item_id = ? ORDER BY c.id`, itemID)
}

// ids runs a query of one integer column.
func (db *DB) ids(ctx context.Context, q string, args ...any) ([]int64, error) {
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, translate(err)
		}
		out = append(out, id)
	}
	return out, translate(rows.Err())
}

// mustAffectNamed is mustAffect with the not-found message naming the
// record.
func mustAffectNamed(res sql.Result, err error) func(format string, args ...any) error {
	err = mustAffect(res, err)
	return func(format string, args ...any) error {
		if app.ErrorCode(err) == app.ENOTFOUND {
			return app.Errorf(app.ENOTFOUND, format, args...)
		}
		return err
	}
}
