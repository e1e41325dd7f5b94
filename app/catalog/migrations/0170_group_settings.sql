-- Per-group settings that subgroups inherit unless they set their own:
-- the item types depositors may create and the embargo choices offered.
-- A NULL column means "as the group above".
CREATE TABLE group_settings (
  group_id                INTEGER PRIMARY KEY REFERENCES groups(id) ON DELETE CASCADE,
  item_types              TEXT,              -- JSON list of item type ids
  embargo_periods         TEXT,              -- JSON list of months, 0 = permanent
  embargo_reason_required INTEGER NOT NULL DEFAULT 0
);

-- Custom metadata fields a group adds to its items' records. A group with
-- fields of its own uses them; one without uses its nearest ancestor's.
-- Values live in each item's draft and versions under the field's name.
CREATE TABLE custom_fields (
  id         INTEGER PRIMARY KEY,
  group_id   INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  name       TEXT NOT NULL,
  field_type TEXT NOT NULL,
  options    TEXT NOT NULL DEFAULT '[]',
  position   INTEGER NOT NULL,
  mandatory  INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  UNIQUE (group_id, name)
);
CREATE INDEX custom_fields_group ON custom_fields(group_id, position);
