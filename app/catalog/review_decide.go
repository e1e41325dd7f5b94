package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"carrel/app"
)

// ShowDraft records the state of the draft a reviewer is shown and returns
// its hash, which the reviewer's approval must carry.
func (db *DB) ShowDraft(ctx context.Context, reviewID int64) (string, error) {
	var hash string
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var itemID int64
		if err := tx.QueryRowContext(ctx, `SELECT item_id FROM reviews WHERE id = ?`, reviewID).Scan(&itemID); err != nil {
			return notFound(err, "review %d not found", reviewID)
		}
		state, h, err := draftState(ctx, tx, itemID)
		if err != nil {
			return err
		}
		hash = h
		_, err = tx.ExecContext(ctx, `INSERT OR IGNORE INTO review_snapshots (review_id, hash, draft) VALUES (?, ?, ?)`, reviewID, h, state)
		return err
	})
	return hash, err
}

// ApproveReview publishes the reviewed draft and closes the review as
// approved, in one transaction. shown is the hash ShowDraft gave the
// reviewer: if the draft changed since, nothing happens and the error is
// ECONFLICT wrapping an *app.StaleReviewError that names what changed.
func (db *DB) ApproveReview(ctx context.Context, reviewID int64, shown, comment string, who app.AuditEntry) (*app.Version, error) {
	var itemID int64
	var number int
	err := db.change(ctx, func() int64 { return itemID }, func(tx *sql.Tx) error {
		if err := pendingReview(ctx, tx, reviewID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT item_id FROM reviews WHERE id = ?`, reviewID).Scan(&itemID); err != nil {
			return err
		}
		state, hash, err := draftState(ctx, tx, itemID)
		if err != nil {
			return err
		}
		if hash != shown {
			var before string
			if err := tx.QueryRowContext(ctx, `SELECT draft FROM review_snapshots WHERE review_id = ? AND hash = ?`, reviewID, shown).Scan(&before); err != nil {
				before = ""
			}
			stale := &app.StaleReviewError{Changed: changedFields(before, state)}
			return &app.Error{Code: app.ECONFLICT, Message: stale.Error(), Err: stale}
		}
		if number, err = db.publishIn(ctx, tx, itemID); err != nil {
			return err
		}
		return decide(ctx, tx, db, reviewID, app.ReviewApproved, comment, who, itemID)
	})
	if err != nil {
		return nil, err
	}
	return db.Version(ctx, itemID, number)
}

// RejectReview sends the item back to its depositor with a reason: the
// draft stays as it was, to be fixed and submitted again.
func (db *DB) RejectReview(ctx context.Context, reviewID int64, reason string, who app.AuditEntry) error {
	reason, err := app.ValidateComment(reason)
	if err != nil {
		return app.Errorf(app.EUNPROCESSABLE, "a reason for declining is required; the depositor reads it")
	}
	return db.closeReview(ctx, reviewID, app.ReviewRejected, reason, who)
}

// WithdrawSubmission closes a pending review at the depositor's request;
// the item goes back to draft.
func (db *DB) WithdrawSubmission(ctx context.Context, reviewID int64, who app.AuditEntry) error {
	return db.closeReview(ctx, reviewID, app.ReviewClosed, "withdrawn by the depositor", who)
}

func (db *DB) closeReview(ctx context.Context, reviewID int64, status, text string, who app.AuditEntry) error {
	var itemID int64
	return db.change(ctx, func() int64 { return itemID }, func(tx *sql.Tx) error {
		if err := pendingReview(ctx, tx, reviewID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT item_id FROM reviews WHERE id = ?`, reviewID).Scan(&itemID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE items SET curation_status = ?, modified_at = ?,
			status = CASE WHEN status = 'pending' THEN 'draft' ELSE status END WHERE id = ?`, status, db.stamp(), itemID); err != nil {
			return err
		}
		return decide(ctx, tx, db, reviewID, status, text, who, itemID)
	})
}

// decide records a review's outcome, its comment, and the audit entry.
func decide(ctx context.Context, tx *sql.Tx, db *DB, reviewID int64, status, text string, who app.AuditEntry, itemID int64) error {
	now := db.now()
	if _, err := tx.ExecContext(ctx, `UPDATE reviews SET status = ?, resolution = ?, decided_at = ?, modified_at = ? WHERE id = ?`,
		status, text, formatTime(now), formatTime(now), reviewID); err != nil {
		return err
	}
	if strings.TrimSpace(text) != "" {
		if _, err := insertComment(ctx, tx, &app.ReviewComment{ReviewID: reviewID, AccountID: who.ActorID, Type: status, Text: text, Created: now}); err != nil {
			return err
		}
	}
	return auditIn(ctx, tx, db, who, "review."+map[string]string{app.ReviewApproved: "approve", app.ReviewRejected: "decline",
		app.ReviewClosed: "withdraw"}[status], fmt.Sprintf("item:%d", itemID), fmt.Sprintf("review %d: %s", reviewID, text))
}

// changedFields names what differs between two draft states: metadata
// fields by their Figshare names, and "files".
func changedFields(before, after string) []string {
	if before == "" {
		return []string{"the draft"}
	}
	split := func(s string) (map[string]json.RawMessage, string) {
		md, files, _ := strings.Cut(s, "\nfile ")
		m := map[string]json.RawMessage{}
		json.Unmarshal([]byte(md), &m)
		return m, files
	}
	b, bf := split(before)
	a, af := split(after)
	var out []string
	for k, v := range a {
		if string(b[k]) != string(v) {
			out = append(out, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	if bf != af {
		out = append(out, "files")
	}
	if len(out) == 0 {
		out = []string{"the draft"}
	}
	return out
}
