-- The HR feed: the identifier the institution's HR system gives each person
-- it manages, and the feeds uploaded for checking before they are applied.
CREATE TABLE account_institution_ids (
  account_id          INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  institution_user_id TEXT NOT NULL UNIQUE
);

CREATE TABLE hrfeed_uploads (
  id          INTEGER PRIMARY KEY,
  sha256      TEXT NOT NULL,
  body        BLOB NOT NULL,
  uploaded_by INTEGER NOT NULL DEFAULT 0,
  created_at  TEXT NOT NULL,
  applied_at  TEXT NOT NULL DEFAULT ''
);
