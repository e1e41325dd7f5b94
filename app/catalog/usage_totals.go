package catalog

import (
	"context"
	"database/sql"
)

// refreshUsageTotals brings usage_item_totals up to date for the items that
// received events after event id last (their days are already rolled up),
// and appends a change for each item whose totals moved, so that the search
// index re-reads its counts. Items whose totals stayed the same (a day
// recomputed with nothing new for them) cost the index nothing. It returns
// the changed items and the last change's seq.
func (db *DB) refreshUsageTotals(ctx context.Context, tx *sql.Tx, last int64) (ids []int64, seq int64, err error) {
	rows, err := tx.QueryContext(ctx, `WITH touched AS (
			SELECT DISTINCT e.item_id FROM usage_events e JOIN items i ON i.id = e.item_id WHERE e.id > ?),
		fresh AS (SELECT t.item_id,
			coalesce((SELECT sum(total) FROM usage_item_days d WHERE d.item_id = t.item_id AND d.kind = 'view'), 0) AS views,
			coalesce((SELECT sum(total) FROM usage_item_days d WHERE d.item_id = t.item_id AND d.kind = 'download'), 0) AS downloads,
			coalesce((SELECT sum(total) FROM usage_item_days d WHERE d.item_id = t.item_id AND d.kind = 'share'), 0) AS shares
			FROM touched t)
		SELECT f.item_id, f.views, f.downloads, f.shares FROM fresh f LEFT JOIN usage_item_totals o ON o.item_id = f.item_id
		WHERE o.item_id IS NULL OR o.views != f.views OR o.downloads != f.downloads OR o.shares != f.shares
		ORDER BY f.item_id`, last)
	if err != nil {
		return nil, 0, err
	}
	type totals struct{ id, views, downloads, shares int64 }
	var moved []totals
	for rows.Next() {
		var t totals
		if err := rows.Scan(&t.id, &t.views, &t.downloads, &t.shares); err != nil {
			rows.Close()
			return nil, 0, err
		}
		moved = append(moved, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	at := db.stamp()
	for _, t := range moved {
		if _, err := tx.ExecContext(ctx, `INSERT INTO usage_item_totals (item_id, views, downloads, shares) VALUES (?, ?, ?, ?)
			ON CONFLICT (item_id) DO UPDATE SET views = excluded.views, downloads = excluded.downloads, shares = excluded.shares`,
			t.id, t.views, t.downloads, t.shares); err != nil {
			return nil, 0, err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO changes (item_id, at) VALUES (?, ?)`, t.id, at)
		if err != nil {
			return nil, 0, err
		}
		if seq, err = res.LastInsertId(); err != nil {
			return nil, 0, err
		}
		ids = append(ids, t.id)
	}
	return ids, seq, nil
}

// usageTotals reads an item's all-time totals for its search document.
func usageTotals(ctx context.Context, q querier, id int64) (views, downloads, shares int64, err error) {
	err = q.QueryRowContext(ctx, `SELECT views, downloads, shares FROM usage_item_totals WHERE item_id = ?`, id).
		Scan(&views, &downloads, &shares)
	if err == sql.ErrNoRows {
		return 0, 0, 0, nil
	}
	return views, downloads, shares, translate(err)
}
