-- Items made by `carrel dev seed` are marked, so that seeding can refuse a
-- data directory holding real deposits and tools can tell the two apart.
ALTER TABLE items ADD COLUMN seeded INTEGER NOT NULL DEFAULT 0;
