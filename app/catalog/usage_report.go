package catalog

import (
	"context"
	"time"

	"carrel/app"
)

// UsageReport lists each item's monthly counts between two days inclusive,
// by item, month and kind, with the title and DOI of its latest version:
// the rows of a COUNTER item report.
func (db *DB) UsageReport(ctx context.Context, from, to time.Time) ([]app.UsageRow, error) {
	q := app.UsageQuery{From: from, To: to}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT substr(d.day, 1, 7), d.item_id,
		coalesce(json_extract(v.metadata, '$.title'), ''), coalesce(json_extract(v.metadata, '$.doi'), ''),
		d.kind, sum(d.total), sum(d.uniq)
		FROM usage_item_days d JOIN items i ON i.id = d.item_id
		LEFT JOIN versions v ON v.item_id = i.id AND v.version = i.version
		WHERE d.day >= ? AND d.day <= ?
		GROUP BY 1, 2, 5 ORDER BY 2, 1, 5`, from.UTC().Format(time.DateOnly), to.UTC().Format(time.DateOnly))
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []app.UsageRow
	for rows.Next() {
		var r app.UsageRow
		if err := rows.Scan(&r.Month, &r.ItemID, &r.Title, &r.DOI, &r.Kind, &r.Total, &r.Unique); err != nil {
			return nil, translate(err)
		}
		out = append(out, r)
	}
	return out, translate(rows.Err())
}
