package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"carrel/app"
)

// querier is what both a connection pool and a transaction offer, so that
// a group's policy reads the same inside a change and outside one.
type querier interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	QueryRowContext(context.Context, string, ...any) *sql.Row
}

// GroupPolicy returns what a group asks of its items, each setting the
// group's own or inherited from the nearest group above that has one.
// Group 0 (no group) has the empty policy: every type, no fields, any
// embargo. ENOTFOUND for a group that does not exist.
func (db *DB) GroupPolicy(ctx context.Context, groupID int64) (*app.GroupPolicy, error) {
	p, err := groupPolicy(ctx, db.read, groupID)
	return p, translate(err)
}

func groupPolicy(ctx context.Context, q querier, groupID int64) (*app.GroupPolicy, error) {
	p := &app.GroupPolicy{GroupID: groupID}
	if groupID == 0 {
		return p, nil
	}
	// The group, then its parent, and so on up to the top.
	rows, err := q.QueryContext(ctx, `WITH RECURSIVE up(id, depth) AS (
			SELECT id, 0 FROM groups WHERE id = ?
			UNION ALL SELECT g.parent_id, up.depth + 1 FROM groups g JOIN up ON g.id = up.id WHERE g.parent_id != 0)
		SELECT up.id, s.item_types, s.embargo_periods, coalesce(s.embargo_reason_required, 0),
			(SELECT count(*) FROM custom_fields f WHERE f.group_id = up.id)
		FROM up LEFT JOIN group_settings s ON s.group_id = up.id ORDER BY up.depth`, groupID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	found := false
	for rows.Next() {
		found = true
		var id int64
		var types, periods sql.NullString
		var reason bool
		var fields int
		if err := rows.Scan(&id, &types, &periods, &reason, &fields); err != nil {
			return nil, err
		}
		if types.Valid && p.TypesFrom == 0 {
			p.TypesFrom = id
			if err := json.Unmarshal([]byte(types.String), &p.ItemTypes); err != nil {
				return nil, app.Internal(err, "decode group item types")
			}
		}
		if periods.Valid && p.EmbargoFrom == 0 {
			p.EmbargoFrom = id
			p.Embargo.ReasonRequired = reason
			if err := json.Unmarshal([]byte(periods.String), &p.Embargo.Periods); err != nil {
				return nil, app.Internal(err, "decode group embargo periods")
			}
		}
		if fields > 0 && p.FieldsFrom == 0 {
			p.FieldsFrom = id
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if !found {
		return nil, app.Errorf(app.ENOTFOUND, "group %d not found", groupID)
	}
	if p.FieldsFrom != 0 {
		if p.Fields, err = customFields(ctx, q, p.FieldsFrom); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// SetGroupItemTypes restricts the item types depositors of a group (and
// of its subgroups that set none) may create; nil returns the group to
// inheriting. EUNPROCESSABLE for an empty list or an unknown type,
// ENOTFOUND for a missing group.
func (db *DB) SetGroupItemTypes(ctx context.Context, groupID int64, types []int, who app.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := groupFound(ctx, tx, groupID); err != nil {
			return err
		}
		var value any
		detail := "inherit"
		if types != nil {
			if len(types) == 0 {
				return app.Errorf(app.EUNPROCESSABLE, "allow at least one item type, or inherit the types of the group above")
			}
			var names []string
			for _, t := range types {
				var name string
				err := tx.QueryRowContext(ctx, `SELECT name FROM item_types WHERE id = ?`, t).Scan(&name)
				if err == sql.ErrNoRows {
					return app.Errorf(app.EUNPROCESSABLE, "item type %d does not exist; see GET /v2/item_types", t)
				} else if err != nil {
					return err
				}
				names = append(names, name)
			}
			b, _ := json.Marshal(types)
			value, detail = string(b), strings.Join(names, ", ")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO group_settings (group_id, item_types) VALUES (?, ?)
			ON CONFLICT (group_id) DO UPDATE SET item_types = excluded.item_types`, groupID, value); err != nil {
			return err
		}
		return auditIn(ctx, tx, db, who, "group.item_types", fmt.Sprintf("group:%d", groupID), "item types: "+detail)
	})
}

// SetGroupEmbargoPolicy sets the embargo choices a group offers; nil
// returns the group to inheriting. EUNPROCESSABLE for bad periods.
func (db *DB) SetGroupEmbargoPolicy(ctx context.Context, groupID int64, e *app.EmbargoPolicy, who app.AuditEntry) error {
	var periods any
	var reason bool
	detail := "inherit"
	if e != nil {
		if err := e.Validate(); err != nil {
			return err
		}
		b, _ := json.Marshal(e.Periods)
		periods, reason = string(b), e.ReasonRequired
		choices := e.Choices()
		if e.Periods == nil {
			choices = "any date, or permanent"
		}
		detail = fmt.Sprintf("periods: %s; reason required: %t", choices, e.ReasonRequired)
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := groupFound(ctx, tx, groupID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO group_settings (group_id, embargo_periods, embargo_reason_required) VALUES (?, ?, ?)
			ON CONFLICT (group_id) DO UPDATE SET embargo_periods = excluded.embargo_periods,
				embargo_reason_required = excluded.embargo_reason_required`, groupID, periods, reason); err != nil {
			return err
		}
		return auditIn(ctx, tx, db, who, "group.embargo_options", fmt.Sprintf("group:%d", groupID), detail)
	})
}

// groupFound is ENOTFOUND for a group that does not exist (and for 0).
func groupFound(ctx context.Context, tx *sql.Tx, id int64) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM groups WHERE id = ?`, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return app.Errorf(app.ENOTFOUND, "group %d not found", id)
	}
	return nil
}

// checkGroupRules holds new or changed metadata to the rules of the
// item's group: an item type it allows (checked when the type changes, so
// that a later restriction does not lock existing items) and values for
// its custom fields that suit them. prev is nil for a new item.
func checkGroupRules(ctx context.Context, tx *sql.Tx, groupID int64, prev, md *app.Metadata) error {
	p, err := groupPolicy(ctx, tx, groupID)
	if err != nil {
		return err
	}
	if md.ItemType != 0 && (prev == nil || prev.ItemType != md.ItemType) && !p.AllowsType(md.ItemType) {
		var name string
		tx.QueryRowContext(ctx, `SELECT name FROM item_types WHERE id = ?`, md.ItemType).Scan(&name)
		return app.Errorf(app.EUNPROCESSABLE, "item type %q (%d) is not allowed in group %d; its depositors may create: %s",
			name, md.ItemType, groupID, allowedTypeNames(ctx, tx, p.ItemTypes))
	}
	var before map[string]string
	if prev != nil {
		before = prev.CustomFields
	}
	if md.CustomFields != nil {
		if _, err := p.CheckFields(before, md.CustomFields); err != nil {
			return err
		}
	}
	return nil
}

func allowedTypeNames(ctx context.Context, tx *sql.Tx, ids []int) string {
	var names []string
	for _, id := range ids {
		var name string
		if tx.QueryRowContext(ctx, `SELECT name FROM item_types WHERE id = ?`, id).Scan(&name) == nil {
			names = append(names, name)
		}
	}
	return strings.Join(names, ", ")
}

// checkMandatoryFields refuses to publish or submit a draft that lacks a
// value for a mandatory custom field of its group.
func checkMandatoryFields(ctx context.Context, tx *sql.Tx, it *app.Item) error {
	p, err := groupPolicy(ctx, tx, it.GroupID)
	if err != nil {
		return err
	}
	if missing := p.MissingFields(it.Draft.CustomFields); len(missing) > 0 {
		return app.Errorf(app.EUNPROCESSABLE, "cannot publish: missing %s", strings.Join(missing, ", "))
	}
	return nil
}
