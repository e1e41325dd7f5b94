package catalog

// PruneEvery makes the indexer prune the change log after every n changes,
// keeping margin, so that tests need not make thousands; call it before any
// change.
func (in *Indexer) PruneEvery(n, margin int64) { in.pruneEvery, in.pruneMargin = n, margin }

// CountChanges returns how many changes the change log holds.
func (db *DB) CountChanges() (n int64) {
	db.read.QueryRow(`SELECT count(*) FROM changes`).Scan(&n)
	return n
}
