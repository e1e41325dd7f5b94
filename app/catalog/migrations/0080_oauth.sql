-- OAuth2 (RFC 6749) as Figshare's API offers it: applications registered by
-- administrators, single-use authorization codes, access tokens with
-- rotating refresh tokens. Every secret is stored only as a SHA-256 hash.
CREATE TABLE oauth_apps (
  id            INTEGER PRIMARY KEY,
  client_id     TEXT NOT NULL UNIQUE,
  secret_hash   TEXT NOT NULL,
  name          TEXT NOT NULL,
  redirect_uris TEXT NOT NULL,            -- JSON array of exact URIs
  created_by    INTEGER NOT NULL DEFAULT 0,
  created_at    TEXT NOT NULL
);

CREATE TABLE oauth_codes (
  hash         TEXT PRIMARY KEY,
  app_id       INTEGER NOT NULL REFERENCES oauth_apps(id) ON DELETE CASCADE,
  account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  redirect_uri TEXT NOT NULL,
  scope        TEXT NOT NULL,
  expires_at   TEXT NOT NULL,
  used_at      TEXT NOT NULL DEFAULT ''
);

CREATE TABLE oauth_grants (
  id                 INTEGER PRIMARY KEY,
  app_id             INTEGER NOT NULL REFERENCES oauth_apps(id) ON DELETE CASCADE,
  account_id         INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  access_hash        TEXT NOT NULL UNIQUE,
  refresh_hash       TEXT NOT NULL UNIQUE,
  scope              TEXT NOT NULL,
  family             TEXT NOT NULL,         -- hash of the code the chain began with
  access_expires_at  TEXT NOT NULL,
  refresh_expires_at TEXT NOT NULL,
  created_at         TEXT NOT NULL,
  revoked_at         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX oauth_grants_family ON oauth_grants(family);
CREATE INDEX oauth_grants_account ON oauth_grants(account_id);
