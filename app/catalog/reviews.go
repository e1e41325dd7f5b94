package catalog

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"

	"carrel/app"
)

const reviewColumns = `r.id, r.item_id, r.group_id, r.account_id, r.version, r.status, r.assigned_to, r.request_number,
	r.resolution, r.created_at, r.modified_at, r.decided_at, json_extract(i.draft, '$.title'),
	(SELECT count(*) FROM review_comments c WHERE c.review_id = r.id)`

func scanReview(row interface{ Scan(...any) error }) (*app.Review, error) {
	var r app.Review
	var created, modified, decided string
	var title sql.NullString
	if err := row.Scan(&r.ID, &r.ItemID, &r.GroupID, &r.AccountID, &r.Version, &r.Status, &r.AssignedTo, &r.RequestNumber,
		&r.Resolution, &created, &modified, &decided, &title, &r.Comments); err != nil {
		return nil, err
	}
	r.Created, r.Modified, r.Decided, r.Title = parseTime(created), parseTime(modified), parseTime(decided), title.String
	return &r, nil
}

// SetGroupReview switches review before publication on or off for a group
// (and so for every group below it that does not switch it on itself).
func (db *DB) SetGroupReview(ctx context.Context, groupID int64, on bool, who app.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := groupExists(ctx, tx, groupID); err != nil {
			return err
		}
		q := `DELETE FROM review_groups WHERE group_id = ?`
		if on {
			q = `INSERT OR IGNORE INTO review_groups (group_id) VALUES (?)`
		}
		if _, err := tx.ExecContext(ctx, q, groupID); err != nil {
			return err
		}
		return auditIn(ctx, tx, db, who, "group.review", fmt.Sprintf("group:%d", groupID), map[bool]string{true: "on", false: "off"}[on])
	})
}

// ReviewRequired reports whether items of the group need review before
// they are published: review is on for the group or a group above it.
func (db *DB) ReviewRequired(ctx context.Context, groupID int64) (bool, error) {
	return reviewRequired(ctx, db.read, groupID)
}

func reviewRequired(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, groupID int64) (bool, error) {
	if groupID == 0 {
		return false, nil
	}
	var n int
	err := q.QueryRowContext(ctx, `WITH RECURSIVE up(id) AS (SELECT ? UNION SELECT g.parent_id FROM groups g JOIN up ON g.id = up.id WHERE g.parent_id != 0)
		SELECT count(*) FROM review_groups WHERE group_id IN (SELECT id FROM up)`, groupID).Scan(&n)
	return n > 0, translate(err)
}

// SubmitForReview asks the reviewers of the item's group to publish its
// draft. EUNPROCESSABLE if the draft could not be published as it is,
// ECONFLICT if it already awaits review or was withdrawn.
func (db *DB) SubmitForReview(ctx context.Context, itemID int64, who app.AuditEntry) (*app.Review, error) {
	var id int64
	err := db.change(ctx, func() int64 { return itemID }, func(tx *sql.Tx) error {
		it, err := scanItem(tx.QueryRowContext(ctx, `SELECT `+itemColumns+` FROM items WHERE id = ?`, itemID))
		if err != nil {
			return notFound(err, "item %d not found", itemID)
		}
		if it.Status == app.StatusWithdrawn {
			return app.Errorf(app.ECONFLICT, "item %d has been withdrawn", itemID)
		}
		if it.Version > 0 && !it.DraftChanged {
			return app.Errorf(app.ECONFLICT, "the item has no changes to publish")
		}
		if err := checkPublishable(ctx, tx, it); err != nil {
			return err
		}
		var open int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM reviews WHERE item_id = ? AND status = 'pending'`, itemID).Scan(&open); err != nil {
			return err
		}
		if open > 0 {
			return app.Errorf(app.ECONFLICT, "the item is already awaiting review")
		}
		now := db.stamp()
		res, err := tx.ExecContext(ctx, `INSERT INTO reviews (item_id, group_id, account_id, version, request_number, created_at, modified_at)
			VALUES (?, ?, ?, ?, (SELECT count(*) + 1 FROM reviews WHERE item_id = ?), ?, ?)`,
			itemID, it.GroupID, it.AccountID, it.Version+1, itemID, now, now)
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE items SET curation_status = 'pending', modified_at = ?,
			status = CASE WHEN status = 'draft' THEN 'pending' ELSE status END WHERE id = ?`, now, itemID); err != nil {
			return err
		}
		return auditIn(ctx, tx, db, who, "review.submit", fmt.Sprintf("item:%d", itemID), fmt.Sprintf("review %d", id))
	})
	if err != nil {
		return nil, err
	}
	return db.Review(ctx, id)
}

// Review returns a review. ENOTFOUND if none.
func (db *DB) Review(ctx context.Context, id int64) (*app.Review, error) {
	r, err := scanReview(db.read.QueryRowContext(ctx, `SELECT `+reviewColumns+` FROM reviews r JOIN items i ON i.id = r.item_id WHERE r.id = ?`, id))
	return r, notFound(err, "review %d not found", id)
}

// OpenReview returns the item's review awaiting a decision. ENOTFOUND if
// there is none.
func (db *DB) OpenReview(ctx context.Context, itemID int64) (*app.Review, error) {
	r, err := scanReview(db.read.QueryRowContext(ctx, `SELECT `+reviewColumns+` FROM reviews r JOIN items i ON i.id = r.item_id
		WHERE r.item_id = ? AND r.status = 'pending'`, itemID))
	return r, notFound(err, "item %d is not awaiting review", itemID)
}

// Reviews lists reviews matching f, oldest first (the queue's order).
func (db *DB) Reviews(ctx context.Context, f app.ReviewFilter) ([]app.Review, error) {
	var where []string
	var args []any
	if f.Groups != nil {
		if len(f.Groups) == 0 {
			return nil, nil
		}
		where = append(where, `r.group_id IN (`+strings.TrimSuffix(strings.Repeat("?,", len(f.Groups)), ",")+`)`)
		for _, g := range f.Groups {
			args = append(args, g)
		}
	}
	for _, c := range []struct {
		on   bool
		cond string
		arg  any
	}{
		{f.GroupID != 0, `r.group_id = ?`, f.GroupID},
		{f.ItemID != 0, `r.item_id = ?`, f.ItemID},
		{f.Status != "", `r.status = ?`, f.Status},
		{f.AssignedTo > 0, `r.assigned_to = ?`, f.AssignedTo},
		{f.AssignedTo < 0, `r.assigned_to = ?`, 0},
	} {
		if c.on {
			where, args = append(where, c.cond), append(args, c.arg)
		}
	}
	q := `SELECT ` + reviewColumns + ` FROM reviews r JOIN items i ON i.id = r.item_id`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY r.created_at, r.id LIMIT ? OFFSET ?`, append(args, limit, f.Offset)...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []app.Review
	for rows.Next() {
		r, err := scanReview(rows)
		if err != nil {
			return nil, translate(err)
		}
		out = append(out, *r)
	}
	return out, translate(rows.Err())
}

// AssignReview gives a pending review to a reviewer (0 unassigns it).
func (db *DB) AssignReview(ctx context.Context, id, to int64, who app.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := pendingReview(ctx, tx, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE reviews SET assigned_to = ?, modified_at = ? WHERE id = ?`, to, db.stamp(), id); err != nil {
			return err
		}
		return auditIn(ctx, tx, db, who, "review.assign", fmt.Sprintf("review:%d", id), fmt.Sprintf("to account %d", to))
	})
}

// pendingReview refuses a review that is gone (ENOTFOUND) or decided
// (ECONFLICT).
func pendingReview(ctx context.Context, tx *sql.Tx, id int64) error {
	var status string
	if err := tx.QueryRowContext(ctx, `SELECT status FROM reviews WHERE id = ?`, id).Scan(&status); err != nil {
		return notFound(err, "review %d not found", id)
	}
	if status != app.ReviewPending {
		return app.Errorf(app.ECONFLICT, "review %d was already %s", id, status)
	}
	return nil
}

// AddReviewComment adds a message to a pending review's thread, from
// who.ActorID (or the account an administrator acts for).
func (db *DB) AddReviewComment(ctx context.Context, reviewID int64, text string, who app.AuditEntry) (*app.ReviewComment, error) {
	accountID := who.ActorID
	if who.OnBehalf != 0 {
		accountID = who.OnBehalf
	}
	text, err := app.ValidateComment(text)
	if err != nil {
		return nil, err
	}
	c := &app.ReviewComment{ReviewID: reviewID, AccountID: accountID, Type: "comment", Text: text, Created: db.now()}
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if err := pendingReview(ctx, tx, reviewID); err != nil {
			return err
		}
		c.ID, err = insertComment(ctx, tx, c)
		if err != nil {
			return err
		}
		if _, err = tx.ExecContext(ctx, `UPDATE reviews SET modified_at = ? WHERE id = ?`, formatTime(c.Created), reviewID); err != nil {
			return err
		}
		return auditIn(ctx, tx, db, who, "review.comment", fmt.Sprintf("review:%d", reviewID), fmt.Sprintf("comment %d", c.ID))
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

func insertComment(ctx context.Context, tx *sql.Tx, c *app.ReviewComment) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO review_comments (review_id, account_id, type, text, created_at) VALUES (?, ?, ?, ?, ?)`,
		c.ReviewID, c.AccountID, c.Type, c.Text, formatTime(c.Created))
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// ReviewComments lists a review's thread, oldest first.
func (db *DB) ReviewComments(ctx context.Context, reviewID int64, offset, limit int) ([]app.ReviewComment, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, review_id, account_id, type, text, created_at FROM review_comments
		WHERE review_id = ? ORDER BY id LIMIT ? OFFSET ?`, reviewID, limit, offset)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []app.ReviewComment
	for rows.Next() {
		var c app.ReviewComment
		var at string
		if err := rows.Scan(&c.ID, &c.ReviewID, &c.AccountID, &c.Type, &c.Text, &at); err != nil {
			return nil, translate(err)
		}
		c.Created = parseTime(at)
		out = append(out, c)
	}
	return out, translate(rows.Err())
}

// draftState returns the item's draft and file list as one string, and its
// hash: what a reviewer approves.
func draftState(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, itemID int64) (string, string, error) {
	var draft string
	if err := q.QueryRowContext(ctx, `SELECT draft FROM items WHERE id = ?`, itemID).Scan(&draft); err != nil {
		return "", "", notFound(err, "item %d not found", itemID)
	}
	rows, err := q.QueryContext(ctx, `SELECT id, folder, name, sha256 FROM files WHERE item_id = ? AND in_draft = 1 ORDER BY id`, itemID)
	if err != nil {
		return "", "", err
	}
	defer rows.Close()
	var b strings.Builder
	b.WriteString(draft)
	for rows.Next() {
		var id int64
		var folder, name, sum string
		if err := rows.Scan(&id, &folder, &name, &sum); err != nil {
			return "", "", err
		}
		fmt.Fprintf(&b, "\nfile %d %s %s/%s", id, sum, folder, name)
	}
	h := sha256.Sum256([]byte(b.String()))
	return b.String(), hex.EncodeToString(h[:16]), rows.Err()
}
