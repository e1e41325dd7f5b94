package catalog

import (
	"context"
	"database/sql"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"carrel/app"
	"carrel/search"
)

// changesAfter returns the distinct items changed after seq (at most limit
// changes) and the last seq read.
func (db *DB) changesAfter(ctx context.Context, after int64, limit int) (int64, []int64, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT seq, item_id FROM changes WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit)
	if err != nil {
		return 0, nil, translate(err)
	}
	defer rows.Close()
	last := after
	seen := map[int64]bool{}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&last, &id); err != nil {
			return 0, nil, translate(err)
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return last, ids, translate(rows.Err())
}

// PruneChanges deletes the record of the changes up to seq, which every
// reader of the change log (the search index) has durably applied, and
// returns how many it deleted. It always keeps the newest change, whose
// number LastChange reports and a restarted index is checked against. It
// deletes in small transactions, so that writers never wait long.
func (db *DB) PruneChanges(ctx context.Context, seq int64) (int64, error) {
	var total int64
	for {
		var n int64
		err := db.tx(ctx, func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, `DELETE FROM changes WHERE seq IN (SELECT seq FROM changes
				WHERE seq <= ? AND seq < (SELECT max(seq) FROM changes) ORDER BY seq LIMIT 5000)`, seq)
			if err == nil {
				n, err = res.RowsAffected()
			}
			return err
		})
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

// LastChange returns the newest change sequence number.
func (db *DB) LastChange(ctx context.Context) (int64, error) {
	var seq int64
	err := db.read.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM changes`).Scan(&seq)
	return seq, translate(err)
}

// SearchDocument builds the index document of an item: its latest public
// version when it has one, else its draft, with the access flags.
func (db *DB) SearchDocument(ctx context.Context, id int64) (*search.Document, error) {
	return searchDocument(ctx, db.read, id, db.now())
}

// SearchDocuments builds the index documents of items, as SearchDocument
// does, in one read transaction: each read of its own would start a
// transaction that, under writes, finds the database changed and reads its
// pages again. It returns the documents and the ids of the items that no
// longer exist.
func (db *DB) SearchDocuments(ctx context.Context, ids []int64) (docs []search.Document, gone []int64, err error) {
	err = db.readTx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			d, err := searchDocument(ctx, tx, id, db.now())
			switch {
			case app.ErrorCode(err) == app.ENOTFOUND:
				gone = append(gone, id)
			case err != nil:
				return err
			default:
				docs = append(docs, *d)
			}
		}
		return nil
	})
	return docs, gone, err
}

func searchDocument(ctx context.Context, q querier, id int64, now time.Time) (*search.Document, error) {
	it, err := itemIn(ctx, q, id)
	if err != nil {
		return nil, err
	}
	md, files, published := &it.Draft, []app.File(nil), it.Published
	if it.Version > 0 {
		v, err := versionIn(ctx, q, id, it.Version)
		if err != nil {
			return nil, err
		}
		md, files, published = &v.Metadata, v.Files, v.Published
	} else if files, err = queryFiles(ctx, q, draftFilesSQL, id); err != nil {
		return nil, err
	}
	var names []string
	for _, f := range files {
		names = append(names, f.Name)
	}
	d := newSearchDocument(it, md, published, names, now)
	if d.Views, d.Downloads, d.Shares, err = usageTotals(ctx, q, id); err != nil {
		return nil, err
	}
	if err := resolveNames(ctx, q, d, md.Categories); err != nil {
		return nil, err
	}
	return d, nil
}

// newSearchDocument builds an item's document from md, the metadata of its
// latest published version (published then) or of its draft, and the names
// of that version's or draft's files, with the access flags as of now. The
// usage totals and vocabulary names are left to the caller.
func newSearchDocument(it *app.Item, md *app.Metadata, published time.Time, files []string, now time.Time) *search.Document {
	d := &search.Document{ItemID: it.ID, OwnerID: it.AccountID, GroupID: it.GroupID, Public: it.IsPublic(),
		Title: md.Title, Description: md.Description, Keywords: md.Keywords, References: md.References,
		ItemType: md.ItemType, License: md.License, DOI: md.DOI, Handle: md.Handle, ResourceDOI: md.ResourceDOI,
		Published: published, Modified: it.Modified, Created: it.Created, Version: it.Version}
	for _, a := range md.Authors {
		d.Authors = append(d.Authors, a.FullName)
		if a.ORCID != "" {
			d.ORCIDs = append(d.ORCIDs, a.ORCID)
		}
	}
	if md.Funding != "" {
		d.Funding = append(d.Funding, md.Funding)
	}
	for _, f := range md.FundingList {
		d.Funding = append(d.Funding, strings.TrimSpace(f.Title+" "+f.Funder+" "+f.GrantCode))
	}
	for _, name := range slices.Sorted(maps.Keys(md.CustomFields)) {
		d.CustomValues = append(d.CustomValues, md.CustomFields[name])
	}
	// The access flags the search filter needs; a published item whose
	// files the public may not have keeps their names out of the index.
	d.Embargoed = it.Embargo.Active(now) && it.Embargo.Type == app.EmbargoItem
	d.Confidential = it.Confidentiality.Confidential
	if it.Version == 0 || app.OpenToAll(it, now) {
		d.FileNames = files
	}
	return d
}

// addAncestors adds the ids of a category path ("/37/3705/370501") to the
// document's category ids, once each.
func addAncestors(d *search.Document, path string, seen map[int64]bool) {
	for _, p := range strings.Split(strings.Trim(path, "/"), "/") {
		if id, err := strconv.ParseInt(p, 10, 64); err == nil && !seen[id] {
			seen[id] = true
			d.CategoryIDs = append(d.CategoryIDs, id)
		}
	}
}

// resolveNames fills in vocabulary names and category ancestors.
func resolveNames(ctx context.Context, q querier, d *search.Document, cats []int64) error {
	name := func(query string, arg any) (string, error) {
		var s string
		err := q.QueryRowContext(ctx, query, arg).Scan(&s)
		if err == sql.ErrNoRows {
			return "", nil
		}
		return s, translate(err)
	}
	var err error
	if d.ItemTypeName, err = name(`SELECT name FROM item_types WHERE id = ?`, d.ItemType); err != nil {
		return err
	}
	if d.LicenseName, err = name(`SELECT name FROM licenses WHERE id = ?`, d.License); err != nil {
		return err
	}
	seen := map[int64]bool{}
	for _, c := range cats {
		var title, path string
		err := q.QueryRowContext(ctx, `SELECT title, path FROM categories WHERE id = ?`, c).Scan(&title, &path)
		if err == sql.ErrNoRows {
			continue
		} else if err != nil {
			return translate(err)
		}
		d.Categories = append(d.Categories, title)
		addAncestors(d, path, seen)
	}
	return nil
}

// CountItems returns the number of items in the catalog.
func (db *DB) CountItems(ctx context.Context) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM items`).Scan(&n)
	return n, translate(err)
}
