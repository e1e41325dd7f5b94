-- Storage migration (`carrel storage migrate --to NAME`). storage_state
-- records which configured store holds the blobs once a migration has
-- switched over (no row: the [storage] section, "default"), so a restart
-- keeps using it. storage_copies is the migration's ledger: every blob
-- copied to a target with the SHA-256 of the source's bytes, so an
-- interrupted migration resumes where it stopped.
CREATE TABLE storage_state (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  active      TEXT NOT NULL,
  switched_at TEXT NOT NULL
);

CREATE TABLE storage_copies (
  target    TEXT NOT NULL,
  key       TEXT NOT NULL,
  size      INTEGER NOT NULL,
  sha256    TEXT NOT NULL,
  copied_at TEXT NOT NULL,
  PRIMARY KEY (target, key)
) WITHOUT ROWID;
