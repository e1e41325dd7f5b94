package catalog

import (
	"context"
	"database/sql"
	"fmt"

	"carrel/app"
)

const groupColumns = `id, parent_id, name, resource_id, quota, created_at`

func scanGroup(row interface{ Scan(...any) error }) (*app.Group, error) {
	var g app.Group
	var created string
	if err := row.Scan(&g.ID, &g.ParentID, &g.Name, &g.ResourceID, &g.Quota, &created); err != nil {
		return nil, err
	}
	g.Created = parseTime(created)
	return &g, nil
}

// subtreeSQL selects a group and all its descendants; its one argument is
// the group's id.
const subtreeSQL = `WITH RECURSIVE sub(id) AS (SELECT ? UNION SELECT g.id FROM groups g JOIN sub ON g.parent_id = sub.id)
	SELECT id FROM sub`

// CreateGroup stores a new group under g.ParentID (0 for a top-level one)
// and audits it as done by who (ActorID, OnBehalf, Address). EINVALID for a
// bad name or missing parent, ECONFLICT if a sibling has the same name.
func (db *DB) CreateGroup(ctx context.Context, g *app.Group, who app.AuditEntry) error {
	if err := g.Validate(); err != nil {
		return err
	}
	g.Created = db.now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := groupExists(ctx, tx, g.ParentID); err != nil {
			return err
		}
		if err := siblingFree(ctx, tx, g); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO groups (parent_id, name, resource_id, quota, created_at) VALUES (?, ?, ?, ?, ?)`,
			g.ParentID, g.Name, g.ResourceID, g.Quota, formatTime(g.Created))
		if err != nil {
			return err
		}
		if g.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		return auditIn(ctx, tx, db, who, "group.create", fmt.Sprintf("group:%d", g.ID),
			fmt.Sprintf("name=%q parent=%d quota=%d", g.Name, g.ParentID, g.Quota))
	})
}

// UpdateGroup changes a group's name, resource id, quota and parent.
// EINVALID if the new parent is the group itself or one of its descendants.
func (db *DB) UpdateGroup(ctx context.Context, g *app.Group, who app.AuditEntry) error {
	if err := g.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		old, err := scanGroup(tx.QueryRowContext(ctx, `SELECT `+groupColumns+` FROM groups WHERE id = ?`, g.ID))
		if err != nil {
			return notFound(err, "group %d not found", g.ID)
		}
		if err := groupExists(ctx, tx, g.ParentID); err != nil {
			return err
		}
		if g.ParentID != 0 {
			var inside int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM (`+subtreeSQL+`) WHERE id = ?`, g.ID, g.ParentID).Scan(&inside); err != nil {
				return err
			}
			if inside > 0 {
				return app.Errorf(app.EINVALID, "group %d cannot be moved under itself or one of its subgroups", g.ID)
			}
		}
		if err := siblingFree(ctx, tx, g); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE groups SET parent_id = ?, name = ?, resource_id = ?, quota = ? WHERE id = ?`,
			g.ParentID, g.Name, g.ResourceID, g.Quota, g.ID); err != nil {
			return err
		}
		g.Created = old.Created
		return auditIn(ctx, tx, db, who, "group.update", fmt.Sprintf("group:%d", g.ID),
			fmt.Sprintf("name=%q->%q parent=%d->%d quota=%d->%d", old.Name, g.Name, old.ParentID, g.ParentID, old.Quota, g.Quota))
	})
}

func groupExists(ctx context.Context, tx *sql.Tx, id int64) error {
	if id == 0 {
		return nil
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM groups WHERE id = ?`, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return app.Errorf(app.EINVALID, "group %d does not exist", id)
	}
	return nil
}

func siblingFree(ctx context.Context, tx *sql.Tx, g *app.Group) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM groups WHERE parent_id = ? AND name = ? AND id != ?`,
		g.ParentID, g.Name, g.ID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return app.Errorf(app.ECONFLICT, "group %d already has a subgroup named %q", g.ParentID, g.Name)
	}
	return nil
}

// Group returns a group. ENOTFOUND if none.
func (db *DB) Group(ctx context.Context, id int64) (*app.Group, error) {
	g, err := scanGroup(db.read.QueryRowContext(ctx, `SELECT `+groupColumns+` FROM groups WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "group %d not found", id)
	}
	return g, nil
}

// Groups lists every group, parents before their children's siblings, by id.
func (db *DB) Groups(ctx context.Context) ([]app.Group, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+groupColumns+` FROM groups ORDER BY id`)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []app.Group
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return nil, translate(err)
		}
		out = append(out, *g)
	}
	return out, translate(rows.Err())
}

// AssignRole gives an account a role by hand (idempotently) and audits it.
// A role the directory gave is kept from then on. EINVALID
// for an unknown role, group or account.
func (db *DB) AssignRole(ctx context.Context, ra app.RoleAssignment, who app.AuditEntry) error {
	if err := ra.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := groupExists(ctx, tx, ra.GroupID); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM accounts WHERE id = ?`, ra.AccountID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return app.Errorf(app.EINVALID, "account %d does not exist", ra.AccountID)
		}
		// A role the directory gave becomes a role given by hand, which
		// the next directory sign-in will not take away.
		res, err := tx.ExecContext(ctx, `INSERT INTO role_assignments (account_id, role, group_id, created_at, source) VALUES (?, ?, ?, ?, '')
			ON CONFLICT (account_id, role, group_id) DO UPDATE SET source = '' WHERE source != ''`,
			ra.AccountID, ra.Role, ra.GroupID, db.stamp())
		if err != nil {
			return err
		}
		if added, _ := res.RowsAffected(); added == 0 {
			return nil
		}
		return auditIn(ctx, tx, db, who, "role.assign", fmt.Sprintf("account:%d", ra.AccountID), roleDetail(ra))
	})
}

// RevokeRole removes a role assignment and audits it. ENOTFOUND if the
// account does not hold it.
func (db *DB) RevokeRole(ctx context.Context, ra app.RoleAssignment, who app.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM role_assignments WHERE account_id = ? AND role = ? AND group_id = ?`,
			ra.AccountID, ra.Role, ra.GroupID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return app.Errorf(app.ENOTFOUND, "account %d does not hold that role", ra.AccountID)
		}
		return auditIn(ctx, tx, db, who, "role.revoke", fmt.Sprintf("account:%d", ra.AccountID), roleDetail(ra))
	})
}

func roleDetail(ra app.RoleAssignment) string {
	d := fmt.Sprintf("role=%s group=%d", ra.Role, ra.GroupID)
	if ra.GroupID == 0 {
		d = fmt.Sprintf("role=%s institution-wide", ra.Role)
	}
	if ra.Source == app.SourceDirectory {
		d += " from the directory"
	}
	return d
}

// RoleAssignments lists an account's roles, or every assignment when
// accountID is 0.
func (db *DB) RoleAssignments(ctx context.Context, accountID int64) ([]app.RoleAssignment, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT account_id, role, group_id, created_at, source FROM role_assignments
		WHERE ? = 0 OR account_id = ? ORDER BY account_id, group_id, role`, accountID, accountID)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []app.RoleAssignment
	for rows.Next() {
		var ra app.RoleAssignment
		var created string
		if err := rows.Scan(&ra.AccountID, &ra.Role, &ra.GroupID, &created, &ra.Source); err != nil {
			return nil, translate(err)
		}
		ra.Created = parseTime(created)
		out = append(out, ra)
	}
	return out, translate(rows.Err())
}

// Actor loads an account's roles, with the groups each covers, into the
// actor the access policy decides for.
func (db *DB) Actor(ctx context.Context, a *app.Account) (app.Actor, error) {
	ras, err := db.RoleAssignments(ctx, a.ID)
	if err != nil {
		return app.Actor{}, err
	}
	grants := make([]app.RoleGrant, 0, len(ras))
	for _, ra := range ras {
		g := app.RoleGrant{Role: ra.Role, GroupID: ra.GroupID}
		if ra.GroupID != 0 {
			if g.Covers, err = db.Subtree(ctx, ra.GroupID); err != nil {
				return app.Actor{}, err
			}
		}
		grants = append(grants, g)
	}
	return app.NewActor(a, grants), nil
}

// Subtree returns a group's id and the ids of all its descendants.
func (db *DB) Subtree(ctx context.Context, groupID int64) ([]int64, error) {
	return db.ids(ctx, subtreeSQL, groupID)
}

// auditIn records who did action to target inside the transaction making
// the change.
func auditIn(ctx context.Context, tx *sql.Tx, db *DB, who app.AuditEntry, action, target, detail string) error {
	e := who
	e.ID, e.At, e.Action, e.Target, e.Detail = 0, db.now(), action, target, detail
	return insertAudit(ctx, tx, &e)
}

// checkGroupQuotas refuses size more bytes in an item whose group, or any
// group above it, would then hold more than its quota. A group's usage is
// every file of every item in it and its subgroups.
func checkGroupQuotas(ctx context.Context, tx *sql.Tx, itemID, size int64) error {
	rows, err := tx.QueryContext(ctx, `WITH RECURSIVE up(id) AS (
			SELECT group_id FROM items WHERE id = ? AND group_id != 0
			UNION SELECT g.parent_id FROM groups g JOIN up ON g.id = up.id WHERE g.parent_id != 0)
		SELECT g.id, g.name, g.quota FROM groups g JOIN up ON g.id = up.id WHERE g.quota > 0`, itemID)
	if err != nil {
		return err
	}
	type limit struct {
		id    int64
		name  string
		quota int64
	}
	var limits []limit
	for rows.Next() {
		var l limit
		if err := rows.Scan(&l.id, &l.name, &l.quota); err != nil {
			rows.Close()
			return err
		}
		limits = append(limits, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, l := range limits {
		var used int64
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(sum(f.size), 0) FROM files f JOIN items i ON i.id = f.item_id
			WHERE f.status != 'error' AND i.group_id IN (`+subtreeSQL+`)`, l.id).Scan(&used); err != nil {
			return err
		}
		if used+size > l.quota {
			return app.Errorf(app.ETOOLARGE, "this file would exceed the storage quota of group %q (%d of %d bytes used)", l.name, used, l.quota)
		}
	}
	return nil
}
