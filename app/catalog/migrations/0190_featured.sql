-- Items an administrator features on the home page, newest first. Only
-- public items may be featured; the home page also re-checks, so an item
-- withdrawn or embargoed later drops out without anyone unfeaturing it.
CREATE TABLE featured_items (
  item_id     INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
  featured_at TEXT NOT NULL,
  featured_by INTEGER NOT NULL DEFAULT 0
);
