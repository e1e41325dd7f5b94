-- The audit log: append-only, never updated.
CREATE TABLE audit (
  id        INTEGER PRIMARY KEY,
  at        TEXT NOT NULL,
  actor_id  INTEGER NOT NULL DEFAULT 0,
  on_behalf INTEGER NOT NULL DEFAULT 0,
  action    TEXT NOT NULL,
  target    TEXT NOT NULL DEFAULT '',
  address   TEXT NOT NULL DEFAULT '',
  detail    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_at ON audit(at);
CREATE INDEX audit_actor ON audit(actor_id, at);
CREATE INDEX audit_action ON audit(action, at);
