-- Review before publication. A group with review switched on (and every
-- group below it) sends its depositors' publish requests to its reviewers.
CREATE TABLE review_groups (
  group_id INTEGER PRIMARY KEY REFERENCES groups(id) ON DELETE CASCADE
);

CREATE TABLE reviews (
  id             INTEGER PRIMARY KEY,
  item_id        INTEGER NOT NULL REFERENCES items(id),
  group_id       INTEGER NOT NULL,
  account_id     INTEGER NOT NULL,
  version        INTEGER NOT NULL,
  status         TEXT NOT NULL DEFAULT 'pending',
  assigned_to    INTEGER NOT NULL DEFAULT 0,
  request_number INTEGER NOT NULL,
  resolution     TEXT NOT NULL DEFAULT '',
  created_at     TEXT NOT NULL,
  modified_at    TEXT NOT NULL,
  decided_at     TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX reviews_one_open ON reviews(item_id) WHERE status = 'pending';
CREATE INDEX reviews_queue ON reviews(status, group_id, created_at);

CREATE TABLE review_comments (
  id         INTEGER PRIMARY KEY,
  review_id  INTEGER NOT NULL REFERENCES reviews(id),
  account_id INTEGER NOT NULL,
  type       TEXT NOT NULL DEFAULT 'comment',
  text       TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX review_comments_review ON review_comments(review_id, id);

-- Every state of a draft a reviewer was shown, by its hash, so that an
-- approval of a draft that changed since can say what changed.
CREATE TABLE review_snapshots (
  review_id INTEGER NOT NULL REFERENCES reviews(id),
  hash      TEXT NOT NULL,
  draft     TEXT NOT NULL,
  PRIMARY KEY (review_id, hash)
) WITHOUT ROWID;
