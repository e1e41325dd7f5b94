-- The mail outbox: every notification is written here first and sent by
-- the notify job, retried with back-off until the SMTP server takes it, so
-- an outage loses no message. mail_cursor is the last audit entry turned
-- into notifications.
CREATE TABLE mail_outbox (
  id         INTEGER PRIMARY KEY,
  event      TEXT NOT NULL,
  to_addr    TEXT NOT NULL,
  subject    TEXT NOT NULL,
  body       TEXT NOT NULL,
  created_at TEXT NOT NULL,
  attempts   INTEGER NOT NULL DEFAULT 0,
  next_at    TEXT NOT NULL,
  sent_at    TEXT NOT NULL DEFAULT '',
  last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mail_outbox_due ON mail_outbox(next_at) WHERE sent_at = '';

CREATE TABLE mail_cursor (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  audit_id INTEGER NOT NULL
);

-- Embargoes whose depositors were told that they are about to lift.
CREATE TABLE embargo_reminders (
  item_id       INTEGER NOT NULL,
  embargo_until TEXT NOT NULL,
  PRIMARY KEY (item_id, embargo_until)
) WITHOUT ROWID;
