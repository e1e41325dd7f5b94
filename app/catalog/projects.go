package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"carrel/app"
)

const projectColumns = `id, account_id, group_id, meta, created_at, modified_at, published_at`

func scanProject(row interface{ Scan(...any) error }) (*app.Project, error) {
	var p app.Project
	var meta, created, modified, published string
	if err := row.Scan(&p.ID, &p.AccountID, &p.GroupID, &meta, &created, &modified, &published); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(meta), &p.Meta); err != nil {
		return nil, app.Internal(err, "decode project")
	}
	p.Created, p.Modified, p.Published = parseTime(created), parseTime(modified), parseTime(published)
	return &p, nil
}

// CreateProject stores a new project owned by accountID.
func (db *DB) CreateProject(ctx context.Context, accountID, groupID int64, md app.ProjectMetadata) (*app.Project, error) {
	if err := md.Validate(); err != nil {
		return nil, err
	}
	body, err := json.Marshal(md)
	if err != nil {
		return nil, app.Internal(err, "encode project")
	}
	now := db.stamp()
	var id int64
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if err := groupExists(ctx, tx, groupID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO projects (account_id, group_id, meta, created_at, modified_at) VALUES (?, ?, ?, ?, ?)`,
			accountID, groupID, string(body), now, now)
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return nil, err
	}
	return db.Project(ctx, id)
}

// Project returns a project with its members. ENOTFOUND if none.
func (db *DB) Project(ctx context.Context, id int64) (*app.Project, error) {
	p, err := scanProject(db.read.QueryRowContext(ctx, `SELECT `+projectColumns+` FROM projects WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "project %d not found", id)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT m.account_id, trim(a.first_name || ' ' || a.last_name), m.role, m.created_at
		FROM project_members m JOIN accounts a ON a.id = m.account_id WHERE m.project_id = ? ORDER BY m.created_at, m.account_id`, id)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		var m app.ProjectMember
		var at string
		if err := rows.Scan(&m.AccountID, &m.Name, &m.Role, &at); err != nil {
			return nil, translate(err)
		}
		m.Joined = parseTime(at)
		p.Members = append(p.Members, m)
	}
	return p, translate(rows.Err())
}

// UpdateProject replaces a project's metadata.
func (db *DB) UpdateProject(ctx context.Context, id int64, md app.ProjectMetadata) error {
	if err := md.Validate(); err != nil {
		return err
	}
	body, err := json.Marshal(md)
	if err != nil {
		return app.Internal(err, "encode project")
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		return mustAffectNamed(tx.ExecContext(ctx, `UPDATE projects SET meta = ?, modified_at = ? WHERE id = ?`, string(body), db.stamp(), id))(
			"project %d not found", id)
	})
}

// DeleteProject deletes an unpublished project with its notes and
// memberships; its items stay with the accounts that deposited them.
// ECONFLICT once it is published.
func (db *DB) DeleteProject(ctx context.Context, id int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var published string
		if err := tx.QueryRowContext(ctx, `SELECT published_at FROM projects WHERE id = ?`, id).Scan(&published); err != nil {
			return notFound(err, "project %d not found", id)
		}
		if published != "" {
			return app.Errorf(app.ECONFLICT, "project %d has been published and cannot be deleted", id)
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM projects WHERE id = ?`, id)
		return err
	})
}

// PublishProject makes a project public. EUNPROCESSABLE names the items
// in it that are not public yet; publishing again changes nothing.
func (db *DB) PublishProject(ctx context.Context, id int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var published string
		if err := tx.QueryRowContext(ctx, `SELECT published_at FROM projects WHERE id = ?`, id).Scan(&published); err != nil {
			return notFound(err, "project %d not found", id)
		}
		if published != "" {
			return nil
		}
		rows, err := tx.QueryContext(ctx, `SELECT i.id FROM project_items pi JOIN items i ON i.id = pi.item_id
			WHERE pi.project_id = ? AND i.status != 'public' ORDER BY i.id`, id)
		if err != nil {
			return err
		}
		var pending []string
		for rows.Next() {
			var iid int64
			if err := rows.Scan(&iid); err != nil {
				rows.Close()
				return err
			}
			pending = append(pending, fmt.Sprint(iid))
		}
		rows.Close()
		if len(pending) > 0 {
			return app.Errorf(app.EUNPROCESSABLE, "cannot publish: every item in the project must be public first; not yet: %s", strings.Join(pending, ", "))
		}
		now := db.stamp()
		_, err = tx.ExecContext(ctx, `UPDATE projects SET published_at = ?, modified_at = ? WHERE id = ?`, now, now, id)
		return err
	})
}

// SetProjectMember adds an account to a project with a role, or changes
// its role. ECONFLICT for the owner.
func (db *DB) SetProjectMember(ctx context.Context, projectID, accountID int64, role string) error {
	if role != app.ProjectCollaborator && role != app.ProjectViewer {
		return app.Errorf(app.EUNPROCESSABLE, "role_name must be viewer or collaborator")
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var owner int64
		if err := tx.QueryRowContext(ctx, `SELECT account_id FROM projects WHERE id = ?`, projectID).Scan(&owner); err != nil {
			return notFound(err, "project %d not found", projectID)
		}
		if owner == accountID {
			return app.Errorf(app.EUNPROCESSABLE, "the owner already takes part in the project")
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO project_members (project_id, account_id, role, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (project_id, account_id) DO UPDATE SET role = excluded.role`, projectID, accountID, role, db.stamp())
		return err
	})
}

// RemoveProjectMember takes an account out of a project. ENOTFOUND if it
// is not a member.
func (db *DB) RemoveProjectMember(ctx context.Context, projectID, accountID int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		return mustAffectNamed(tx.ExecContext(ctx, `DELETE FROM project_members WHERE project_id = ? AND account_id = ?`, projectID, accountID))(
			"account %d is not a collaborator of project %d", accountID, projectID)
	})
}
