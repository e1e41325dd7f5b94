package catalog

import (
	"context"
	"database/sql"
	"strings"

	"carrel/app"
)

// CreateProjectItem stores a new draft item owned by accountID inside a
// project, in one transaction.
func (db *DB) CreateProjectItem(ctx context.Context, projectID, accountID, groupID int64, md app.Metadata) (*app.Item, error) {
	return db.createItem(ctx, accountID, groupID, md, func(tx *sql.Tx, id int64) error {
		if err := exists(ctx, tx, `SELECT count(*) FROM projects WHERE id = ?`, projectID); err != nil {
			return notFound(err, "project %d not found", projectID)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO project_items (item_id, project_id) VALUES (?, ?)`, id, projectID)
		return err
	})
}

// ProjectItems lists the ids of a project's items, oldest first.
func (db *DB) ProjectItems(ctx context.Context, projectID int64) ([]int64, error) {
	return db.ids(ctx, `SELECT item_id FROM project_items WHERE project_id = ? ORDER BY item_id`, projectID)
}

// RemoveProjectItem takes an item out of a project; the item itself stays
// with its owner. ENOTFOUND if the item is not in the project.
func (db *DB) RemoveProjectItem(ctx context.Context, projectID, itemID int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		return mustAffectNamed(tx.ExecContext(ctx, `DELETE FROM project_items WHERE project_id = ? AND item_id = ?`, projectID, itemID))(
			"article %d is not in project %d", itemID, projectID)
	})
}

// ProjectUsage sums the sizes of the files of a project's items: all of
// them, and those of items that are public.
func (db *DB) ProjectUsage(ctx context.Context, projectID int64) (used, public int64, err error) {
	err = db.read.QueryRowContext(ctx, `SELECT coalesce(sum(f.size), 0), coalesce(sum(CASE WHEN i.status = 'public' THEN f.size END), 0)
		FROM project_items pi JOIN items i ON i.id = pi.item_id JOIN files f ON f.item_id = i.id
		WHERE pi.project_id = ? AND f.in_draft = 1`, projectID).Scan(&used, &public)
	return used, public, translate(err)
}

const noteColumns = `n.id, n.project_id, n.account_id, trim(a.first_name || ' ' || a.last_name), n.text, n.created_at, n.modified_at`

func scanNote(row interface{ Scan(...any) error }) (*app.ProjectNote, error) {
	var n app.ProjectNote
	var created, modified string
	if err := row.Scan(&n.ID, &n.ProjectID, &n.AccountID, &n.UserName, &n.Text, &created, &modified); err != nil {
		return nil, err
	}
	n.Created, n.Modified = parseTime(created), parseTime(modified)
	return &n, nil
}

func checkNote(text string) error {
	if strings.TrimSpace(text) == "" {
		return app.Errorf(app.EUNPROCESSABLE, "text is required")
	}
	if len(text) > app.MaxNoteLen {
		return app.Errorf(app.EUNPROCESSABLE, "text is longer than %d bytes", app.MaxNoteLen)
	}
	return nil
}

// CreateProjectNote adds a note by accountID to a project.
func (db *DB) CreateProjectNote(ctx context.Context, projectID, accountID int64, text string) (*app.ProjectNote, error) {
	if err := checkNote(text); err != nil {
		return nil, err
	}
	var id int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		now := db.stamp()
		res, err := tx.ExecContext(ctx, `INSERT INTO project_notes (project_id, account_id, text, created_at, modified_at) VALUES (?, ?, ?, ?, ?)`,
			projectID, accountID, text, now, now)
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return nil, err
	}
	return db.ProjectNote(ctx, projectID, id)
}

// ProjectNote returns one note of a project. ENOTFOUND if none.
func (db *DB) ProjectNote(ctx context.Context, projectID, id int64) (*app.ProjectNote, error) {
	n, err := scanNote(db.read.QueryRowContext(ctx, `SELECT `+noteColumns+` FROM project_notes n JOIN accounts a ON a.id = n.account_id
		WHERE n.project_id = ? AND n.id = ?`, projectID, id))
	if err != nil {
		return nil, notFound(err, "note %d not found", id)
	}
	return n, nil
}

// ProjectNotes lists a project's notes, oldest first.
func (db *DB) ProjectNotes(ctx context.Context, projectID int64, offset, limit int) ([]app.ProjectNote, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+noteColumns+` FROM project_notes n JOIN accounts a ON a.id = n.account_id
		WHERE n.project_id = ? ORDER BY n.id LIMIT ? OFFSET ?`, projectID, limit, offset)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []app.ProjectNote
	for rows.Next() {
		n, err := scanNote(rows)
		if err != nil {
			return nil, translate(err)
		}
		out = append(out, *n)
	}
	return out, translate(rows.Err())
}

// UpdateProjectNote replaces a note's text.
func (db *DB) UpdateProjectNote(ctx context.Context, projectID, id int64, text string) error {
	if err := checkNote(text); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		return mustAffectNamed(tx.ExecContext(ctx, `UPDATE project_notes SET text = ?, modified_at = ? WHERE project_id = ? AND id = ?`,
			text, db.stamp(), projectID, id))("note %d not found", id)
	})
}

// DeleteProjectNote deletes a note.
func (db *DB) DeleteProjectNote(ctx context.Context, projectID, id int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		return mustAffectNamed(tx.ExecContext(ctx, `DELETE FROM project_notes WHERE project_id = ? AND id = ?`, projectID, id))(
			"note %d not found", id)
	})
}

var projectOrders = map[string]string{"created_date": "p.created_at", "published_date": "p.published_at", "modified_date": "p.modified_at"}

// ListProjects lists projects matching f: published ones, or those the
// member owns or takes part in.
func (db *DB) ListProjects(ctx context.Context, f app.ProjectFilter) ([]app.Project, error) {
	var where []string
	var args []any
	add := func(cond string, arg any) { where = append(where, cond); args = append(args, arg) }
	if f.MemberID == 0 {
		where = append(where, "p.published_at != ''")
	} else {
		where = append(where, "(p.account_id = ? OR p.id IN (SELECT project_id FROM project_members WHERE account_id = ?))")
		args = append(args, f.MemberID, f.MemberID)
	}
	if f.GroupID != 0 {
		add("p.group_id = ?", f.GroupID)
	}
	if !f.PublishedSince.IsZero() {
		add("p.published_at >= ?", formatTime(f.PublishedSince))
	}
	if !f.ModifiedSince.IsZero() {
		add("p.modified_at >= ?", formatTime(f.ModifiedSince))
	}
	likeWords(textMatch("p.meta"), f.Text, &where, &args)
	order := projectOrders[f.Order]
	if order == "" {
		order = "p.created_at"
	}
	dir := " ASC"
	if f.Desc {
		dir = " DESC"
	}
	if f.After != nil {
		where, args = append(where, "(coalesce("+order+", ''), p.id)"+map[bool]string{false: " > ", true: " < "}[f.Desc]+"(?, ?)"), append(args, f.After.Key, f.After.ID)
		f.Offset = 0
	}
	q := `SELECT ` + prefixed("p.", projectColumns) + ` FROM projects p WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY ` + order + dir + `, p.id` + dir + ` LIMIT ? OFFSET ?`
	rows, err := db.read.QueryContext(ctx, q, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []app.Project
	for rows.Next() {
		p, err := scanProject(rows)
		if err != nil {
			return nil, translate(err)
		}
		out = append(out, *p)
	}
	return out, translate(rows.Err())
}
