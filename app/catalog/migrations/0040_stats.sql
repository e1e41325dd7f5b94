-- Usage statistics. Raw events carry only an anonymised visitor key (a
-- salted hash rotated daily), never an address. The stats-rollup job turns
-- them into per-day counts; a day is recomputed whole whenever new events
-- arrive for it, so a rollup can be rerun at any time.
CREATE TABLE usage_events (
  id       INTEGER PRIMARY KEY,
  at       TEXT NOT NULL,           -- RFC 3339 UTC
  day      TEXT NOT NULL,           -- 2006-01-02, UTC
  kind     TEXT NOT NULL,           -- view, download, share
  item_id  INTEGER NOT NULL,
  version  INTEGER NOT NULL DEFAULT 0,
  file_id  INTEGER NOT NULL DEFAULT 0,
  country  TEXT NOT NULL DEFAULT '',
  visitor  TEXT NOT NULL
);
CREATE INDEX usage_events_day ON usage_events(day);

-- Per item, day and country: total events and distinct visitors (COUNTER's
-- Total_Item_Requests and Unique_Item_Requests).
CREATE TABLE usage_item_days (
  day     TEXT NOT NULL,
  kind    TEXT NOT NULL,
  item_id INTEGER NOT NULL,
  country TEXT NOT NULL,
  total   INTEGER NOT NULL,
  uniq    INTEGER NOT NULL,
  PRIMARY KEY (item_id, kind, day, country)
) WITHOUT ROWID;
CREATE INDEX usage_item_days_day ON usage_item_days(kind, day);

-- Per version and file and day: views have file_id 0.
CREATE TABLE usage_file_days (
  day     TEXT NOT NULL,
  kind    TEXT NOT NULL,
  item_id INTEGER NOT NULL,
  version INTEGER NOT NULL,
  file_id INTEGER NOT NULL,
  total   INTEGER NOT NULL,
  uniq    INTEGER NOT NULL,
  PRIMARY KEY (item_id, version, file_id, kind, day)
) WITHOUT ROWID;

-- How far the rollup has read usage_events.
CREATE TABLE usage_rollup (
  id            INTEGER PRIMARY KEY CHECK (id = 1),
  last_event_id INTEGER NOT NULL
);
INSERT INTO usage_rollup (id, last_event_id) VALUES (1, 0);
