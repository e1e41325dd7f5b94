package catalog

import (
	"context"
	"database/sql"
	"encoding/json"

	"carrel/app"
)

// ReserveCollectionDOI gives a collection the concept DOI doi, or returns
// the one it was given before, so asking twice is harmless. The DOI goes
// into the draft, and the next publish carries it. ENOTFOUND for an unknown
// collection, ECONFLICT for one whose draft carries a DOI typed in by hand.
func (db *DB) ReserveCollectionDOI(ctx context.Context, id int64, doi string) (string, error) {
	return db.reserveForCollection(ctx, id, "doi", doi)
}

// ReserveCollectionHandle gives a collection the handle h, or returns the
// one it was given before; the errors are ReserveCollectionDOI's.
func (db *DB) ReserveCollectionHandle(ctx context.Context, id int64, h string) (string, error) {
	return db.reserveForCollection(ctx, id, "handle", h)
}

func (db *DB) reserveForCollection(ctx context.Context, id int64, kind, value string) (string, error) {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		c, err := scanCollection(tx.QueryRowContext(ctx, `SELECT `+collectionColumns+` FROM collections WHERE id = ?`, id))
		if err != nil {
			return notFound(err, "collection %d not found", id)
		}
		var existing string
		err = tx.QueryRowContext(ctx, `SELECT value FROM collection_identifiers WHERE collection_id = ? AND kind = ?`, id, kind).Scan(&existing)
		if err == nil {
			value = existing
			return nil
		}
		if err != sql.ErrNoRows {
			return err
		}
		field := &c.Draft.DOI
		if kind == "handle" {
			field = &c.Draft.Handle
		}
		if *field != "" {
			return app.Errorf(app.ECONFLICT, "collection %d already has the %s %s; remove it from the metadata to reserve a new one", id, kind, *field)
		}
		*field = value
		body, err := json.Marshal(c.Draft)
		if err != nil {
			return err
		}
		now := db.stamp()
		if _, err := tx.ExecContext(ctx, `INSERT INTO collection_identifiers (collection_id, kind, value, reserved_at) VALUES (?, ?, ?, ?)`,
			id, kind, value, now); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE collections SET draft = ?, draft_changed = 1, modified_at = ? WHERE id = ?`, string(body), now, id)
		return err
	})
	return value, err
}
