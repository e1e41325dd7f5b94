// Package catalog is Carrel's metadata store on SQLite: accounts, tokens,
// vocabularies, items with their drafts and immutable versions, and files.
// One writer connection serialises writes; a pool of readers serves the rest.
package catalog

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"carrel/app"

	sqlite3 "github.com/mattn/go-sqlite3"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is an open catalog.
type DB struct {
	write *sql.DB // exactly one connection: SQLite allows one writer
	read  *sql.DB
	now   func() time.Time
	hooks []ChangeHook
	// vocabGen counts the vocabulary changes made through this handle,
	// so that caches of the vocabularies know when to reload.
	vocabGen atomic.Int64
}

// ChangeHook is told, after a transaction commits, which items it changed
// and the change sequence number it ended at.
type ChangeHook func(ctx context.Context, seq int64, itemIDs []int64)

// Open opens (creating if needed) the catalog at path and applies any
// pending migrations.
func Open(ctx context.Context, path string) (*DB, error) {
	dsn := func(mode string) string {
		q := url.Values{}
		q.Set("_foreign_keys", "on")
		q.Set("_busy_timeout", "10000")
		q.Set("_journal_mode", "WAL")
		q.Set("_synchronous", "NORMAL")
		// A write transaction takes the write lock at once, so that two
		// never deadlock upgrading; the readers' transactions only read.
		if mode == "ro" {
			q.Set("_txlock", "deferred")
		} else {
			q.Set("_txlock", "immediate")
		}
		// Each connection keeps its most recent prepared statements: a
		// request runs the same dozen queries, which SQLite otherwise
		// compiles again every time.
		q.Set("_stmt_cache_size", "64")
		if mode != "" {
			q.Set("mode", mode)
		}
		return "file:" + path + "?" + q.Encode()
	}
	w, err := sql.Open("sqlite3", dsn("rwc"))
	if err != nil {
		return nil, fmt.Errorf("open catalog %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	db := &DB{write: w, now: func() time.Time { return time.Now().UTC() }}
	if err := db.migrate(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("catalog %s: %w", path, err)
	}
	r, err := sql.Open("sqlite3", dsn("ro"))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open catalog %s: %w", path, err)
	}
	// Every reader stays open: one closed after use loses its prepared
	// statements, and reopening it parses the schema again.
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	db.read = r
	return db, nil
}

// Close closes the catalog.
func (db *DB) Close() error {
	return errors.Join(db.read.Close(), db.write.Close())
}

// OnChange registers a hook called after every committed item change.
func (db *DB) OnChange(h ChangeHook) { db.hooks = append(db.hooks, h) }

// SetClock replaces the clock; tests use it.
func (db *DB) SetClock(now func() time.Time) { db.now = now }

func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return err
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		n, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: name must start with a number", base)
		}
		if err := db.applyMigration(ctx, n, name); err != nil {
			return fmt.Errorf("migration %s: %w", base, err)
		}
	}
	return db.seed(ctx)
}

func (db *DB) applyMigration(ctx context.Context, n int, name string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var done int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, n).Scan(&done); err != nil {
			return err
		}
		if done > 0 {
			return nil
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, n, db.stamp())
		return err
	})
}

// tx runs fn in a write transaction, committing if fn returns nil.
func (db *DB) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return app.Internal(err, "begin transaction")
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return translate(err)
	}
	if err := tx.Commit(); err != nil {
		return app.Internal(err, "commit")
	}
	return nil
}

// readTx runs fn in one read transaction, so that its reads see one
// snapshot and share the reader's page cache.
func (db *DB) readTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return app.Internal(err, "begin read transaction")
	}
	defer tx.Rollback()
	return translate(fn(tx))
}

// change runs fn in a write transaction that records a change of the given
// item, and tells the hooks after commit.
func (db *DB) change(ctx context.Context, itemID func() int64, fn func(*sql.Tx) error) error {
	var seq int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO changes (item_id, at) VALUES (?, ?)`, itemID(), db.stamp())
		if err != nil {
			return err
		}
		seq, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return err
	}
	for _, h := range db.hooks {
		h(ctx, seq, []int64{itemID()})
	}
	return nil
}

// translate maps driver errors to app errors at the boundary.
func translate(err error) error {
	var ae *app.Error
	if errors.As(err, &ae) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return app.Errorf(app.ENOTFOUND, "not found")
	}
	var se sqlite3.Error
	if errors.As(err, &se) && se.Code == sqlite3.ErrConstraint {
		return &app.Error{Code: app.ECONFLICT, Message: "conflicts with an existing record", Err: err}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &app.Error{Code: app.EINTERNAL, Message: "request cancelled", Err: err}
	}
	return app.Internal(err, "catalog")
}

func (db *DB) stamp() string { return formatTime(db.now()) }

func formatTime(t time.Time) string { return app.TimeKey(t) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// Ping checks that the catalog answers.
func (db *DB) Ping(ctx context.Context) error {
	var n int
	return translate(db.read.QueryRowContext(ctx, `SELECT 1`).Scan(&n))
}
