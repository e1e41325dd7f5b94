package preserve

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"carrel/app"
	"carrel/storage"
)

// FixityCatalog is what the fixity audit needs of the metadata store.
type FixityCatalog interface {
	FilesToVerify(ctx context.Context, before time.Time, limit int) ([]app.File, error)
	RecordFixity(ctx context.Context, fileID int64, ok bool, detail string) error
}

// FixityAudit re-reads stored files and compares their SHA-256 with the
// one recorded at upload, a budget of bytes per run, oldest-verified first,
// so that successive runs roll through the whole store.
type FixityAudit struct {
	cat    FixityCatalog
	blobs  storage.Backend
	budget int64
	log    *slog.Logger
	now    func() time.Time
	// OnResult, if set, is told of every file checked (metrics use it).
	OnResult func(ok bool, bytes int64)
}

// NewFixityAudit returns the audit; budget is the bytes read per run (at
// least one file is always checked).
func NewFixityAudit(cat FixityCatalog, blobs storage.Backend, budget int64, log *slog.Logger, now func() time.Time) *FixityAudit {
	return &FixityAudit{cat: cat, blobs: blobs, budget: budget, log: log, now: now}
}

// Job is the fixity-audit job. Each bad file is a problem in the report
// (so the run fails and names it), an error in the log, and a recorded
// verdict on the file.
func (a *FixityAudit) Job() app.JobFunc {
	return func(ctx context.Context, r *app.JobReport) error {
		start := a.now()
		var read int64
		for read < a.budget || r.Counts["files_verified"] == 0 {
			files, err := a.cat.FilesToVerify(ctx, start, 100)
			if err != nil {
				return err
			}
			if len(files) == 0 {
				break
			}
			for _, f := range files {
				if read >= a.budget && r.Counts["files_verified"] > 0 {
					break
				}
				n, problem, err := a.verify(ctx, f)
				if err != nil {
					return err // the store could not be asked at all; nothing is recorded
				}
				read += n
				r.Add("files_verified", 1)
				r.Add("bytes_verified", n)
				if problem != "" {
					r.Add("files_failed", 1)
					r.Problem("file %d (item %d, %s, key %s): %s", f.ID, f.ItemID, f.Path(), f.StorageKey, problem)
					a.log.Error("fixity: a stored file is damaged or missing", "file", f.ID, "item", f.ItemID,
						"path", f.Path(), "key", f.StorageKey, "problem", problem)
				}
				if err := a.cat.RecordFixity(ctx, f.ID, problem == "", problem); err != nil {
					return err
				}
				if a.OnResult != nil {
					a.OnResult(problem == "", n)
				}
			}
		}
		return nil
	}
}

// verify reads one file; it returns the bytes read and what is wrong with
// it ("" if nothing), or an error when the check itself could not be made.
func (a *FixityAudit) verify(ctx context.Context, f app.File) (int64, string, error) {
	blob, _, err := a.blobs.Open(ctx, f.StorageKey)
	if errors.Is(err, storage.ErrNotExist) {
		return 0, "missing from storage", nil
	} else if err != nil {
		return 0, "", fmt.Errorf("fixity: opening %s: %w", f.StorageKey, err)
	}
	defer blob.Close()
	h := sha256.New()
	n, err := io.Copy(h, blob)
	if err != nil {
		if ctx.Err() != nil {
			return n, "", ctx.Err()
		}
		return n, fmt.Sprintf("unreadable after %d bytes: %v", n, err), nil
	}
	got := hex.EncodeToString(h.Sum(nil))
	switch {
	case n != f.Size:
		return n, fmt.Sprintf("size is %d bytes, the catalog recorded %d", n, f.Size), nil
	case got != f.SHA256:
		return n, fmt.Sprintf("SHA-256 is %s, the catalog recorded %s", got, f.SHA256), nil
	}
	return n, "", nil
}
