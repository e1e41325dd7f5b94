-- What the preservation export has written: one row per bag, so that each
-- run exports only what is new. kind 'version' is a published version's
-- bag; 'withdrawal' the note bag recording the item's withdrawal.
CREATE TABLE preservation_exports (
  item_id     INTEGER NOT NULL,
  version     INTEGER NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('version', 'withdrawal')),
  bag         TEXT NOT NULL,
  exported_at TEXT NOT NULL,
  PRIMARY KEY (item_id, version, kind)
);

-- The fixity audit's last verdict on each stored file.
CREATE TABLE file_fixity (
  file_id    INTEGER PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,
  checked_at TEXT NOT NULL,
  ok         INTEGER NOT NULL,
  detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX file_fixity_checked ON file_fixity(checked_at);
