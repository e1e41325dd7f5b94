package catalog

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"carrel/app"
)

// syncDirectoryRoles makes the roles and the administrator flag the
// directory gave account id match x: grants x confers are added (marked as
// from the directory), directory grants it no longer confers are removed,
// and every change is audited. Roles and a flag given by hand are never
// touched; a directory grant of a role already given by hand stays a hand
// grant. Groups named in x.Grants that do not exist are listed in
// x.UnknownGroups.
func (db *DB) syncDirectoryRoles(ctx context.Context, tx *sql.Tx, id int64, x *app.ExternalAccount) error {
	who := app.AuditEntry{Detail: "directory sign-in"}
	target := accountTarget(id)
	adminRA := app.RoleAssignment{AccountID: id, Role: app.RoleAdministrator, Source: app.SourceDirectory}
	if x.Admin {
		res, err := tx.ExecContext(ctx, `UPDATE accounts SET is_admin = 1, admin_source = 'directory' WHERE id = ? AND is_admin = 0`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			if err := auditIn(ctx, tx, db, who, "role.assign", target, roleDetail(adminRA)); err != nil {
				return err
			}
		}
	} else {
		res, err := tx.ExecContext(ctx, `UPDATE accounts SET is_admin = 0, admin_source = '' WHERE id = ? AND is_admin = 1 AND admin_source = 'directory'`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			if err := auditIn(ctx, tx, db, who, "role.revoke", target, roleDetail(adminRA)); err != nil {
				return err
			}
		}
	}

	type grant struct {
		role  app.Role
		group int64
	}
	var want []grant
	x.UnknownGroups = nil
	for _, g := range x.Grants {
		var gid int64
		if g.Group != "" {
			err := tx.QueryRowContext(ctx, `SELECT id FROM groups WHERE name = ? COLLATE NOCASE ORDER BY id LIMIT 1`, g.Group).Scan(&gid)
			if err == sql.ErrNoRows {
				if !slices.Contains(x.UnknownGroups, g.Group) {
					x.UnknownGroups = append(x.UnknownGroups, g.Group)
				}
				continue
			}
			if err != nil {
				return err
			}
		}
		ra := app.RoleAssignment{AccountID: id, Role: g.Role, GroupID: gid}
		if err := ra.Validate(); err != nil {
			return err
		}
		if gr := (grant{g.Role, gid}); !slices.Contains(want, gr) {
			want = append(want, gr)
		}
	}

	rows, err := tx.QueryContext(ctx, `SELECT role, group_id FROM role_assignments WHERE account_id = ? AND source = 'directory'`, id)
	if err != nil {
		return err
	}
	var held []grant
	for rows.Next() {
		var g grant
		if err := rows.Scan(&g.role, &g.group); err != nil {
			rows.Close()
			return err
		}
		held = append(held, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, g := range held {
		if slices.Contains(want, g) {
			continue
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM role_assignments WHERE account_id = ? AND role = ? AND group_id = ? AND source = 'directory'`,
			id, g.role, g.group); err != nil {
			return err
		}
		ra := app.RoleAssignment{AccountID: id, Role: g.role, GroupID: g.group, Source: app.SourceDirectory}
		if err := auditIn(ctx, tx, db, who, "role.revoke", target, roleDetail(ra)); err != nil {
			return err
		}
	}
	for _, g := range want {
		res, err := tx.ExecContext(ctx, `INSERT INTO role_assignments (account_id, role, group_id, created_at, source)
			VALUES (?, ?, ?, ?, 'directory') ON CONFLICT (account_id, role, group_id) DO NOTHING`, id, g.role, g.group, db.stamp())
		if err != nil {
			return fmt.Errorf("directory role %s: %w", g.role, err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			ra := app.RoleAssignment{AccountID: id, Role: g.role, GroupID: g.group, Source: app.SourceDirectory}
			if err := auditIn(ctx, tx, db, who, "role.assign", target, roleDetail(ra)); err != nil {
				return err
			}
		}
	}
	return nil
}
