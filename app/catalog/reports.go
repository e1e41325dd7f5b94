package catalog

import (
	"context"
	"strconv"
	"strings"

	"carrel/app"
)

// reportWhere turns a report filter into SQL conditions on the table
// aliased t (its created_at and group_id columns).
func reportWhere(f app.ReportFilter) (where []string, args []any) {
	if f.GroupID != 0 {
		where, args = append(where, `t.group_id IN (`+subtreeSQL+`)`), append(args, f.GroupID)
	}
	if !f.Since.IsZero() {
		where, args = append(where, `t.created_at >= ?`), append(args, formatTime(f.Since))
	}
	if !f.Until.IsZero() {
		where, args = append(where, `t.created_at < ?`), append(args, formatTime(f.Until))
	}
	return where, args
}

// itemReportWhere adds the filters only items have: status, owner, item
// type, title words or id, and the caller's groups.
func itemReportWhere(f app.ReportFilter) (where []string, args []any) {
	where, args = reportWhere(f)
	if f.Status != "" {
		where, args = append(where, `t.status = ?`), append(args, f.Status)
	}
	if f.OwnerID != 0 {
		where, args = append(where, `t.account_id = ?`), append(args, f.OwnerID)
	}
	if f.ItemType != 0 {
		where, args = append(where, `json_extract(t.draft, '$.defined_type') = ?`), append(args, f.ItemType)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		like := `%` + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q) + `%`
		where, args = append(where, `(json_extract(t.draft, '$.title') LIKE ? ESCAPE '\' OR CAST(t.id AS TEXT) = ?)`), append(args, like, q)
	}
	if f.Within != nil {
		// Within already lists subgroups: the caller's roles cover them.
		in := make([]string, len(f.Within))
		for i, g := range f.Within {
			in[i] = strconv.FormatInt(g, 10)
		}
		where = append(where, `t.group_id IN (`+strings.Join(in, ",")+`)`)
	}
	return where, args
}

func whereSQL(where []string) string {
	if len(where) == 0 {
		return ""
	}
	return ` WHERE ` + strings.Join(where, ` AND `)
}

// ReportItems calls fn with every item matching f, by id, reading them as
// it goes so that the report streams; it stops at fn's first error.
func (db *DB) ReportItems(ctx context.Context, f app.ReportFilter, fn func(*app.ReportItem) error) error {
	where, args := itemReportWhere(f)
	q := `SELECT t.id, coalesce(json_extract(t.draft, '$.title'), ''), t.status, t.group_id,
			coalesce(g.name, ''), t.account_id, a.email, coalesce(json_extract(t.draft, '$.defined_type'), 0), t.version, t.pub_doi,
			t.created_at, t.modified_at, t.published_at, t.withdraw_reason,
			(SELECT count(*) FROM files x WHERE x.item_id = t.id AND x.status != 'error'),
			(SELECT coalesce(sum(size), 0) FROM files x WHERE x.item_id = t.id AND x.status != 'error')
		FROM items t JOIN accounts a ON a.id = t.account_id LEFT JOIN groups g ON g.id = t.group_id` + whereSQL(where) + ` ORDER BY t.id`
	if f.Newest {
		q += ` DESC`
	}
	if f.Limit > 0 {
		q, args = q+` LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)
	}
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		var it app.ReportItem
		var created, modified, published string
		if err := rows.Scan(&it.ID, &it.Title, &it.Status, &it.GroupID, &it.Group, &it.OwnerID, &it.Owner, &it.ItemType, &it.Version, &it.DOI,
			&created, &modified, &published, &it.WithdrawReason, &it.Files, &it.Bytes); err != nil {
			return translate(err)
		}
		it.Created, it.Modified = parseTime(created), parseTime(modified)
		if published != "" {
			it.Published = parseTime(published)
		}
		if err := fn(&it); err != nil {
			return err
		}
	}
	return translate(rows.Err())
}

// ReportAccounts calls fn with every account matching f, by id, with the
// items it owns and the bytes they hold.
func (db *DB) ReportAccounts(ctx context.Context, f app.ReportFilter, fn func(*app.ReportAccount) error) error {
	where, args := reportWhere(f)
	switch f.Status {
	case "active":
		where = append(where, `t.active = 1`)
	case "inactive":
		where = append(where, `t.active = 0`)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+prefixed("t.", accountColumns)+`, coalesce(g.name, ''),
			(SELECT count(*) FROM items i WHERE i.account_id = t.id),
			(SELECT coalesce(sum(x.size), 0) FROM files x JOIN items i ON i.id = x.item_id WHERE i.account_id = t.id AND x.status != 'error')
		FROM accounts t LEFT JOIN groups g ON g.id = t.group_id`+whereSQL(where)+` ORDER BY t.id`, args...)
	if err != nil {
		return translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		var r app.ReportAccount
		var created string
		a := &r.Account
		if err := rows.Scan(&a.ID, &a.Email, &a.FirstName, &a.LastName, &a.ORCID, &a.Admin, &a.Active, &a.Quota, &a.GroupID, &created,
			&r.Group, &r.Items, &r.Bytes); err != nil {
			return translate(err)
		}
		a.Created = parseTime(created)
		if err := fn(&r); err != nil {
			return err
		}
	}
	return translate(rows.Err())
}
