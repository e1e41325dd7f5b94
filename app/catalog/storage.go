package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"carrel/app"
)

// DefaultStore names the [storage] section of the configuration.
const DefaultStore = "default"

// ActiveStore is the name of the configured store that holds the blobs:
// the target of the last storage migration that switched over, or
// DefaultStore.
func (db *DB) ActiveStore(ctx context.Context) (string, error) {
	var name string
	err := db.read.QueryRowContext(ctx, `SELECT active FROM storage_state WHERE id = 1`).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultStore, nil
	}
	return name, err
}

// SwitchStore records that the blobs now live in the store named to,
// forgets the finished migration's ledger, and audits the switch.
func (db *DB) SwitchStore(ctx context.Context, from, to string, blobs int) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		now := db.stamp()
		if _, err := tx.ExecContext(ctx, `INSERT INTO storage_state (id, active, switched_at) VALUES (1, ?, ?)
			ON CONFLICT (id) DO UPDATE SET active = excluded.active, switched_at = excluded.switched_at`, to, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM storage_copies WHERE target = ?`, to); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &app.AuditEntry{At: db.now(), Action: "storage.switch", Target: "store:" + to,
			Detail: fmt.Sprintf("blobs moved from store %q to %q (%d blobs copied and verified)", from, to, blobs)})
	})
}

// CopiedBlob returns the size and source SHA-256 recorded when key was
// copied to the target store, with ok false if it has not been.
func (db *DB) CopiedBlob(ctx context.Context, target, key string) (size int64, sha256 string, ok bool, err error) {
	err = db.read.QueryRowContext(ctx, `SELECT size, sha256 FROM storage_copies WHERE target = ? AND key = ?`, target, key).Scan(&size, &sha256)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", false, nil
	}
	return size, sha256, err == nil, err
}

// RecordCopy records that key was copied to the target store, with the
// size and SHA-256 of the source's bytes.
func (db *DB) RecordCopy(ctx context.Context, target, key string, size int64, sha256 string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO storage_copies (target, key, size, sha256, copied_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (target, key) DO UPDATE SET size = excluded.size, sha256 = excluded.sha256, copied_at = excluded.copied_at`,
			target, key, size, sha256, db.stamp())
		return err
	})
}
