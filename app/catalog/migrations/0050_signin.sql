-- Sign-in state: server-side session records (so sign-out and deactivation
-- end a session at once), failed sign-in counters for throttling (so they
-- survive restarts), SAML assertion ids seen (replay protection), and the
-- external identity an SSO account was created from.

CREATE TABLE sessions (
  id_hash       TEXT PRIMARY KEY,           -- SHA-256 of the random session id in the cookie
  account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  method        TEXT NOT NULL DEFAULT '',   -- local, ldap, saml:<idp>
  address       TEXT NOT NULL DEFAULT '',
  created_at    TEXT NOT NULL,
  expires_at    INTEGER NOT NULL,           -- Unix seconds
  name_id       TEXT NOT NULL DEFAULT '',   -- SAML NameID, for single logout
  session_index TEXT NOT NULL DEFAULT ''    -- SAML SessionIndex, for single logout
) WITHOUT ROWID;
CREATE INDEX sessions_account ON sessions(account_id);
CREATE INDEX sessions_name_id ON sessions(name_id) WHERE name_id != '';

-- One row per throttled key: "account:<email>" or "address:<ip>".
CREATE TABLE signin_failures (
  key         TEXT PRIMARY KEY,
  failures    INTEGER NOT NULL,
  last_at     INTEGER NOT NULL            -- Unix seconds of the latest failure
) WITHOUT ROWID;

CREATE TABLE saml_assertions (
  id         TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL -- Unix seconds; the row may be dropped after
) WITHOUT ROWID;

-- Where an SSO account came from ("ldap:<uid>", "saml:<idp>:<eppn>") and
-- the directory groups it was last seen in (newline-separated names), kept
-- for group and role mapping.
ALTER TABLE accounts ADD COLUMN external_id TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN directory_groups TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX accounts_external ON accounts(external_id) WHERE external_id != '';
