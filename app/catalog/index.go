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
	return db.searchDocument(ctx, id)
}

func (db *DB) searchDocument(ctx context.Context, id int64) (*search.Document, error) {
	it, err := db.Item(ctx, id)
	if err != nil {
		return nil, err
	}
	md, files, published := &it.Draft, []app.File(nil), it.Published
	if it.Version > 0 {
		v, err := db.Version(ctx, id, it.Version)
		if err != nil {
			return nil, err
		}
		md, files, published = &v.Metadata, v.Files, v.Published
	} else if files, err = db.DraftFiles(ctx, id); err != nil {
		return nil, err
	}
	var names []string
	for _, f := range files {
		names = append(names, f.Name)
	}
	d := newSearchDocument(it, md, published, names, db.now())
	if d.Views, d.Downloads, d.Shares, err = db.usageTotals(ctx, id); err != nil {
		return nil, err
	}
	if err := db.resolveNames(ctx, d, md.Categories); err != nil {
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
func (db *DB) resolveNames(ctx context.Context, d *search.Document, cats []int64) error {
	name := func(q string, arg any) (string, error) {
		var s string
		err := db.read.QueryRowContext(ctx, q, arg).Scan(&s)
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
		err := db.read.QueryRowContext(ctx, `SELECT title, path FROM categories WHERE id = ?`, c).Scan(&title, &path)
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
