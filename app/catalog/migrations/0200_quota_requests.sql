-- Depositors' requests for more storage, and the administrators' decisions.
-- requested is the new total quota asked for; previous the quota in force
-- when it was asked (0 = the configured default, recorded as its value);
-- granted the quota set on approval. An account has at most one pending
-- request at a time.
CREATE TABLE quota_requests (
  id         INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  requested  INTEGER NOT NULL CHECK (requested > 0),
  previous   INTEGER NOT NULL DEFAULT 0,
  reason     TEXT NOT NULL,
  status     TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'declined')),
  granted    INTEGER NOT NULL DEFAULT 0,
  decided_by INTEGER NOT NULL DEFAULT 0,
  note       TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  decided_at TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX quota_requests_one_pending ON quota_requests(account_id) WHERE status = 'pending';
CREATE INDEX quota_requests_account ON quota_requests(account_id, id);
CREATE INDEX quota_requests_status ON quota_requests(status, id);
