package catalog

import "context"

// PublicCounts counts the public items and the files of their latest
// versions, for the numbers on the home page.
func (db *DB) PublicCounts(ctx context.Context) (items, files int64, err error) {
	err = db.read.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM items WHERE status = 'public'),
		(SELECT count(*) FROM version_files vf JOIN items i ON i.id = vf.item_id AND vf.version = i.version WHERE i.status = 'public')`).
		Scan(&items, &files)
	return items, files, translate(err)
}
