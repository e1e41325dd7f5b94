package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"carrel/app"
)

const fieldColumns = `id, group_id, name, field_type, options, position, mandatory`

func scanField(row interface{ Scan(...any) error }) (*app.CustomField, error) {
	var f app.CustomField
	var options string
	if err := row.Scan(&f.ID, &f.GroupID, &f.Name, &f.Type, &options, &f.Order, &f.Mandatory); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(options), &f.Options); err != nil {
		return nil, app.Internal(err, "decode custom field options")
	}
	return &f, nil
}

// customFields lists the fields defined on one group (not inherited ones)
// in their order.
func customFields(ctx context.Context, q querier, groupID int64) ([]app.CustomField, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+fieldColumns+` FROM custom_fields WHERE group_id = ? ORDER BY position, id`, groupID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.CustomField
	for rows.Next() {
		f, err := scanField(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *f)
	}
	return out, rows.Err()
}

// CustomFields lists the fields a group defines itself, in their order.
func (db *DB) CustomFields(ctx context.Context, groupID int64) ([]app.CustomField, error) {
	out, err := customFields(ctx, db.read, groupID)
	return out, translate(err)
}

// CustomField returns one custom field. ENOTFOUND if none.
func (db *DB) CustomField(ctx context.Context, id int64) (*app.CustomField, error) {
	f, err := scanField(db.read.QueryRowContext(ctx, `SELECT `+fieldColumns+` FROM custom_fields WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "custom field %d not found", id)
	}
	return f, nil
}

// CreateCustomField adds a field at the end of its group's list and
// audits it. EUNPROCESSABLE for a bad definition, ECONFLICT for a name the
// group already uses, ENOTFOUND for a missing group.
func (db *DB) CreateCustomField(ctx context.Context, f *app.CustomField, who app.AuditEntry) error {
	if err := f.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := groupFound(ctx, tx, f.GroupID); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM custom_fields WHERE group_id = ?`, f.GroupID).Scan(&n); err != nil {
			return err
		}
		if n >= app.MaxFieldsPerGroup {
			return app.Errorf(app.EUNPROCESSABLE, "a group has at most %d custom fields", app.MaxFieldsPerGroup)
		}
		if err := fieldNameFree(ctx, tx, f); err != nil {
			return err
		}
		f.Order = n + 1
		opts, _ := json.Marshal(nonNil(f.Options))
		res, err := tx.ExecContext(ctx, `INSERT INTO custom_fields (group_id, name, field_type, options, position, mandatory, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, f.GroupID, f.Name, f.Type, string(opts), f.Order, f.Mandatory, db.stamp())
		if err != nil {
			return err
		}
		if f.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		return auditIn(ctx, tx, db, who, "group.field.create", fmt.Sprintf("group:%d", f.GroupID), fieldDetail(f))
	})
}

// UpdateCustomField changes a field's name, type, options and mandatory
// flag (not its group or order) and audits it. Values items already hold
// stay as they are: a renamed field no longer shows them.
func (db *DB) UpdateCustomField(ctx context.Context, f *app.CustomField, who app.AuditEntry) error {
	if err := f.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		old, err := scanField(tx.QueryRowContext(ctx, `SELECT `+fieldColumns+` FROM custom_fields WHERE id = ?`, f.ID))
		if err != nil {
			return notFound(err, "custom field %d not found", f.ID)
		}
		f.GroupID, f.Order = old.GroupID, old.Order
		if err := fieldNameFree(ctx, tx, f); err != nil {
			return err
		}
		opts, _ := json.Marshal(nonNil(f.Options))
		if _, err := tx.ExecContext(ctx, `UPDATE custom_fields SET name = ?, field_type = ?, options = ?, mandatory = ? WHERE id = ?`,
			f.Name, f.Type, string(opts), f.Mandatory, f.ID); err != nil {
			return err
		}
		return auditIn(ctx, tx, db, who, "group.field.update", fmt.Sprintf("group:%d", f.GroupID),
			fmt.Sprintf("field %d: %s -> %s", f.ID, fieldDetail(old), fieldDetail(f)))
	})
}

// SetCustomFieldOptions replaces a dropdown field's options and audits
// it. ECONFLICT if the field is not a dropdown, EUNPROCESSABLE for an
// empty or oversized list.
func (db *DB) SetCustomFieldOptions(ctx context.Context, id int64, options []string, who app.AuditEntry) error {
	opts, err := app.CleanOptions(options)
	if err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		f, err := scanField(tx.QueryRowContext(ctx, `SELECT `+fieldColumns+` FROM custom_fields WHERE id = ?`, id))
		if err != nil {
			return notFound(err, "custom field %d not found", id)
		}
		if f.Type != app.FieldDropdown {
			return app.Errorf(app.ECONFLICT, "custom field %d is a %s field; only a dropdown has options", id, f.Type)
		}
		b, _ := json.Marshal(opts)
		if _, err := tx.ExecContext(ctx, `UPDATE custom_fields SET options = ? WHERE id = ?`, string(b), id); err != nil {
			return err
		}
		return auditIn(ctx, tx, db, who, "group.field.options", fmt.Sprintf("group:%d", f.GroupID),
			fmt.Sprintf("field %d %q: %d options", id, f.Name, len(opts)))
	})
}

// MoveCustomField moves a field one place up (delta -1) or down (+1) in
// its group's order and audits it; at either end it stays where it is.
func (db *DB) MoveCustomField(ctx context.Context, id int64, delta int, who app.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		f, err := scanField(tx.QueryRowContext(ctx, `SELECT `+fieldColumns+` FROM custom_fields WHERE id = ?`, id))
		if err != nil {
			return notFound(err, "custom field %d not found", id)
		}
		list, err := customFields(ctx, tx, f.GroupID)
		if err != nil {
			return err
		}
		at := 0
		for i := range list {
			if list[i].ID == id {
				at = i
			}
		}
		to := at + delta
		if to < 0 || to >= len(list) || delta == 0 {
			return nil
		}
		list[at], list[to] = list[to], list[at]
		if err := renumber(ctx, tx, list); err != nil {
			return err
		}
		return auditIn(ctx, tx, db, who, "group.field.move", fmt.Sprintf("group:%d", f.GroupID),
			fmt.Sprintf("field %d %q to position %d", id, f.Name, to+1))
	})
}

// DeleteCustomField removes a field from its group and audits it. Values
// items hold for it stay in their records.
func (db *DB) DeleteCustomField(ctx context.Context, id int64, who app.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		f, err := scanField(tx.QueryRowContext(ctx, `SELECT `+fieldColumns+` FROM custom_fields WHERE id = ?`, id))
		if err != nil {
			return notFound(err, "custom field %d not found", id)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM custom_fields WHERE id = ?`, id); err != nil {
			return err
		}
		list, err := customFields(ctx, tx, f.GroupID)
		if err != nil {
			return err
		}
		if err := renumber(ctx, tx, list); err != nil {
			return err
		}
		return auditIn(ctx, tx, db, who, "group.field.delete", fmt.Sprintf("group:%d", f.GroupID), fieldDetail(f))
	})
}

// renumber stores the list's order as positions 1, 2, ...
func renumber(ctx context.Context, tx *sql.Tx, list []app.CustomField) error {
	for i, f := range list {
		if _, err := tx.ExecContext(ctx, `UPDATE custom_fields SET position = ? WHERE id = ?`, i+1, f.ID); err != nil {
			return err
		}
	}
	return nil
}

func fieldNameFree(ctx context.Context, tx *sql.Tx, f *app.CustomField) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM custom_fields WHERE group_id = ? AND name = ? AND id != ?`,
		f.GroupID, f.Name, f.ID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return app.Errorf(app.ECONFLICT, "group %d already has a custom field named %q", f.GroupID, f.Name)
	}
	return nil
}

func fieldDetail(f *app.CustomField) string {
	d := fmt.Sprintf("field %q type=%s mandatory=%t", f.Name, f.Type, f.Mandatory)
	switch n := len(f.Options); {
	case n > 10:
		d += fmt.Sprintf(" options=%d", n)
	case n > 0:
		d += " options=" + strings.Join(f.Options, "|")
	}
	return d
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
