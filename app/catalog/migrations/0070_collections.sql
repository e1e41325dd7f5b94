-- Collections: curated sets of items, versioned like items. The draft's
-- metadata is JSON (app.CollectionMetadata) and its members are rows of
-- collection_items; each publish freezes both into a collection_versions
-- row and its collection_version_items, which are never updated.

CREATE TABLE collections (
  id            INTEGER PRIMARY KEY,
  account_id    INTEGER NOT NULL REFERENCES accounts(id),
  group_id      INTEGER NOT NULL DEFAULT 0,
  status        TEXT NOT NULL DEFAULT 'draft',
  version       INTEGER NOT NULL DEFAULT 0,
  draft_changed INTEGER NOT NULL DEFAULT 1,
  draft         TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  modified_at   TEXT NOT NULL,
  published_at  TEXT NOT NULL DEFAULT '',
  -- the latest published version, kept here for public listings
  pub_doi          TEXT NOT NULL DEFAULT '',
  pub_handle       TEXT NOT NULL DEFAULT '',
  pub_resource_doi TEXT NOT NULL DEFAULT '',
  pub_at           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX collections_account ON collections(account_id, id);
CREATE INDEX collections_public ON collections(status, pub_at, id);

CREATE TABLE collection_items (
  collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
  item_id       INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
  position      INTEGER NOT NULL,
  PRIMARY KEY (collection_id, item_id)
) WITHOUT ROWID;
CREATE INDEX collection_items_item ON collection_items(item_id);

CREATE TABLE collection_versions (
  collection_id INTEGER NOT NULL REFERENCES collections(id),
  version       INTEGER NOT NULL,
  metadata      TEXT NOT NULL,
  published_at  TEXT NOT NULL,
  PRIMARY KEY (collection_id, version)
) WITHOUT ROWID;

CREATE TABLE collection_version_items (
  collection_id INTEGER NOT NULL,
  version       INTEGER NOT NULL,
  item_id       INTEGER NOT NULL,
  position      INTEGER NOT NULL,
  PRIMARY KEY (collection_id, version, item_id),
  FOREIGN KEY (collection_id, version) REFERENCES collection_versions(collection_id, version)
) WITHOUT ROWID;
CREATE INDEX collection_version_items_item ON collection_version_items(item_id);
