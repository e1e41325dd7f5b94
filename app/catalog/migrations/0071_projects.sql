-- Projects: collaborative spaces with members, notes and items. A project
-- is not versioned; it becomes public once, when its owner publishes it.

CREATE TABLE projects (
  id           INTEGER PRIMARY KEY,
  account_id   INTEGER NOT NULL REFERENCES accounts(id),
  group_id     INTEGER NOT NULL DEFAULT 0,
  meta         TEXT NOT NULL, -- app.ProjectMetadata as JSON
  created_at   TEXT NOT NULL,
  modified_at  TEXT NOT NULL,
  published_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX projects_account ON projects(account_id, id);
CREATE INDEX projects_public ON projects(published_at, id);

-- The owner is projects.account_id; everyone else taking part is here.
CREATE TABLE project_members (
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  role       TEXT NOT NULL CHECK (role IN ('collaborator', 'viewer')),
  created_at TEXT NOT NULL,
  PRIMARY KEY (project_id, account_id)
) WITHOUT ROWID;
CREATE INDEX project_members_account ON project_members(account_id);

CREATE TABLE project_notes (
  id          INTEGER PRIMARY KEY,
  project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  account_id  INTEGER NOT NULL REFERENCES accounts(id),
  text        TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  modified_at TEXT NOT NULL
);
CREATE INDEX project_notes_project ON project_notes(project_id, id);

-- An item belongs to at most one project.
CREATE TABLE project_items (
  item_id    INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE
);
CREATE INDEX project_items_project ON project_items(project_id, item_id);
