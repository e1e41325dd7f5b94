package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"carrel/app"
)

// Publish freezes an item's draft and files into its next version. It
// answers EUNPROCESSABLE naming every missing field, or naming files that
// are unfinished or failed verification. Publishing an unchanged draft
// makes no new version and returns the latest one.
func (db *DB) Publish(ctx context.Context, id int64) (*app.Version, error) {
	var v *app.Version
	err := db.change(ctx, func() int64 { return id }, func(tx *sql.Tx) error {
		number, err := db.publishIn(ctx, tx, id)
		if err != nil {
			return err
		}
		v, err = versionIn(ctx, tx, id, number)
		return err
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// publishIn publishes the item's draft inside tx and returns the version
// number, so that an approval and the publish it causes commit together.
func (db *DB) publishIn(ctx context.Context, tx *sql.Tx, id int64) (int, error) {
	it, err := scanItem(tx.QueryRowContext(ctx, `SELECT `+itemColumns+` FROM items WHERE id = ?`, id))
	if err != nil {
		return 0, notFound(err, "item %d not found", id)
	}
	if it.Status == app.StatusWithdrawn {
		return 0, app.Errorf(app.ECONFLICT, "item %d has been withdrawn", id)
	}
	if it.Version > 0 && !it.DraftChanged {
		return it.Version, nil
	}
	if err := checkPublishable(ctx, tx, it); err != nil {
		return 0, err
	}
	number := it.Version + 1
	now := db.stamp()
	// A reserved DOI names the item; the version gets its own under it.
	md := it.Draft
	concept, err := reservedDOI(ctx, tx, id)
	if err != nil {
		return 0, err
	}
	if concept != "" {
		md.DOI = app.VersionDOI(concept, number)
		if err := db.enqueuePublish(ctx, tx, id, concept, number); err != nil {
			return 0, err
		}
	}
	body, err := json.Marshal(md)
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO versions (item_id, version, metadata, published_at) VALUES (?, ?, ?, ?)`,
		id, number, string(body), now); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO version_files (item_id, version, file_id, position)
		SELECT ?, ?, id, row_number() OVER (ORDER BY id) FROM files WHERE item_id = ? AND in_draft = 1`, id, number, id); err != nil {
		return 0, err
	}
	_, err = tx.ExecContext(ctx, `UPDATE items SET status = 'public', curation_status = 'approved', version = ?, draft_changed = 0,
		modified_at = ?, published_at = CASE WHEN published_at = '' THEN ? ELSE published_at END,
		pub_type = ?, pub_doi = ?, pub_handle = ?, pub_resource_doi = ?, pub_at = ? WHERE id = ?`,
		number, now, now, md.ItemType, md.DOI, md.Handle, md.ResourceDOI, now, id)
	return number, err
}

// checkPublishable refuses a draft that lacks what publishing needs or
// whose files are unfinished or failed verification (EUNPROCESSABLE).
func checkPublishable(ctx context.Context, tx *sql.Tx, it *app.Item) error {
	id := it.ID
	if missing := it.Draft.MissingForPublish(); len(missing) > 0 {
		return app.Errorf(app.EUNPROCESSABLE, "cannot publish: missing %s", strings.Join(missing, ", "))
	}
	if err := checkMandatoryFields(ctx, tx, it); err != nil {
		return err
	}
	var bad []string
	rows, err := tx.QueryContext(ctx, `SELECT id, name, status FROM files WHERE item_id = ? AND in_draft = 1 AND status != 'available' ORDER BY id`, id)
	if err != nil {
		return err
	}
	for rows.Next() {
		var fid int64
		var name, status string
		if err := rows.Scan(&fid, &name, &status); err != nil {
			rows.Close()
			return err
		}
		what := "is not complete"
		if status == string(app.FileError) {
			what = "failed verification; delete it and upload it again"
		}
		bad = append(bad, fmt.Sprintf("file %d (%s) %s", fid, name, what))
	}
	rows.Close()
	if len(bad) > 0 {
		return app.Errorf(app.EUNPROCESSABLE, "cannot publish: %s", strings.Join(bad, "; "))
	}
	return nil
}

// Version returns a published version with its files. ENOTFOUND if none.
func (db *DB) Version(ctx context.Context, itemID int64, number int) (*app.Version, error) {
	return versionIn(ctx, db.read, itemID, number)
}

// versionIn reads a published version through q (see itemIn).
func versionIn(ctx context.Context, q querier, itemID int64, number int) (*app.Version, error) {
	var body, at string
	err := q.QueryRowContext(ctx, `SELECT metadata, published_at FROM versions WHERE item_id = ? AND version = ?`, itemID, number).Scan(&body, &at)
	if err != nil {
		return nil, notFound(err, "version %d of item %d not found", number, itemID)
	}
	v := &app.Version{ItemID: itemID, Number: number, Published: parseTime(at)}
	if err := json.Unmarshal([]byte(body), &v.Metadata); err != nil {
		return nil, app.Internal(err, "decode version")
	}
	v.Files, err = queryFiles(ctx, q, `SELECT `+prefixed("f.", fileColumns)+` FROM version_files vf JOIN files f ON f.id = vf.file_id
		WHERE vf.item_id = ? AND vf.version = ? ORDER BY vf.position`, itemID, number)
	return v, err
}

// Versions lists the numbers and dates of an item's published versions.
func (db *DB) Versions(ctx context.Context, itemID int64) ([]app.Version, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT version, published_at FROM versions WHERE item_id = ? ORDER BY version`, itemID)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []app.Version
	for rows.Next() {
		v := app.Version{ItemID: itemID}
		var at string
		if err := rows.Scan(&v.Number, &at); err != nil {
			return nil, translate(err)
		}
		v.Published = parseTime(at)
		out = append(out, v)
	}
	return out, translate(rows.Err())
}

// FileInPublicVersion reports the newest published version of a public item
// that holds the file, or ENOTFOUND if no public version does.
func (db *DB) FileInPublicVersion(ctx context.Context, fileID int64) (itemID int64, version int, err error) {
	err = db.read.QueryRowContext(ctx, `SELECT vf.item_id, max(vf.version) FROM version_files vf JOIN items i ON i.id = vf.item_id
		WHERE vf.file_id = ? AND i.status = 'public' GROUP BY vf.item_id`, fileID).Scan(&itemID, &version)
	return itemID, version, notFound(err, "file %d not found", fileID)
}

// Withdraw takes a published item out of public view, leaving a tombstone:
// its metadata and the reason stay citable, its files are no longer served.
// It is audited as done by who. EUNPROCESSABLE unless the reason is 5 to
// 500 characters, ECONFLICT if the item is not published.
func (db *DB) Withdraw(ctx context.Context, id int64, reason string, who app.AuditEntry) error {
	reason = strings.TrimSpace(reason)
	if n := len([]rune(reason)); n < 5 || n > 500 {
		return app.Errorf(app.EUNPROCESSABLE, "reason must be 5 to 500 characters; it is shown on the public record")
	}
	return db.change(ctx, func() int64 { return id }, func(tx *sql.Tx) error {
		var status string
		var latest int
		if err := tx.QueryRowContext(ctx, `SELECT status, version FROM items WHERE id = ?`, id).Scan(&status, &latest); err != nil {
			return notFound(err, "item %d not found", id)
		}
		if status != string(app.StatusPublished) {
			return app.Errorf(app.ECONFLICT, "item %d is not published, so it cannot be withdrawn", id)
		}
		if err := db.enqueueWithdraw(ctx, tx, id, latest); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE items SET status = 'withdrawn', withdraw_reason = ?, modified_at = ? WHERE id = ?`,
			reason, db.stamp(), id); err != nil {
			return err
		}
		return auditIn(ctx, tx, db, who, "item.withdraw", fmt.Sprintf("item:%d", id), "reason="+strconv.Quote(reason))
	})
}
