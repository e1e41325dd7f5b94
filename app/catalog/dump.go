package catalog

import (
	"context"

	"carrel/app"
)

// PublishedItemsAfter lists up to limit items with a public record
// (published or withdrawn), ascending by id and after afterID, each with its
// latest version and that version's files. Bulk exports page through the
// catalog with it, a batch at a time, so the whole catalog is never in
// memory. Status is the only test here: the caller asks the access policy
// about embargo and confidentiality.
func (db *DB) PublishedItemsAfter(ctx context.Context, afterID int64, limit int) ([]app.ListedItem, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+prefixed("i.", itemColumns)+`, v.metadata, v.published_at,
		CASE i.status WHEN 'withdrawn' THEN i.modified_at ELSE i.pub_at END
		FROM items i JOIN versions v ON v.item_id = i.id AND v.version = i.version
		WHERE i.status IN ('public', 'withdrawn') AND i.id > ? ORDER BY i.id LIMIT ?`, afterID, limit)
	if err != nil {
		return nil, translate(err)
	}
	var out []app.ListedItem
	for rows.Next() {
		l, err := scanHarvested(rows)
		if err != nil {
			rows.Close()
			return nil, translate(err)
		}
		out = append(out, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, translate(err)
	}
	for i := range out {
		v := out[i].Version
		v.Files, err = db.files(ctx, `SELECT `+prefixed("f.", fileColumns)+` FROM version_files vf JOIN files f ON f.id = vf.file_id
			WHERE vf.item_id = ? AND vf.version = ? ORDER BY vf.position`, v.ItemID, v.Number)
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
