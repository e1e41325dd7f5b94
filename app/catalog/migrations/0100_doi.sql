-- Persistent identifiers Carrel reserved for items, and the outbox of DOI
-- registrations waiting to reach the DOI agency (DataCite). Publishing
-- writes outbox rows in its own transaction; a worker sends them and
-- retries with back-off, so an outage at the agency never blocks publishing.
CREATE TABLE identifiers (
  item_id     INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
  kind        TEXT NOT NULL,           -- 'doi' or 'handle'
  value       TEXT NOT NULL UNIQUE COLLATE NOCASE,
  reserved_at TEXT NOT NULL,
  PRIMARY KEY (item_id, kind)
);

CREATE TABLE doi_outbox (
  id         INTEGER PRIMARY KEY,
  doi        TEXT NOT NULL COLLATE NOCASE,
  item_id    INTEGER NOT NULL,
  version    INTEGER NOT NULL DEFAULT 0,
  concept    INTEGER NOT NULL DEFAULT 0,
  event      TEXT NOT NULL,            -- 'draft', 'publish' or 'hide'
  created_at TEXT NOT NULL,
  attempts   INTEGER NOT NULL DEFAULT 0,
  next_at    TEXT NOT NULL,
  sent_at    TEXT NOT NULL DEFAULT '',
  last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX doi_outbox_pending ON doi_outbox(next_at) WHERE sent_at = '';

-- DOIs the agency is known to hold, so that later sends update instead of
-- create.
CREATE TABLE doi_registered (
  doi   TEXT PRIMARY KEY COLLATE NOCASE,
  state TEXT NOT NULL,
  at    TEXT NOT NULL
);
