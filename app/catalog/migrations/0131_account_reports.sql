-- Reports of an account's items the account asked for through the API
-- (Figshare's account article report). The CSV lives in the blob store
-- under storage_key; the row is written only once the file is stored.
CREATE TABLE account_reports (
  id          INTEGER PRIMARY KEY,
  account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  group_id    INTEGER NOT NULL DEFAULT 0,
  status      TEXT NOT NULL,            -- 'done' or 'missing'
  storage_key TEXT NOT NULL,
  size        INTEGER NOT NULL,
  created_at  TEXT NOT NULL
);
CREATE INDEX account_reports_account ON account_reports(account_id, id);
