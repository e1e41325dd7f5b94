package catalog

import (
	"context"
	"encoding/json"
	"strings"

	"carrel/app"
)

// textMatch is the SQL text a collection or project search matches words
// against: title, description, keywords and author names of a metadata
// JSON column.
func textMatch(col string) string {
	return `(coalesce(json_extract(` + col + `, '$.title'), '') || ' ' || coalesce(json_extract(` + col + `, '$.description'), '') || ' ' ||
		coalesce((SELECT group_concat(value, ' ') FROM json_each(` + col + `, '$.keywords')), '') || ' ' ||
		coalesce((SELECT group_concat(json_extract(value, '$.full_name'), ' ') FROM json_each(` + col + `, '$.authors')), ''))`
}

// likeWords adds one LIKE condition per word of text against expr.
func likeWords(expr, text string, where *[]string, args *[]any) {
	for _, w := range strings.Fields(text) {
		*where = append(*where, expr+` LIKE ? ESCAPE '\'`)
		*args = append(*args, "%"+likeEscape(w)+"%")
	}
}

// likeEscape quotes LIKE's wildcards in s for a pattern with ESCAPE '\'.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

var collectionOrders = map[string]string{"created_date": "c.created_at", "published_date": "c.pub_at", "modified_date": "c.modified_at"}

// ListCollections lists collections matching f. Public listings (AccountID
// 0) hold only published collections with their latest version; an
// owner's listing holds drafts, and Text then searches the drafts.
func (db *DB) ListCollections(ctx context.Context, f app.CollectionFilter) ([]app.ListedCollection, error) {
	var where []string
	var args []any
	add := func(cond string, arg any) { where = append(where, cond); args = append(args, arg) }
	public := f.AccountID == 0
	if public {
		where = append(where, "c.status = 'public'")
		if !f.ModifiedSince.IsZero() {
			add("c.pub_at >= ?", formatTime(f.ModifiedSince))
		}
		likeWords(textMatch("v.metadata"), f.Text, &where, &args)
	} else {
		add("c.account_id = ?", f.AccountID)
		if !f.ModifiedSince.IsZero() {
			add("c.modified_at >= ?", formatTime(f.ModifiedSince))
		}
		likeWords(textMatch("c.draft"), f.Text, &where, &args)
	}
	if f.GroupID != 0 {
		add("c.group_id = ?", f.GroupID)
	}
	if !f.PublishedSince.IsZero() {
		add("c.pub_at >= ?", formatTime(f.PublishedSince))
	}
	for col, v := range map[string]string{"c.pub_doi": f.DOI, "c.pub_handle": f.Handle, "c.pub_resource_doi": f.ResourceDOI} {
		if v != "" {
			add(col+" = ?", v)
		}
	}
	order := collectionOrders[f.Order]
	if order == "" {
		order = "c.created_at"
		if public {
			order = "c.pub_at"
		}
	}
	dir := " ASC"
	if f.Desc {
		dir = " DESC"
	}
	key := "coalesce(" + order + ", '')"
	if f.After != nil {
		where, args = append(where, "("+key+", c.id)"+map[bool]string{false: " > ", true: " < "}[f.Desc]+"(?, ?)"), append(args, f.After.Key, f.After.ID)
		f.Offset = 0
	}
	q := `SELECT ` + prefixed("c.", collectionColumns) + `, coalesce(v.metadata, ''), coalesce(v.published_at, ''), ` + key + `
		FROM collections c LEFT JOIN collection_versions v ON v.collection_id = c.id AND v.version = c.version`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY " + order + dir + ", c.id" + dir + " LIMIT ? OFFSET ?"
	args = append(args, f.Limit, f.Offset)
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []app.ListedCollection
	for rows.Next() {
		var vmeta, vat, draft, created, modified, published, key string
		var c app.Collection
		if err := rows.Scan(&c.ID, &c.AccountID, &c.GroupID, &c.Status, &c.Version, &c.DraftChanged, &draft,
			&created, &modified, &published, &vmeta, &vat, &key); err != nil {
			return nil, translate(err)
		}
		c.Created, c.Modified, c.Published = parseTime(created), parseTime(modified), parseTime(published)
		l := app.ListedCollection{Collection: &c, Position: app.ListPosition{Key: key, ID: c.ID}}
		if vmeta != "" {
			l.Version = &app.CollectionVersion{CollectionID: c.ID, Number: c.Version, Published: parseTime(vat)}
			if err := json.Unmarshal([]byte(vmeta), &l.Version.Metadata); err != nil {
				return nil, app.Internal(err, "decode collection version")
			}
		}
		if !public { // a public listing never carries a draft
			if err := json.Unmarshal([]byte(draft), &c.Draft); err != nil {
				return nil, app.Internal(err, "decode collection draft")
			}
		}
		out = append(out, l)
	}
	return out, translate(rows.Err())
}
