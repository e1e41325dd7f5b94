package catalog

import (
	"context"

	"carrel/search"
)

// PruneEvery makes the indexer prune the change log after every n changes,
// keeping margin, so that tests need not make thousands; call it before any
// change.
func (in *Indexer) PruneEvery(n, margin int64) { in.pruneEvery, in.pruneMargin = n, margin }

// CountChanges returns how many changes the change log holds.
func (db *DB) CountChanges() (n int64) {
	db.read.QueryRow(`SELECT count(*) FROM changes`).Scan(&n)
	return n
}

// AllSearchDocumentsBy is AllSearchDocuments reading batch items per query,
// so that tests cross batch boundaries with a few items.
func (db *DB) AllSearchDocumentsBy(ctx context.Context, batch int, yield func(search.Document) error) error {
	return db.allSearchDocuments(ctx, batch, yield)
}
