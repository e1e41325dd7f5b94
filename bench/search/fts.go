package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"carrel/app"
)

// ftsAvailable fails unless go-sqlite3 was built with FTS5 (the
// sqlite_fts5 tag).
func ftsAvailable() error {
	db, err := sql.Open("sqlite3", ":memory:")
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE VIRTUAL TABLE t USING fts5(x)`); err != nil {
		return fmt.Errorf("SQLite FTS5 is missing (%v): run with go run -tags sqlite_fts5 ./bench/search", err)
	}
	return nil
}

// ftsIndex is the baseline: the published items of a catalog in an FTS5
// table (Porter stemming, as Carrel's English analyser stems) with their
// facet values in plain tables.
type ftsIndex struct {
	db    *sql.DB
	build time.Duration
	bytes int64
	rows  int
}

// buildFTS builds the baseline at path from the catalog's published items.
func buildFTS(ctx context.Context, catalogPath, path string) (*ftsIndex, error) {
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		os.Remove(p)
	}
	src, err := sql.Open("sqlite3", "file:"+catalogPath+"?mode=ro")
	if err != nil {
		return nil, err
	}
	defer src.Close()
	db, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL&_synchronous=NORMAL")
	if err != nil {
		return nil, err
	}
	start := time.Now()
	for _, stmt := range []string{
		`CREATE VIRTUAL TABLE docs USING fts5(title, description, keywords, authors, categories, tokenize = 'porter unicode61')`,
		`CREATE TABLE facets (rowid INTEGER PRIMARY KEY, item_type INTEGER, license INTEGER, year INTEGER, group_id INTEGER, published TEXT)`,
		`CREATE TABLE doc_categories (rowid INTEGER, category INTEGER)`,
	} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			db.Close()
			return nil, err
		}
	}
	ix := &ftsIndex{db: db}
	if err := ix.load(ctx, src); err != nil {
		db.Close()
		return nil, err
	}
	for _, stmt := range []string{`CREATE INDEX doc_categories_rowid ON doc_categories(rowid)`,
		`CREATE INDEX facets_type ON facets(item_type, published)`, `INSERT INTO docs(docs) VALUES ('optimize')`, `ANALYZE`} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			db.Close()
			return nil, err
		}
	}
	ix.build = time.Since(start)
	db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	if fi, err := os.Stat(path); err == nil {
		ix.bytes = fi.Size()
	}
	db.SetMaxOpenConns(16)
	return ix, nil
}

// load copies the published items in one transaction.
func (ix *ftsIndex) load(ctx context.Context, src *sql.DB) error {
	paths := map[int64]string{}
	titles := map[int64]string{}
	rows, err := src.QueryContext(ctx, `SELECT id, path, title FROM categories`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var p, t string
		if err := rows.Scan(&id, &p, &t); err != nil {
			rows.Close()
			return err
		}
		paths[id], titles[id] = p, t
	}
	rows.Close()
	tx, err := ix.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rows, err = src.QueryContext(ctx, `SELECT i.id, i.group_id, i.published_at, v.metadata FROM items i
		JOIN versions v ON v.item_id = i.id AND v.version = i.version WHERE i.status = 'public' ORDER BY i.id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	tags := regexp.MustCompile(`<[^>]*>`)
	for rows.Next() {
		var id, group int64
		var published, body string
		var md app.Metadata
		if err := rows.Scan(&id, &group, &published, &body); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(body), &md); err != nil {
			return err
		}
		var authors, cats []string
		for _, a := range md.Authors {
			authors = append(authors, a.FullName)
		}
		seen := map[int64]bool{}
		for _, c := range md.Categories {
			cats = append(cats, titles[c])
			for _, p := range strings.Split(strings.Trim(paths[c], "/"), "/") {
				if n, err := strconv.ParseInt(p, 10, 64); err == nil && !seen[n] {
					seen[n] = true
					if _, err := tx.ExecContext(ctx, `INSERT INTO doc_categories VALUES (?, ?)`, id, n); err != nil {
						return err
					}
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO docs(rowid, title, description, keywords, authors, categories) VALUES (?, ?, ?, ?, ?, ?)`,
			id, md.Title, tags.ReplaceAllString(md.Description, " "), strings.Join(md.Keywords, " "),
			strings.Join(authors, " "), strings.Join(cats, " ")); err != nil {
			return err
		}
		year := 0
		if len(published) >= 4 {
			year, _ = strconv.Atoi(published[:4])
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO facets VALUES (?, ?, ?, ?, ?, ?)`, id, md.ItemType, md.License, year, group,
			published); err != nil {
			return err
		}
		ix.rows++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return tx.Commit()
}

func (ix *ftsIndex) close() { ix.db.Close() }

// search does what Carrel's faceted search does: the ten best matches and
// the counts of five facets over every match.
func (ix *ftsIndex) search(ctx context.Context, q query) error {
	match := `SELECT rowid FROM docs WHERE docs MATCH ?`
	top := `SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 10`
	args := []any{q.fts}
	if q.fts == "" {
		match = `SELECT rowid FROM facets WHERE item_type = ? AND published >= ?`
		top = `SELECT rowid FROM facets WHERE item_type = ? AND published >= ? ORDER BY published DESC, rowid DESC LIMIT 10`
		args = []any{q.itemType, fmt.Sprintf("%04d", q.since)}
	}
	if err := drain(ix.db.QueryContext(ctx, top, args...)); err != nil {
		return err
	}
	facets := `WITH m AS MATERIALIZED (` + match + `)
		SELECT 'item_type', f.item_type, count(*) FROM m JOIN facets f ON f.rowid = m.rowid GROUP BY 2
		UNION ALL SELECT 'license', f.license, count(*) FROM m JOIN facets f ON f.rowid = m.rowid GROUP BY 2
		UNION ALL SELECT 'year', f.year, count(*) FROM m JOIN facets f ON f.rowid = m.rowid GROUP BY 2
		UNION ALL SELECT 'group', f.group_id, count(*) FROM m JOIN facets f ON f.rowid = m.rowid GROUP BY 2
		UNION ALL SELECT 'category', c.category, count(*) FROM m JOIN doc_categories c ON c.rowid = m.rowid GROUP BY 2`
	return drain(ix.db.QueryContext(ctx, facets, args...))
}

// drain reads every row of a query.
func drain(rows *sql.Rows, err error) error {
	if err != nil {
		return err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	return rows.Err()
}
