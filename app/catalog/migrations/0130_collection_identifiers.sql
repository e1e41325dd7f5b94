-- Persistent identifiers Carrel reserved for collections (reserve_doi and
-- reserve_handle), beside the items' own table. A value is unique across
-- collections; an item's identifier is a different name (CollectionDOI).
CREATE TABLE collection_identifiers (
  collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
  kind          TEXT NOT NULL,           -- 'doi' or 'handle'
  value         TEXT NOT NULL UNIQUE COLLATE NOCASE,
  reserved_at   TEXT NOT NULL,
  PRIMARY KEY (collection_id, kind)
);
