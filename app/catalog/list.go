package catalog

import (
	"context"
	"encoding/json"
	"strings"

	"carrel/app"
)

// orderColumns maps the orders Figshare names to columns.
var orderColumns = map[string]string{"created_date": "i.created_at", "published_date": "i.pub_at", "modified_date": "i.modified_at"}

// ListItems lists items matching f. Public listings show each item's latest
// version; an owner's listing shows drafts.
func (db *DB) ListItems(ctx context.Context, f app.ItemFilter) ([]app.ListedItem, error) {
	var where []string
	var args []any
	add := func(cond string, arg any) { where = append(where, cond); args = append(args, arg) }
	public := f.AccountID == 0
	if public {
		where = append(where, "i.status = 'public'")
		if !f.ModifiedSince.IsZero() {
			add("i.pub_at >= ?", formatTime(f.ModifiedSince))
		}
	} else {
		add("i.account_id = ?", f.AccountID)
		if !f.ModifiedSince.IsZero() {
			add("i.modified_at >= ?", formatTime(f.ModifiedSince))
		}
	}
	if public && f.FindableOnly {
		where = append(where, "i.confidential = 0")
		add("NOT (i.embargo_type = '"+string(app.EmbargoItem)+"' AND (i.embargo_until = '' OR i.embargo_until > ?))", db.stamp())
	}
	if f.ItemType != 0 {
		add("i.pub_type = ?", f.ItemType)
	}
	if f.GroupID != 0 {
		add("i.group_id = ?", f.GroupID)
	}
	if !f.PublishedSince.IsZero() {
		add("i.pub_at >= ?", formatTime(f.PublishedSince))
	}
	for col, v := range map[string]string{"i.pub_doi": f.DOI, "i.pub_handle": f.Handle, "i.pub_resource_doi": f.ResourceDOI} {
		if v != "" {
			add(col+" = ?", v)
		}
	}
	order := orderColumns[f.Order]
	if order == "" {
		order = "i.created_at"
		if public {
			order = "i.pub_at"
		}
	}
	dir := " ASC"
	if f.Desc {
		dir = " DESC"
	}
	key := "coalesce(" + order + ", '')"
	if f.After != nil {
		cmp := " > "
		if f.Desc {
			cmp = " < "
		}
		where = append(where, "("+key+", i.id)"+cmp+"(?, ?)")
		args = append(args, f.After.Key, f.After.ID)
		f.Offset = 0
	}
	q := `SELECT ` + prefixed("i.", itemColumns) + `, coalesce(v.metadata, ''), coalesce(v.published_at, ''), ` + key + `
		FROM items i LEFT JOIN versions v ON v.item_id = i.id AND v.version = i.version`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY " + order + dir + ", i.id" + dir + " LIMIT ? OFFSET ?"
	args = append(args, f.Limit, f.Offset)
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []app.ListedItem
	for rows.Next() {
		var vmeta, vat, sortKey string
		it, err := scanItem(rows, &vmeta, &vat, &sortKey)
		if err != nil {
			return nil, translate(err)
		}
		l := app.ListedItem{Item: it, Position: app.ListPosition{Key: sortKey, ID: it.ID}}
		if vmeta != "" {
			l.Version = &app.Version{ItemID: it.ID, Number: it.Version, Published: parseTime(vat)}
			if err := json.Unmarshal([]byte(vmeta), &l.Version.Metadata); err != nil {
				return nil, app.Internal(err, "decode version")
			}
		}
		if public {
			it.Draft = app.Metadata{} // never hand a draft to a public listing
		}
		out = append(out, l)
	}
	return out, translate(rows.Err())
}
