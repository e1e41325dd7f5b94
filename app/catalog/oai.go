package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"carrel/app"
)

// Harvesting (OAI-PMH) sees only what the access policy makes public: a
// published item with its latest version, and a withdrawn item as a
// tombstone. Its datestamp is the latest publicly visible change: the latest
// version's publication (pub_at) or the withdrawal (modified_at, which a
// withdrawn item never changes again). Lists are ordered by (datestamp, id)
// so that a harvest can resume after any record without server state.
//
// Times are RFC 3339 text with trailing zeros of the fraction trimmed, so
// text order is time order only to the second; the keyset compares the
// same text it orders by, and date bounds compare the fixed-width first 19
// characters, which keeps both exact and able to use the status indexes.

// secondPrefix is the fixed-width, second-granularity prefix of a stored time.
const secondPrefix = "2006-01-02T15:04:05"

// harvestArm is one status's half of a harvest query: the column that holds
// its datestamp.
type harvestArm struct{ status, column string }

// harvestArms are the two halves: public items dated by their latest
// version, withdrawn items by their withdrawal.
func harvestArms() [2]harvestArm {
	return [2]harvestArm{{"public", "pub_at"}, {"withdrawn", "modified_at"}}
}

// harvestWhere builds the conditions of one arm for a set and a date range.
func harvestWhere(arm harvestArm, set string, from, until time.Time) (string, []any, error) {
	conds := []string{"i.status = ?"}
	args := []any{arm.status}
	if !from.IsZero() {
		conds = append(conds, "i."+arm.column+" >= ?")
		args = append(args, from.UTC().Format(secondPrefix))
	}
	if !until.IsZero() {
		conds = append(conds, "i."+arm.column+" < ?")
		args = append(args, until.UTC().Truncate(time.Second).Add(time.Second).Format(secondPrefix))
	}
	if set != "" {
		cond, arg, err := setCondition(set)
		if err != nil {
			return "", nil, err
		}
		conds = append(conds, cond)
		args = append(args, arg...)
	}
	return strings.Join(conds, " AND "), args, nil
}

// setCondition is the membership test of one set, named as Figshare names
// its OAI-PMH sets: portal_N (group), category_N, item_type_N and
// month_year_MM_YYYY (month of first publication). EINVALID for any other
// name.
func setCondition(set string) (string, []any, error) {
	bad := app.Errorf(app.EINVALID, "set %q is not a set of this repository", set)
	number := func(prefix string) (int64, bool) {
		s, ok := strings.CutPrefix(set, prefix)
		if !ok {
			return 0, false
		}
		n, err := strconv.ParseInt(s, 10, 64)
		return n, err == nil && n > 0 && strconv.FormatInt(n, 10) == s
	}
	if n, ok := number("portal_"); ok {
		return "i.group_id = ?", []any{n}, nil
	}
	if n, ok := number("item_type_"); ok {
		return "i.pub_type = ?", []any{n}, nil
	}
	if n, ok := number("category_"); ok {
		return `EXISTS (SELECT 1 FROM versions v, json_each(v.metadata, '$.categories') c
			WHERE v.item_id = i.id AND v.version = i.version AND c.value = ?)`, []any{n}, nil
	}
	if s, ok := strings.CutPrefix(set, "month_year_"); ok {
		m, err := time.Parse("01_2006", s)
		if err != nil || len(s) != 7 {
			return "", nil, bad
		}
		return "i.published_at >= ? AND i.published_at < ?", []any{m.Format("2006-01"), m.AddDate(0, 1, 0).Format("2006-01")}, nil
	}
	return "", nil, bad
}

// HarvestItems lists up to limit public and withdrawn items, each with its
// latest version (without files), ordered by datestamp then id and strictly
// after the cursor (after, afterID) when after is not zero. from and until
// bound the datestamp inclusively to the second (zero = unbounded); set is
// a set name as setCondition reads it ("" = all). EINVALID for an unknown
// set name. An item's datestamp, and so the cursor after it, is
// Version.Published of a public item and Item.Modified of a withdrawn one.
func (db *DB) HarvestItems(ctx context.Context, set string, from, until, after time.Time, afterID int64, limit int) ([]app.ListedItem, error) {
	var arms []string
	var args []any
	for _, arm := range harvestArms() {
		where, wargs, err := harvestWhere(arm, set, from, until)
		if err != nil {
			return nil, err
		}
		args = append(args, wargs...)
		if !after.IsZero() {
			where += " AND (i." + arm.column + ", i.id) > (?, ?)"
			args = append(args, formatTime(after), afterID)
		}
		arms = append(arms, "SELECT i.id AS id, i."+arm.column+" AS ds FROM items i WHERE "+where)
	}
	q := `WITH page AS (` + strings.Join(arms, " UNION ALL ") + ` ORDER BY ds, id LIMIT ?)
		SELECT ` + prefixed("i.", itemColumns) + `, coalesce(v.metadata, ''), coalesce(v.published_at, ''), p.ds
		FROM page p JOIN items i ON i.id = p.id LEFT JOIN versions v ON v.item_id = i.id AND v.version = i.version
		ORDER BY p.ds, p.id`
	args = append(args, limit)
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []app.ListedItem
	for rows.Next() {
		l, err := scanHarvested(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, translate(rows.Err())
}

// HarvestItem returns one item as a harvest sees it: a public or withdrawn
// item with its latest version (with files). ENOTFOUND for drafts and
// unknown ids alike, so that private ids do not leak.
func (db *DB) HarvestItem(ctx context.Context, id int64) (app.ListedItem, error) {
	row := db.read.QueryRowContext(ctx, `SELECT `+prefixed("i.", itemColumns)+`, v.metadata, v.published_at,
		CASE i.status WHEN 'withdrawn' THEN i.modified_at ELSE i.pub_at END
		FROM items i JOIN versions v ON v.item_id = i.id AND v.version = i.version
		WHERE i.id = ? AND i.status IN ('public', 'withdrawn')`, id)
	l, err := scanHarvested(row)
	if err != nil {
		return app.ListedItem{}, notFound(err, "item %d not found", id)
	}
	l.Version.Files, err = db.files(ctx, `SELECT `+prefixed("f.", fileColumns)+` FROM version_files vf JOIN files f ON f.id = vf.file_id
		WHERE vf.item_id = ? AND vf.version = ? ORDER BY vf.position`, id, l.Version.Number)
	return l, err
}

// HarvestCount counts the items HarvestItems would list without a cursor.
func (db *DB) HarvestCount(ctx context.Context, set string, from, until time.Time) (int, error) {
	var parts []string
	var args []any
	for _, arm := range harvestArms() {
		where, wargs, err := harvestWhere(arm, set, from, until)
		if err != nil {
			return 0, err
		}
		parts = append(parts, "(SELECT count(*) FROM items i WHERE "+where+")")
		args = append(args, wargs...)
	}
	var n int
	err := db.read.QueryRowContext(ctx, "SELECT "+strings.Join(parts, " + "), args...).Scan(&n)
	return n, translate(err)
}

// HarvestEarliest is the earliest datestamp of any harvestable item, to the
// second; the zero time when there is none.
func (db *DB) HarvestEarliest(ctx context.Context) (time.Time, error) {
	var s string
	err := db.read.QueryRowContext(ctx, `SELECT coalesce(min(x), '') FROM (
		SELECT substr(min(pub_at), 1, 19) AS x FROM items WHERE status = 'public'
		UNION ALL SELECT substr(min(modified_at), 1, 19) FROM items WHERE status = 'withdrawn')`).Scan(&s)
	if err != nil || s == "" {
		return time.Time{}, translate(err)
	}
	t, err := time.Parse(secondPrefix, s)
	return t, app.Internal(err, "earliest datestamp")
}

// HarvestGroupsAndMonths lists the groups that have harvestable items and
// the months (first day, UTC) in which harvestable items were first
// published, both ascending, so that only sets with members are offered.
func (db *DB) HarvestGroupsAndMonths(ctx context.Context) (groups []int64, months []time.Time, err error) {
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT group_id FROM items
		WHERE status IN ('public', 'withdrawn') AND group_id != 0 ORDER BY group_id`)
	if err != nil {
		return nil, nil, translate(err)
	}
	for rows.Next() {
		var g int64
		if err := rows.Scan(&g); err != nil {
			rows.Close()
			return nil, nil, translate(err)
		}
		groups = append(groups, g)
	}
	rows.Close()
	rows, err = db.read.QueryContext(ctx, `SELECT DISTINCT substr(published_at, 1, 7) FROM items
		WHERE status IN ('public', 'withdrawn') AND published_at != '' ORDER BY 1`)
	if err != nil {
		return nil, nil, translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, nil, translate(err)
		}
		m, err := time.Parse("2006-01", s)
		if err != nil {
			return nil, nil, app.Internal(fmt.Errorf("month %q: %w", s, err), "harvest months")
		}
		months = append(months, m)
	}
	return groups, months, translate(rows.Err())
}

// scanHarvested reads an item row followed by its latest version's metadata
// and publication time, dropping the draft, which a harvest never shows.
func scanHarvested(row interface{ Scan(...any) error }) (app.ListedItem, error) {
	var vmeta, vat, ds string
	it, err := scanItem(row, &vmeta, &vat, &ds)
	if err != nil {
		if err == sql.ErrNoRows {
			return app.ListedItem{}, err
		}
		return app.ListedItem{}, translate(err)
	}
	it.Draft = app.Metadata{}
	l := app.ListedItem{Item: it, Datestamp: parseTime(ds)}
	if vmeta != "" {
		l.Version = &app.Version{ItemID: it.ID, Number: it.Version, Published: parseTime(vat)}
		if err := json.Unmarshal([]byte(vmeta), &l.Version.Metadata); err != nil {
			return app.ListedItem{}, app.Internal(err, "decode version")
		}
	}
	return l, nil
}
