-- Groups (the institution, its faculties and departments) and role
-- assignments. parent_id 0 marks a top-level group; group_id 0 on an
-- assignment means institution-wide.
CREATE TABLE groups (
  id          INTEGER PRIMARY KEY,
  parent_id   INTEGER NOT NULL DEFAULT 0,
  name        TEXT NOT NULL,
  resource_id TEXT NOT NULL DEFAULT '',
  quota       INTEGER NOT NULL DEFAULT 0,
  created_at  TEXT NOT NULL,
  UNIQUE (parent_id, name)
);

CREATE TABLE role_assignments (
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  role       TEXT NOT NULL,
  group_id   INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  PRIMARY KEY (account_id, role, group_id)
) WITHOUT ROWID;
CREATE INDEX role_assignments_group ON role_assignments(group_id);
CREATE INDEX items_group ON items(group_id);
