-- Each item's all-time view, download and share totals, as the search index
-- holds them for sorting. The stats roll-up updates a row, and appends a
-- change so that the index follows, only when an item's totals move.
CREATE TABLE usage_item_totals (
  item_id   INTEGER PRIMARY KEY,
  views     INTEGER NOT NULL DEFAULT 0,
  downloads INTEGER NOT NULL DEFAULT 0,
  shares    INTEGER NOT NULL DEFAULT 0
);
INSERT INTO usage_item_totals (item_id, views, downloads, shares)
  SELECT d.item_id,
         sum(CASE d.kind WHEN 'view' THEN d.total ELSE 0 END),
         sum(CASE d.kind WHEN 'download' THEN d.total ELSE 0 END),
         sum(CASE d.kind WHEN 'share' THEN d.total ELSE 0 END)
  FROM usage_item_days d JOIN items i ON i.id = d.item_id
  GROUP BY d.item_id;
-- The index learns the totals it has never held at the next start.
INSERT INTO changes (item_id, at)
  SELECT item_id, strftime('%Y-%m-%dT%H:%M:%SZ', 'now') FROM usage_item_totals ORDER BY item_id;
