-- Core catalog: accounts, tokens, vocabularies, items, versions, files.
-- Times are RFC 3339 UTC text. Metadata is JSON (app.Metadata); a published
-- version's JSON is never updated.

CREATE TABLE accounts (
  id            INTEGER PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
  first_name    TEXT NOT NULL DEFAULT '',
  last_name     TEXT NOT NULL DEFAULT '',
  orcid         TEXT NOT NULL DEFAULT '',
  is_admin      INTEGER NOT NULL DEFAULT 0,
  active        INTEGER NOT NULL DEFAULT 1,
  quota         INTEGER NOT NULL DEFAULT 0,
  group_id      INTEGER NOT NULL DEFAULT 0,
  password_hash TEXT NOT NULL DEFAULT '',
  created_at    TEXT NOT NULL
);

CREATE TABLE tokens (
  id           INTEGER PRIMARY KEY,
  account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  name         TEXT NOT NULL DEFAULT '',
  hash         TEXT NOT NULL UNIQUE,
  created_at   TEXT NOT NULL,
  last_used_at TEXT NOT NULL DEFAULT '',
  revoked_at   TEXT NOT NULL DEFAULT ''
);

CREATE TABLE item_types (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  string_id   TEXT NOT NULL UNIQUE,
  icon        TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  selectable  INTEGER NOT NULL DEFAULT 1,
  url_name    TEXT NOT NULL DEFAULT ''
);

CREATE TABLE licenses (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  url  TEXT NOT NULL DEFAULT '',
  spdx TEXT NOT NULL DEFAULT ''
);

CREATE TABLE categories (
  id          INTEGER PRIMARY KEY,
  parent_id   INTEGER NOT NULL DEFAULT 0,
  title       TEXT NOT NULL,
  source_id   TEXT NOT NULL DEFAULT '',
  taxonomy_id INTEGER NOT NULL DEFAULT 1,
  path        TEXT NOT NULL DEFAULT ''
);

-- Authors are people named on items; an item's metadata keeps a copy of
-- each author it names, so renaming an author never rewrites a version.
CREATE TABLE authors (
  id         INTEGER PRIMARY KEY,
  full_name  TEXT NOT NULL,
  first_name TEXT NOT NULL DEFAULT '',
  last_name  TEXT NOT NULL DEFAULT '',
  orcid      TEXT NOT NULL DEFAULT '',
  account_id INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX authors_orcid ON authors(orcid) WHERE orcid != '';

CREATE TABLE items (
  id              INTEGER PRIMARY KEY,
  account_id      INTEGER NOT NULL REFERENCES accounts(id),
  group_id        INTEGER NOT NULL DEFAULT 0,
  status          TEXT NOT NULL DEFAULT 'draft',
  curation_status TEXT NOT NULL DEFAULT 'draft',
  version         INTEGER NOT NULL DEFAULT 0,
  draft_changed   INTEGER NOT NULL DEFAULT 1,
  draft           TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  modified_at     TEXT NOT NULL,
  published_at    TEXT NOT NULL DEFAULT '',
  withdraw_reason TEXT NOT NULL DEFAULT '',
  -- the latest published version, kept here for public listings
  pub_type        INTEGER NOT NULL DEFAULT 0,
  pub_doi         TEXT NOT NULL DEFAULT '',
  pub_handle      TEXT NOT NULL DEFAULT '',
  pub_resource_doi TEXT NOT NULL DEFAULT '',
  pub_at          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX items_account ON items(account_id, id);
CREATE INDEX items_public ON items(status, pub_at, id);
CREATE INDEX items_public_modified ON items(status, modified_at, id);

CREATE TABLE versions (
  item_id      INTEGER NOT NULL REFERENCES items(id),
  version      INTEGER NOT NULL,
  metadata     TEXT NOT NULL,
  published_at TEXT NOT NULL,
  PRIMARY KEY (item_id, version)
) WITHOUT ROWID;

CREATE TABLE files (
  id           INTEGER PRIMARY KEY,
  item_id      INTEGER NOT NULL REFERENCES items(id),
  name         TEXT NOT NULL,
  folder       TEXT NOT NULL DEFAULT '',
  size         INTEGER NOT NULL,
  supplied_md5 TEXT NOT NULL DEFAULT '',
  computed_md5 TEXT NOT NULL DEFAULT '',
  sha256       TEXT NOT NULL DEFAULT '',
  mime         TEXT NOT NULL DEFAULT '',
  status       TEXT NOT NULL DEFAULT 'created',
  storage_key  TEXT NOT NULL UNIQUE,
  upload_token TEXT NOT NULL UNIQUE,
  upload_id    TEXT NOT NULL DEFAULT '',
  part_size    INTEGER NOT NULL DEFAULT 0,
  error        TEXT NOT NULL DEFAULT '',
  in_draft     INTEGER NOT NULL DEFAULT 1,
  created_at   TEXT NOT NULL
);
CREATE INDEX files_item ON files(item_id, in_draft);

CREATE TABLE version_files (
  item_id  INTEGER NOT NULL,
  version  INTEGER NOT NULL,
  file_id  INTEGER NOT NULL REFERENCES files(id),
  position INTEGER NOT NULL,
  PRIMARY KEY (item_id, version, file_id),
  FOREIGN KEY (item_id, version) REFERENCES versions(item_id, version)
) WITHOUT ROWID;
CREATE INDEX version_files_file ON version_files(file_id);

CREATE TABLE upload_parts (
  file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
  part_no INTEGER NOT NULL,
  PRIMARY KEY (file_id, part_no)
) WITHOUT ROWID;

-- Every change to an item appends here in the same transaction; the search
-- index records the last seq it applied and catches up from it at start.
CREATE TABLE changes (
  seq     INTEGER PRIMARY KEY AUTOINCREMENT,
  item_id INTEGER NOT NULL,
  at      TEXT NOT NULL
);
