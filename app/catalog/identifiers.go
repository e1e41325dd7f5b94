package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"carrel/app"
)

// ReserveDOI gives an item the concept DOI doi, or returns the one it was
// given before, so asking twice is harmless. The DOI goes into the draft;
// the next publish issues a version DOI under it. A draft registration is
// queued for the DOI agency in the same transaction. ENOTFOUND for an
// unknown item, ECONFLICT for a withdrawn one or one whose draft already
// carries a DOI typed in by hand.
func (db *DB) ReserveDOI(ctx context.Context, id int64, doi string) (string, error) {
	return db.reserve(ctx, id, "doi", doi)
}

// ReserveHandle gives an item the handle h, or returns the one it was given
// before; the errors are ReserveDOI's.
func (db *DB) ReserveHandle(ctx context.Context, id int64, h string) (string, error) {
	return db.reserve(ctx, id, "handle", h)
}

func (db *DB) reserve(ctx context.Context, id int64, kind, value string) (string, error) {
	err := db.change(ctx, func() int64 { return id }, func(tx *sql.Tx) error {
		it, err := scanItem(tx.QueryRowContext(ctx, `SELECT `+itemColumns+` FROM items WHERE id = ?`, id))
		if err != nil {
			return notFound(err, "item %d not found", id)
		}
		var existing string
		err = tx.QueryRowContext(ctx, `SELECT value FROM identifiers WHERE item_id = ? AND kind = ?`, id, kind).Scan(&existing)
		if err == nil {
			value = existing
			return nil
		}
		if err != sql.ErrNoRows {
			return err
		}
		if it.Status == app.StatusWithdrawn {
			return app.Errorf(app.ECONFLICT, "item %d has been withdrawn", id)
		}
		field := &it.Draft.DOI
		if kind == "handle" {
			field = &it.Draft.Handle
		}
		if *field != "" {
			return app.Errorf(app.ECONFLICT, "item %d already has the %s %s; remove it from the metadata to reserve a new one", id, kind, *field)
		}
		*field = value
		body, err := json.Marshal(it.Draft)
		if err != nil {
			return err
		}
		now := db.stamp()
		if _, err := tx.ExecContext(ctx, `INSERT INTO identifiers (item_id, kind, value, reserved_at) VALUES (?, ?, ?, ?)`,
			id, kind, value, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE items SET draft = ?, draft_changed = 1, modified_at = ? WHERE id = ?`,
			string(body), now, id); err != nil {
			return err
		}
		if kind != "doi" {
			return nil
		}
		return db.enqueueDOI(ctx, tx, app.DOIRegistration{DOI: value, ItemID: id, Concept: true, Event: app.DOIDraft})
	})
	return value, err
}

// reservedDOI is the concept DOI Carrel reserved for an item, "" if none.
func reservedDOI(ctx context.Context, tx *sql.Tx, id int64) (string, error) {
	var doi string
	err := tx.QueryRowContext(ctx, `SELECT value FROM identifiers WHERE item_id = ? AND kind = 'doi'`, id).Scan(&doi)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return doi, err
}

// enqueueDOI adds a registration to the outbox, due at once.
func (db *DB) enqueueDOI(ctx context.Context, tx *sql.Tx, r app.DOIRegistration) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO doi_outbox (doi, item_id, version, concept, event, created_at, next_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, r.DOI, r.ItemID, r.Version, r.Concept, r.Event, db.stamp(), outboxTime(db.now()))
	return err
}

// enqueuePublish queues the registrations a new version makes: its own
// version DOI, and the concept DOI, which now resolves to it.
func (db *DB) enqueuePublish(ctx context.Context, tx *sql.Tx, id int64, concept string, number int) error {
	if err := db.enqueueDOI(ctx, tx, app.DOIRegistration{DOI: app.VersionDOI(concept, number), ItemID: id, Version: number, Event: app.DOIPublish}); err != nil {
		return err
	}
	return db.enqueueDOI(ctx, tx, app.DOIRegistration{DOI: concept, ItemID: id, Version: number, Concept: true, Event: app.DOIPublish})
}

// enqueueWithdraw queues hiding every DOI of a withdrawn item: they stay
// registered and resolve to the tombstone, but leave DataCite's search.
func (db *DB) enqueueWithdraw(ctx context.Context, tx *sql.Tx, id int64, latest int) error {
	concept, err := reservedDOI(ctx, tx, id)
	if err != nil || concept == "" {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT version, metadata FROM versions WHERE item_id = ? ORDER BY version`, id)
	if err != nil {
		return err
	}
	var regs []app.DOIRegistration
	for rows.Next() {
		var n int
		var body string
		var md app.Metadata
		if err := rows.Scan(&n, &body); err != nil {
			rows.Close()
			return err
		}
		if json.Unmarshal([]byte(body), &md) == nil && md.DOI == app.VersionDOI(concept, n) {
			regs = append(regs, app.DOIRegistration{DOI: md.DOI, ItemID: id, Version: n, Event: app.DOIHide})
		}
	}
	rows.Close()
	regs = append(regs, app.DOIRegistration{DOI: concept, ItemID: id, Version: latest, Concept: true, Event: app.DOIHide})
	for _, r := range regs {
		if err := db.enqueueDOI(ctx, tx, r); err != nil {
			return err
		}
	}
	return nil
}

const outboxColumns = `id, doi, item_id, version, concept, event, created_at, attempts, next_at, sent_at, last_error`

func scanRegistration(row interface{ Scan(...any) error }) (app.DOIRegistration, error) {
	var r app.DOIRegistration
	err := row.Scan(&r.ID, &r.DOI, &r.ItemID, &r.Version, &r.Concept, &r.Event, &r.Created, &r.Attempts, &r.NextAt, &r.SentAt, &r.Error)
	return r, err
}

func (db *DB) registrations(ctx context.Context, query string, args ...any) ([]app.DOIRegistration, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := []app.DOIRegistration{}
	for rows.Next() {
		r, err := scanRegistration(rows)
		if err != nil {
			return nil, translate(err)
		}
		out = append(out, r)
	}
	return out, translate(rows.Err())
}

// DueDOIRegistrations lists up to limit unsent registrations due by now,
// oldest first, leaving out any that waits behind an older unsent one for
// the same DOI, so that one DOI's changes reach the agency in order.
func (db *DB) DueDOIRegistrations(ctx context.Context, now time.Time, limit int) ([]app.DOIRegistration, error) {
	return db.registrations(ctx, `SELECT `+outboxColumns+` FROM doi_outbox o WHERE sent_at = '' AND next_at <= ?
		AND NOT EXISTS (SELECT 1 FROM doi_outbox p WHERE p.doi = o.doi AND p.sent_at = '' AND p.id < o.id)
		ORDER BY id LIMIT ?`, outboxTime(now), limit)
}

// DOIOutbox lists the outbox, newest first: only unsent registrations when
// pendingOnly, else up to limit of all.
func (db *DB) DOIOutbox(ctx context.Context, pendingOnly bool, limit int) ([]app.DOIRegistration, error) {
	where := ""
	if pendingOnly {
		where = ` WHERE sent_at = ''`
	}
	return db.registrations(ctx, `SELECT `+outboxColumns+` FROM doi_outbox`+where+` ORDER BY id DESC LIMIT ?`, limit)
}

// PendingDOICount counts the registrations not yet delivered.
func (db *DB) PendingDOICount(ctx context.Context) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM doi_outbox WHERE sent_at = ''`).Scan(&n)
	return n, translate(err)
}

// DOISent marks a registration delivered and remembers that the agency now
// holds the DOI in the given state (draft, findable, registered).
func (db *DB) DOISent(ctx context.Context, id int64, doi, state string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		now := db.stamp()
		if _, err := tx.ExecContext(ctx, `UPDATE doi_outbox SET sent_at = ?, attempts = attempts + 1, last_error = '' WHERE id = ?`, now, id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO doi_registered (doi, state, at) VALUES (?, ?, ?)
			ON CONFLICT (doi) DO UPDATE SET state = excluded.state, at = excluded.at`, doi, state, now)
		return err
	})
}

// DOIFailed records a failed attempt and when to try again.
func (db *DB) DOIFailed(ctx context.Context, id int64, reason string, next time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE doi_outbox SET attempts = attempts + 1, last_error = ?, next_at = ? WHERE id = ?`,
			reason, outboxTime(next), id)
		return err
	})
}

// DOIState is the state the agency is known to hold a DOI in ("draft",
// "findable", "registered"), or "" when it has never accepted it.
func (db *DB) DOIState(ctx context.Context, doi string) (string, error) {
	var state string
	err := db.read.QueryRowContext(ctx, `SELECT state FROM doi_registered WHERE doi = ?`, doi).Scan(&state)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return state, translate(err)
}

// outboxTime writes due times at a fixed width, so that comparing them as
// text orders them in time.
func outboxTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000Z") }
