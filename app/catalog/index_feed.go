package catalog

import (
	"context"
	"encoding/json"

	"carrel/app"
	"carrel/search"
)

// feedBatch is how many items a full rebuild's feed reads per query.
const feedBatch = 1000

// AllSearchDocuments feeds every item's document to yield, for a full
// rebuild of the index. The feed is the serial part of a rebuild, so it
// reads feedBatch items at a time, with their latest versions, usage
// totals and file names, in three queries per batch instead of a few per
// item, and decodes only the metadata each document is made from (a
// published item's latest version, not its draft). Its documents are the
// ones SearchDocument builds item by item.
func (db *DB) AllSearchDocuments(ctx context.Context, yield func(search.Document) error) error {
	return db.allSearchDocuments(ctx, feedBatch, yield)
}

// allSearchDocuments is AllSearchDocuments reading batch items per query.
func (db *DB) allSearchDocuments(ctx context.Context, batch int, yield func(search.Document) error) error {
	names, err := db.loadVocabNames(ctx)
	if err != nil {
		return err
	}
	var last int64
	for {
		docs, err := db.searchDocumentBatch(ctx, last, batch, names)
		if err != nil || len(docs) == 0 {
			return err
		}
		for _, d := range docs {
			if err := yield(*d); err != nil {
				return err
			}
		}
		last = docs[len(docs)-1].ItemID
	}
}

// feedItem is an item of a feed batch, before its file names are read.
type feedItem struct {
	it        *app.Item
	md        *app.Metadata
	published string
	views     [3]int64 // views, downloads, shares
}

// searchDocumentBatch builds the documents of the next batch items after
// id after, in id order.
func (db *DB) searchDocumentBatch(ctx context.Context, after int64, batch int, names *vocabNames) ([]*search.Document, error) {
	items, err := db.feedItems(ctx, after, batch)
	if err != nil || len(items) == 0 {
		return nil, err
	}
	files, err := db.feedFileNames(ctx, after, items[len(items)-1].it.ID)
	if err != nil {
		return nil, err
	}
	now := db.now()
	docs := make([]*search.Document, len(items))
	for i, fi := range items {
		published := fi.it.Published
		if fi.it.Version > 0 {
			published = parseTime(fi.published)
		}
		d := newSearchDocument(fi.it, fi.md, published, files[fi.it.ID], now)
		d.Views, d.Downloads, d.Shares = fi.views[0], fi.views[1], fi.views[2]
		names.resolve(d, fi.md.Categories)
		docs[i] = d
	}
	return docs, nil
}

// feedItems reads the next batch items after id after with their latest
// version's metadata and their usage totals.
func (db *DB) feedItems(ctx context.Context, after int64, batch int) ([]feedItem, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+prefixed("i.", itemColumns)+`, v.metadata, coalesce(v.published_at, ''),
		coalesce(u.views, 0), coalesce(u.downloads, 0), coalesce(u.shares, 0)
		FROM items i LEFT JOIN versions v ON v.item_id = i.id AND v.version = i.version
		LEFT JOIN usage_item_totals u ON u.item_id = i.id
		WHERE i.id > ? ORDER BY i.id LIMIT ?`, after, batch)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []feedItem
	for rows.Next() {
		var fi feedItem
		var version []byte // NULL when the item has no version, or its latest is missing
		it, draft, err := scanItemOnly(rows, &version, &fi.published, &fi.views[0], &fi.views[1], &fi.views[2])
		if err != nil {
			return nil, translate(err)
		}
		fi.it, fi.md = it, &it.Draft
		switch {
		case it.Version == 0:
			err = decodeDraft(it, draft)
		case version == nil:
			err = app.Errorf(app.ENOTFOUND, "version %d of item %d not found", it.Version, it.ID)
		default:
			fi.md = new(app.Metadata)
			if err = json.Unmarshal(version, fi.md); err != nil {
				err = app.Internal(err, "decode version")
			}
		}
		if err != nil {
			return nil, err
		}
		out = append(out, fi)
	}
	return out, translate(rows.Err())
}

// feedFileNames reads the names of the files of the items with ids in
// (after, last] that a document lists: a published item's latest
// version's, a never published item's draft's; in the order Version and
// DraftFiles list them.
func (db *DB) feedFileNames(ctx context.Context, after, last int64) (map[int64][]string, error) {
	out := map[int64][]string{}
	read := func(q string) error {
		rows, err := db.read.QueryContext(ctx, q, after, last)
		if err != nil {
			return translate(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				return translate(err)
			}
			out[id] = append(out[id], name)
		}
		return translate(rows.Err())
	}
	if err := read(`SELECT vf.item_id, f.name FROM items i
		JOIN version_files vf ON vf.item_id = i.id AND vf.version = i.version JOIN files f ON f.id = vf.file_id
		WHERE i.id > ? AND i.id <= ? AND i.version > 0 ORDER BY vf.item_id, vf.position`); err != nil {
		return nil, err
	}
	if err := read(`SELECT f.item_id, f.name FROM items i JOIN files f ON f.item_id = i.id AND f.in_draft = 1
		WHERE i.id > ? AND i.id <= ? AND i.version = 0 ORDER BY f.item_id, f.id`); err != nil {
		return nil, err
	}
	return out, nil
}

// vocabNames holds the vocabulary a full rebuild resolves names from, so
// that each item costs no vocabulary queries.
type vocabNames struct {
	types, licenses map[int64]string
	cats            map[int64][2]string // title, path
}

func (db *DB) loadVocabNames(ctx context.Context) (*vocabNames, error) {
	v := &vocabNames{types: map[int64]string{}, licenses: map[int64]string{}, cats: map[int64][2]string{}}
	load := func(q string, put func(id int64, a, b string)) error {
		rows, err := db.read.QueryContext(ctx, q)
		if err != nil {
			return translate(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var a, b string
			if err := rows.Scan(&id, &a, &b); err != nil {
				return translate(err)
			}
			put(id, a, b)
		}
		return translate(rows.Err())
	}
	if err := load(`SELECT id, name, '' FROM item_types`, func(id int64, a, _ string) { v.types[id] = a }); err != nil {
		return nil, err
	}
	if err := load(`SELECT id, name, '' FROM licenses`, func(id int64, a, _ string) { v.licenses[id] = a }); err != nil {
		return nil, err
	}
	if err := load(`SELECT id, title, path FROM categories`, func(id int64, a, b string) { v.cats[id] = [2]string{a, b} }); err != nil {
		return nil, err
	}
	return v, nil
}

// resolve fills in vocabulary names and category ancestors from v.
func (v *vocabNames) resolve(d *search.Document, cats []int64) {
	d.ItemTypeName, d.LicenseName = v.types[int64(d.ItemType)], v.licenses[int64(d.License)]
	seen := map[int64]bool{}
	for _, c := range cats {
		tp, ok := v.cats[c]
		if !ok {
			continue
		}
		d.Categories = append(d.Categories, tp[0])
		addAncestors(d, tp[1], seen)
	}
}
