package catalog

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"carrel/app"
)

// VocabularyGeneration changes whenever a vocabulary term is added or
// changed through this catalog, so that caches know when to reload.
func (db *DB) VocabularyGeneration() int64 { return db.vocabGen.Load() }

// vocabText checks a term's required text: 1 to 200 characters.
func vocabText(what, v string) (string, error) {
	v = strings.TrimSpace(v)
	if n := utf8.RuneCountInString(v); n == 0 || n > 200 {
		return "", app.Errorf(app.EUNPROCESSABLE, "The %s must be 1 to 200 characters.", what)
	}
	return v, nil
}

// saveTerm adds (id 0: the next local id, stored in *id) or updates a
// vocabulary term in table, marks it local, and audits it as done by who.
// ENOTFOUND for an update of a missing term.
func (db *DB) saveTerm(ctx context.Context, table, kind string, id *int64, retired bool, who app.AuditEntry,
	insert, update string, args ...any) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		action := "vocabulary.update"
		if *id == 0 {
			action = "vocabulary.add"
			if err := tx.QueryRowContext(ctx, `SELECT max(coalesce(max(id), 0) + 1, ?) FROM `+table, app.LocalVocabularyID).Scan(id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, insert, append([]any{*id}, args...)...); err != nil {
				return translate(err)
			}
		} else {
			var was bool
			if err := tx.QueryRowContext(ctx, `SELECT retired FROM `+table+` WHERE id = ?`, *id).Scan(&was); err != nil {
				return notFound(err, "There is no %s %d.", kind, *id)
			}
			if _, err := tx.ExecContext(ctx, update, append(args, *id)...); err != nil {
				return translate(err)
			}
			switch {
			case retired && !was:
				action = "vocabulary.retire"
			case !retired && was:
				action = "vocabulary.restore"
			}
		}
		return auditIn(ctx, tx, db, who, action, fmt.Sprintf("%s:%d", kind, *id), fmt.Sprintf("%v", args[:len(args)-1]))
	})
	if err == nil {
		db.vocabGen.Add(1)
	}
	return err
}

// SaveLicense adds a license (ID 0) or changes one, retiring or restoring
// it, and audits it. EUNPROCESSABLE for a missing name or a URL that is
// not http(s); ENOTFOUND for an unknown id.
func (db *DB) SaveLicense(ctx context.Context, l *app.License, who app.AuditEntry) error {
	var err error
	if l.Name, err = vocabText("name", l.Name); err != nil {
		return err
	}
	l.URL, l.SPDX = strings.TrimSpace(l.URL), strings.TrimSpace(l.SPDX)
	if u, err := url.Parse(l.URL); l.URL != "" && (err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "") {
		return app.Errorf(app.EUNPROCESSABLE, "The license URL must be an http or https address.")
	}
	if len(l.SPDX) > 100 || strings.ContainsAny(l.SPDX, " \t\n") {
		return app.Errorf(app.EUNPROCESSABLE, "The SPDX identifier is a short name without spaces, such as CC-BY-4.0.")
	}
	id := int64(l.ID)
	err = db.saveTerm(ctx, "licenses", "license", &id, l.Retired, who,
		`INSERT INTO licenses (id, name, url, spdx, retired, local) VALUES (?, ?, ?, ?, ?, 1)`,
		`UPDATE licenses SET name = ?, url = ?, spdx = ?, retired = ?, local = 1 WHERE id = ?`,
		l.Name, l.URL, l.SPDX, l.Retired)
	l.ID = int(id)
	return err
}

// SaveItemType adds an item type (ID 0) or changes one, retiring or
// restoring it, and audits it. EUNPROCESSABLE for a missing name or a
// string id that is not lower-case letters, digits and underscores;
// ECONFLICT if another type has the string id.
func (db *DB) SaveItemType(ctx context.Context, t *app.ItemType, who app.AuditEntry) error {
	var err error
	if t.Name, err = vocabText("name", t.Name); err != nil {
		return err
	}
	t.StringID = strings.TrimSpace(t.StringID)
	if t.StringID == "" || len(t.StringID) > 60 || strings.Trim(t.StringID, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
		return app.Errorf(app.EUNPROCESSABLE, "The string id must be lower-case letters, digits and underscores, such as lab_notebook.")
	}
	t.Description = strings.TrimSpace(t.Description)
	if len(t.Description) > app.MaxShortTextLen {
		return app.Errorf(app.EUNPROCESSABLE, "The description is longer than %d bytes.", app.MaxShortTextLen)
	}
	if t.URLName == "" {
		t.URLName = strings.ReplaceAll(t.StringID, "_", "-")
	}
	id := int64(t.ID)
	err = db.saveTerm(ctx, "item_types", "item_type", &id, t.Retired, who,
		`INSERT INTO item_types (id, name, string_id, description, url_name, retired, local) VALUES (?, ?, ?, ?, ?, ?, 1)`,
		`UPDATE item_types SET name = ?, string_id = ?, description = ?, url_name = ?, retired = ?, local = 1 WHERE id = ?`,
		t.Name, t.StringID, t.Description, t.URLName, t.Retired)
	t.ID = int(id)
	return err
}

// SaveCategory adds a category (ID 0) under ParentID (0 for a top-level
// one), or renames, retires or restores one (its place in the tree is
// kept), and audits it. EUNPROCESSABLE for a missing title or an unknown
// parent; ENOTFOUND for an unknown id.
func (db *DB) SaveCategory(ctx context.Context, c *app.Category, who app.AuditEntry) error {
	var err error
	if c.Title, err = vocabText("title", c.Title); err != nil {
		return err
	}
	if c.ID != 0 {
		return db.saveTerm(ctx, "categories", "category", &c.ID, c.Retired, who, "",
			`UPDATE categories SET title = ?, retired = ?, local = 1 WHERE id = ?`, c.Title, c.Retired)
	}
	if c.TaxonomyID == 0 {
		c.TaxonomyID = 1
	}
	parentPath := ""
	if c.ParentID != 0 {
		if err := db.read.QueryRowContext(ctx, `SELECT path FROM categories WHERE id = ?`, c.ParentID).Scan(&parentPath); err != nil {
			if err == sql.ErrNoRows {
				return app.Errorf(app.EUNPROCESSABLE, "There is no parent category %d.", c.ParentID)
			}
			return translate(err)
		}
	}
	err = db.saveTerm(ctx, "categories", "category", &c.ID, c.Retired, who,
		`INSERT INTO categories (id, parent_id, title, taxonomy_id, path, retired, local)
			VALUES (?1, ?2, ?3, ?4, ?5 || '/' || ?1, ?6, 1)`, "",
		c.ParentID, c.Title, c.TaxonomyID, parentPath, c.Retired)
	return err
}

// checkRetired refuses retired vocabulary terms in md, except those prev
// (the draft before this change; nil for a new item) already had: a
// retired term stays valid where it is, but is never chosen anew.
func checkRetired(ctx context.Context, tx *sql.Tx, md, prev *app.Metadata) error {
	had := app.Metadata{}
	if prev != nil {
		had = *prev
	}
	retired := func(table string, id int64) (bool, error) {
		var r bool
		err := tx.QueryRowContext(ctx, `SELECT retired FROM `+table+` WHERE id = ?`, id).Scan(&r)
		if err == sql.ErrNoRows {
			return false, nil // checkMetadata names what does not exist
		}
		return r, err
	}
	if md.ItemType != 0 && md.ItemType != had.ItemType {
		if r, err := retired("item_types", int64(md.ItemType)); err != nil || r {
			return retiredErr(err, "item type", int64(md.ItemType))
		}
	}
	if md.License != 0 && md.License != had.License {
		if r, err := retired("licenses", int64(md.License)); err != nil || r {
			return retiredErr(err, "license", int64(md.License))
		}
	}
	old := map[int64]bool{}
	for _, c := range had.Categories {
		old[c] = true
	}
	for _, c := range md.Categories {
		if old[c] {
			continue
		}
		if r, err := retired("categories", c); err != nil || r {
			return retiredErr(err, "category", c)
		}
	}
	return nil
}

func retiredErr(err error, what string, id int64) error {
	if err != nil {
		return err
	}
	return app.Errorf(app.EUNPROCESSABLE, "%s %d is retired and can no longer be chosen", what, id)
}
