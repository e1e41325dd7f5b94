-- Access states of an item that change without a new version: embargo
-- (whole item or files, until a time or permanent) and confidentiality;
-- and private links, generic over what they open (article or collection).
ALTER TABLE items ADD COLUMN embargo_type TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN embargo_until TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN embargo_title TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN embargo_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN confidential INTEGER NOT NULL DEFAULT 0;
ALTER TABLE items ADD COLUMN confidential_reason TEXT NOT NULL DEFAULT '';
CREATE INDEX items_embargo ON items(embargo_until) WHERE embargo_type != '' AND embargo_until != '';

CREATE TABLE private_links (
  id          INTEGER PRIMARY KEY,
  token_hash  TEXT NOT NULL UNIQUE,
  token       TEXT NOT NULL DEFAULT '',
  kind        TEXT NOT NULL,
  target_id   INTEGER NOT NULL,
  account_id  INTEGER NOT NULL REFERENCES accounts(id),
  expires_at  TEXT NOT NULL DEFAULT '',
  created_at  TEXT NOT NULL
);
CREATE INDEX private_links_target ON private_links(kind, target_id);
