package catalog

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"carrel/app"
)

//go:embed seed/*.json
var seedFS embed.FS

// seed loads the embedded vocabularies. Rows are upserted by id, so a new
// release adds terms and corrects names without disturbing what items use.
func (db *DB) seed(ctx context.Context) error {
	sub, err := fs.Sub(seedFS, "seed")
	if err != nil {
		return err
	}
	return db.LoadVocabularies(ctx, sub)
}

// LoadVocabularies upserts item types, licenses and categories from the
// files item_types.json, licenses.json and categories.json in fsys; a file
// that is absent leaves its vocabulary as it is. An institution points
// Carrel at a folder of its own files to replace the embedded ones.
func (db *DB) LoadVocabularies(ctx context.Context, fsys fs.FS) error {
	var types []app.ItemType
	var licenses []app.License
	var cats []app.Category
	for name, dst := range map[string]any{"item_types.json": &types, "licenses.json": &licenses, "categories.json": &cats} {
		body, err := fs.ReadFile(fsys, name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		} else if err != nil {
			return fmt.Errorf("vocabulary %s: %w", name, err)
		}
		if err := json.Unmarshal(body, dst); err != nil {
			return fmt.Errorf("vocabulary %s: %w", name, err)
		}
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		for _, t := range types {
			if _, err := tx.ExecContext(ctx, `INSERT INTO item_types (id, name, string_id, icon, description, selectable, url_name)
				VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name=excluded.name, string_id=excluded.string_id,
				icon=excluded.icon, description=excluded.description, selectable=excluded.selectable, url_name=excluded.url_name
				WHERE item_types.local = 0`,
				t.ID, t.Name, t.StringID, t.Icon, t.Description, t.Selectable, t.URLName); err != nil {
				return fmt.Errorf("item type %d: %w", t.ID, err)
			}
		}
		for _, l := range licenses {
			if _, err := tx.ExecContext(ctx, `INSERT INTO licenses (id, name, url, spdx) VALUES (?, ?, ?, ?)
				ON CONFLICT(id) DO UPDATE SET name=excluded.name, url=excluded.url, spdx=excluded.spdx WHERE licenses.local = 0`,
				l.ID, l.Name, l.URL, l.SPDX); err != nil {
				return fmt.Errorf("license %d: %w", l.ID, err)
			}
		}
		paths := categoryPaths(cats)
		for _, c := range cats {
			if _, err := tx.ExecContext(ctx, `INSERT INTO categories (id, parent_id, title, source_id, taxonomy_id, path)
				VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET parent_id=excluded.parent_id, title=excluded.title,
				source_id=excluded.source_id, taxonomy_id=excluded.taxonomy_id, path=excluded.path WHERE categories.local = 0`,
				c.ID, c.ParentID, c.Title, c.SourceID, c.TaxonomyID, paths[c.ID]); err != nil {
				return fmt.Errorf("category %d: %w", c.ID, err)
			}
		}
		return nil
	})
}

// categoryPaths computes Figshare's "/root/.../id" path of every category.
func categoryPaths(cats []app.Category) map[int64]string {
	parent := make(map[int64]int64, len(cats))
	for _, c := range cats {
		parent[c.ID] = c.ParentID
	}
	paths := make(map[int64]string, len(cats))
	for _, c := range cats {
		var chain []string
		for id, n := c.ID, 0; id != 0 && n < 16; id, n = parent[id], n+1 {
			chain = append([]string{fmt.Sprint(id)}, chain...)
		}
		paths[c.ID] = "/" + strings.Join(chain, "/")
	}
	return paths
}

// ItemTypes lists the item types, retired ones too.
func (db *DB) ItemTypes(ctx context.Context) ([]app.ItemType, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, name, string_id, icon, description, selectable, url_name, retired FROM item_types ORDER BY id`)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []app.ItemType
	for rows.Next() {
		var t app.ItemType
		if err := rows.Scan(&t.ID, &t.Name, &t.StringID, &t.Icon, &t.Description, &t.Selectable, &t.URLName, &t.Retired); err != nil {
			return nil, translate(err)
		}
		out = append(out, t)
	}
	return out, translate(rows.Err())
}

// Licenses lists the licenses, retired ones too.
func (db *DB) Licenses(ctx context.Context) ([]app.License, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, name, url, spdx, retired FROM licenses ORDER BY id`)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []app.License
	for rows.Next() {
		var l app.License
		if err := rows.Scan(&l.ID, &l.Name, &l.URL, &l.SPDX, &l.Retired); err != nil {
			return nil, translate(err)
		}
		out = append(out, l)
	}
	return out, translate(rows.Err())
}

// Categories lists the category tree, parents before children, retired
// categories too.
func (db *DB) Categories(ctx context.Context) ([]app.Category, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, parent_id, title, source_id, taxonomy_id, path, retired FROM categories ORDER BY path`)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []app.Category
	for rows.Next() {
		var c app.Category
		if err := rows.Scan(&c.ID, &c.ParentID, &c.Title, &c.SourceID, &c.TaxonomyID, &c.Path, &c.Retired); err != nil {
			return nil, translate(err)
		}
		out = append(out, c)
	}
	return out, translate(rows.Err())
}
