-- Administrators keep the vocabularies: a retired term stays valid on the
-- items that use it but is no longer offered for new ones, and a term an
-- administrator added or edited (local = 1) is left alone when a new
-- release's embedded vocabularies are loaded at start.
ALTER TABLE item_types ADD COLUMN retired INTEGER NOT NULL DEFAULT 0;
ALTER TABLE item_types ADD COLUMN local INTEGER NOT NULL DEFAULT 0;
ALTER TABLE licenses ADD COLUMN retired INTEGER NOT NULL DEFAULT 0;
ALTER TABLE licenses ADD COLUMN local INTEGER NOT NULL DEFAULT 0;
ALTER TABLE categories ADD COLUMN retired INTEGER NOT NULL DEFAULT 0;
ALTER TABLE categories ADD COLUMN local INTEGER NOT NULL DEFAULT 0;
