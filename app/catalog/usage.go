package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"carrel/app"
)

// usageInsertRows is how many events one INSERT statement carries: fewer
// statements make a batch much cheaper to write.
const usageInsertRows = 100

// AddUsageEvents stores a batch of usage events in one transaction: all of
// them or none.
func (db *DB) AddUsageEvents(ctx context.Context, events []app.UsageEvent) error {
	if len(events) == 0 {
		return nil
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		for len(events) > 0 {
			chunk := events[:min(len(events), usageInsertRows)]
			events = events[len(chunk):]
			q := `INSERT INTO usage_events (at, day, kind, item_id, version, file_id, country, visitor) VALUES ` +
				strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?),", len(chunk)), ",")
			args := make([]any, 0, 8*len(chunk))
			for _, e := range chunk {
				at := e.At.UTC()
				args = append(args, formatTime(at), at.Format(time.DateOnly), string(e.Kind), e.ItemID, e.Version,
					e.FileID, e.Country, e.Visitor)
			}
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return err
			}
		}
		return nil
	})
}

// RollUpUsage folds the events stored since the last roll-up into the daily
// counts. Each day that received events is recomputed whole from its raw
// events, so running it again changes nothing. Items whose all-time totals
// moved get a change, which the search index applies (see
// refreshUsageTotals). It reports how many new
// events it read and how many days it recomputed.
func (db *DB) RollUpUsage(ctx context.Context) (events, days int64, err error) {
	var moved []int64
	var seq int64
	err = db.tx(ctx, func(tx *sql.Tx) error {
		var last, hi int64
		if err := tx.QueryRowContext(ctx, `SELECT last_event_id FROM usage_rollup WHERE id = 1`).Scan(&last); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM usage_events`).Scan(&hi); err != nil {
			return err
		}
		if hi <= last {
			return nil
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM usage_events WHERE id > ?`, last).Scan(&events); err != nil {
			return err
		}
		dayList, err := queryStrings(ctx, tx, `SELECT DISTINCT day FROM usage_events WHERE id > ?`, last)
		if err != nil {
			return err
		}
		for _, day := range dayList {
			if err := rollUpDay(ctx, tx, day); err != nil {
				return err
			}
		}
		days = int64(len(dayList))
		if moved, seq, err = db.refreshUsageTotals(ctx, tx, last); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE usage_rollup SET last_event_id = ? WHERE id = 1`, hi)
		return err
	})
	if err == nil && len(moved) > 0 {
		for _, h := range db.hooks { // the search index re-reads the moved counts
			h(ctx, seq, moved)
		}
	}
	return events, days, err
}

// rollUpDay recomputes one day's counts. Investigations (COUNTER: views and
// downloads together) get their own rows so that a visitor who both views
// and downloads counts once as a unique investigation.
func rollUpDay(ctx context.Context, tx *sql.Tx, day string) error {
	for _, q := range []string{
		`DELETE FROM usage_item_days WHERE day = ?1`,
		`DELETE FROM usage_file_days WHERE day = ?1`,
		`INSERT INTO usage_item_days (day, kind, item_id, country, total, uniq)
		 SELECT day, kind, item_id, country, count(*), count(DISTINCT visitor) FROM usage_events
		 WHERE day = ?1 GROUP BY kind, item_id, country`,
		`INSERT INTO usage_item_days (day, kind, item_id, country, total, uniq)
		 SELECT day, 'investigation', item_id, country, count(*), count(DISTINCT visitor) FROM usage_events
		 WHERE day = ?1 AND kind IN ('view', 'download') GROUP BY item_id, country`,
		`INSERT INTO usage_file_days (day, kind, item_id, version, file_id, total, uniq)
		 SELECT day, kind, item_id, version, file_id, count(*), count(DISTINCT visitor) FROM usage_events
		 WHERE day = ?1 GROUP BY kind, item_id, version, file_id`,
	} {
		if _, err := tx.ExecContext(ctx, q, day); err != nil {
			return err
		}
	}
	return nil
}

func queryStrings(ctx context.Context, tx *sql.Tx, q string, args ...any) ([]string, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// usageScope is how the daily counts join to a scope: the joins that reach
// the scope's key, and the key expression. Collections and projects join in
// the same way through their membership tables.
type usageScope struct{ join, key string }

var usageScopes = map[app.UsageScope]usageScope{
	app.ScopeArticle: {"", "d.item_id"},
	app.ScopeAuthor: {`JOIN items i ON i.id = d.item_id
		JOIN versions v ON v.item_id = i.id AND v.version = i.version
		JOIN json_each(v.metadata, '$.authors') a`, "json_extract(a.value, '$.id')"},
	// A group counts the items of its subgroups too.
	app.ScopeGroup: {`JOIN items i ON i.id = d.item_id JOIN (WITH RECURSIVE up(gid, aid) AS (
			SELECT id, id FROM groups UNION ALL
			SELECT up.gid, g.parent_id FROM up JOIN groups g ON g.id = up.aid WHERE g.parent_id != 0)
		SELECT gid, aid FROM up) ga ON ga.gid = i.group_id`, "ga.aid"},
	app.ScopeInstitution: {"", "1"},
	// A collection counts the items it holds now; a project, the items
	// deposited in it.
	app.ScopeCollection: {"JOIN collection_items ci ON ci.item_id = d.item_id", "ci.collection_id"},
	app.ScopeProject:    {"JOIN project_items pi ON pi.item_id = d.item_id", "pi.project_id"},
}

// usageWhere builds the FROM and WHERE of a usage query; byKey says whether
// to select one scope id (totals, timelines) or all of them (top lists).
func usageWhere(q *app.UsageQuery, byKey bool) (string, []any, error) {
	sc, ok := usageScopes[q.Scope]
	if !ok {
		return "", nil, app.Errorf(app.EINVALID, "statistics by %s are not available", q.Scope)
	}
	if err := q.Validate(); err != nil {
		return "", nil, err
	}
	table := "usage_item_days"
	if q.Version > 0 {
		table = "usage_file_days"
	}
	var b strings.Builder
	b.WriteString(" FROM " + table + " d " + sc.join + " WHERE d.kind = ?")
	args := []any{string(q.Kind)}
	if byKey {
		b.WriteString(" AND " + sc.key + " = ?")
		args = append(args, q.ID)
		if q.Version > 0 {
			b.WriteString(" AND d.version = ?")
			args = append(args, q.Version)
		}
	}
	if !q.From.IsZero() {
		b.WriteString(" AND d.day >= ?")
		args = append(args, q.From.UTC().Format(time.DateOnly))
	}
	if !q.To.IsZero() {
		b.WriteString(" AND d.day <= ?")
		args = append(args, q.To.UTC().Format(time.DateOnly))
	}
	if q.ItemIDs != nil {
		ids, _ := json.Marshal(q.ItemIDs)
		b.WriteString(" AND d.item_id IN (SELECT value FROM json_each(?))")
		args = append(args, string(ids))
	}
	return b.String(), args, nil
}

// UsageTotal counts one counter over a scope. EINVALID for a scope Carrel
// does not have; EUNPROCESSABLE for a bad date range.
func (db *DB) UsageTotal(ctx context.Context, q app.UsageQuery) (app.UsageCount, error) {
	var c app.UsageCount
	where, args, err := usageWhere(&q, true)
	if err != nil {
		return c, err
	}
	err = db.read.QueryRowContext(ctx, `SELECT coalesce(sum(d.total), 0), coalesce(sum(d.uniq), 0)`+where, args...).
		Scan(&c.Total, &c.Unique)
	return c, translate(err)
}

// periodLength is how many characters of a day name a granularity keeps.
var periodLength = map[string]int{"day": 10, "month": 7, "year": 4}

// UsageTimeline counts one counter over a scope per day, month or year
// ("total" gives one point), in time order, leaving out empty periods.
func (db *DB) UsageTimeline(ctx context.Context, q app.UsageQuery, granularity string) ([]app.UsagePoint, error) {
	period, err := periodExpr(granularity)
	if err != nil {
		return nil, err
	}
	where, args, err := usageWhere(&q, true)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+period+`, sum(d.total), sum(d.uniq)`+where+` GROUP BY 1 ORDER BY 1`, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []app.UsagePoint
	for rows.Next() {
		var p app.UsagePoint
		if err := rows.Scan(&p.Period, &p.Total, &p.Unique); err != nil {
			return nil, translate(err)
		}
		out = append(out, p)
	}
	return out, translate(rows.Err())
}

func periodExpr(granularity string) (string, error) {
	if granularity == "total" {
		return "'total'", nil
	}
	n, ok := periodLength[granularity]
	if !ok {
		return "", app.Errorf(app.EINVALID, "granularity %q is not supported (use day, month, year or total)", granularity)
	}
	return "substr(d.day, 1, " + strconv.Itoa(n) + ")", nil
}

// UsageByCountry counts one counter over a scope per period and country.
func (db *DB) UsageByCountry(ctx context.Context, q app.UsageQuery, granularity string) ([]app.UsageCountry, error) {
	period, err := periodExpr(granularity)
	if err != nil {
		return nil, err
	}
	q.Version = 0 // countries are counted per item only
	where, args, err := usageWhere(&q, true)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+period+`, d.country, sum(d.total)`+where+` GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2`, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []app.UsageCountry
	for rows.Next() {
		var c app.UsageCountry
		if err := rows.Scan(&c.Period, &c.Country, &c.Total); err != nil {
			return nil, translate(err)
		}
		out = append(out, c)
	}
	return out, translate(rows.Err())
}

// UsageTop ranks the scope's members (items, authors, groups) by one
// counter, most used first, ties by id.
func (db *DB) UsageTop(ctx context.Context, q app.UsageQuery, limit int) ([]app.UsageRank, error) {
	if q.Scope == app.ScopeInstitution {
		return nil, app.Errorf(app.EINVALID, "there is one institution: use /stats/total for its total")
	}
	q.Version = 0
	where, args, err := usageWhere(&q, false)
	if err != nil {
		return nil, err
	}
	key := usageScopes[q.Scope].key
	rows, err := db.read.QueryContext(ctx, `SELECT `+key+`, sum(d.total)`+where+` GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?`,
		append(args, limit)...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []app.UsageRank
	for rows.Next() {
		var r app.UsageRank
		if err := rows.Scan(&r.ID, &r.Total); err != nil {
			return nil, translate(err)
		}
		out = append(out, r)
	}
	return out, translate(rows.Err())
}

// UsageItems lists the items with any counts in a scope, so that callers
// can check each against the access policy before counting it.
func (db *DB) UsageItems(ctx context.Context, q app.UsageQuery) ([]int64, error) {
	q.Version, q.ItemIDs = 0, nil
	where, args, err := usageWhere(&q, true)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT d.item_id`+where+` ORDER BY 1`, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, translate(err)
		}
		out = append(out, id)
	}
	return out, translate(rows.Err())
}
