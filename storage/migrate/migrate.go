// Package migrate moves every blob from one store to another while Carrel
// keeps serving: it copies each blob, checks the copy's SHA-256 against the
// source's, records each copy in a ledger (the catalog) so an interrupted
// migration resumes, re-verifies every copy, and only then switches the
// server over (Switch), with blob writes held back for the last pass.
package migrate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"carrel/storage"
)

// Ledger records which blobs a migration has copied to its target.
type Ledger interface {
	// CopiedBlob returns the size and SHA-256 recorded for key's copy to
	// target, ok false if none.
	CopiedBlob(ctx context.Context, target, key string) (size int64, sha256 string, ok bool, err error)
	// RecordCopy records that key was copied to target.
	RecordCopy(ctx context.Context, target, key string, size int64, sha256 string) error
}

// ErrStopped is returned by Run when it stopped after MaxBlobs copies; the
// next run continues from there.
var ErrStopped = errors.New("stopped after the blob limit; run the migration again to continue")

// ErrCorrupt is returned (wrapped) when a copy does not read back as the
// bytes that were copied.
var ErrCorrupt = errors.New("the copy does not match the source")

// Event is one step of a migration, for a progress display.
type Event struct {
	Phase   string `json:"phase"` // "copy", "verify" or "final"
	Done    int    `json:"done"`  // blobs handled in this phase
	Total   int    `json:"total"` // blobs in the source
	Bytes   int64  `json:"bytes"` // bytes copied so far by this run
	Copied  int    `json:"copied"`
	Corrupt string `json:"corrupt,omitempty"` // a copy that did not verify and was copied again
}

// Migration copies every blob of From to To, the store named Target.
type Migration struct {
	From, To storage.Backend
	Target   string
	Ledger   Ledger
	// MaxBlobs, if positive, makes Run stop with ErrStopped after copying
	// that many blobs, so a large migration can be spread over quiet hours.
	MaxBlobs int
	// Report, if set, receives progress.
	Report func(Event)

	ev Event
}

func (m *Migration) report(ev Event) {
	if m.Report != nil {
		m.Report(ev)
	}
}

// Run copies what the ledger does not hold yet (the copy phase), then reads
// back every copy and checks it against the SHA-256 of its source (the
// verify phase), copying again any that does not match. It does not
// switch: Final does, with writes held back.
func (m *Migration) Run(ctx context.Context) error {
	var blobs []storage.Info
	if err := m.From.List(ctx, "", func(i storage.Info) error { blobs = append(blobs, i); return nil }); err != nil {
		return fmt.Errorf("listing the source: %w", err)
	}
	m.ev = Event{Phase: "copy", Total: len(blobs)}
	m.report(m.ev)
	for _, b := range blobs {
		if err := ctx.Err(); err != nil {
			return err
		}
		copied, err := m.ensure(ctx, b)
		if err != nil {
			return err
		}
		m.ev.Done++
		m.report(m.ev)
		if copied && m.MaxBlobs > 0 && m.ev.Copied >= m.MaxBlobs {
			return ErrStopped
		}
	}
	m.ev.Phase, m.ev.Done = "verify", 0
	m.report(m.ev)
	for _, b := range blobs {
		if err := ctx.Err(); err != nil {
			return err
		}
		_, sum, _, err := m.Ledger.CopiedBlob(ctx, m.Target, b.Key)
		if err != nil {
			return err
		}
		if err := verifyBlob(ctx, m.To, b.Key, b.Size, sum); err != nil {
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, storage.ErrNotExist) {
				return err
			}
			m.report(Event{Phase: "verify", Done: m.ev.Done, Total: m.ev.Total, Corrupt: b.Key})
			if err := m.copy(ctx, b.Key); err != nil {
				return err
			}
		}
		m.ev.Done++
		m.report(m.ev)
	}
	return nil
}

// Final copies the blobs written since Run listed the source. The caller
// holds writes back (Switch.SwitchOver), so afterwards the target holds
// every blob.
func (m *Migration) Final(ctx context.Context) error {
	m.ev.Phase, m.ev.Done = "final", 0
	m.report(m.ev)
	return m.From.List(ctx, "", func(b storage.Info) error {
		if _, err := m.ensure(ctx, b); err != nil {
			return err
		}
		m.ev.Done++
		return nil
	})
}

// Copied is how many blobs this migration copied.
func (m *Migration) Copied() int { return m.ev.Copied }

// ensure copies b unless the ledger holds a copy of its size; it reports
// whether it copied.
func (m *Migration) ensure(ctx context.Context, b storage.Info) (bool, error) {
	size, _, ok, err := m.Ledger.CopiedBlob(ctx, m.Target, b.Key)
	if err != nil || (ok && size == b.Size) {
		return false, err
	}
	return true, m.copy(ctx, b.Key)
}

// copy copies key, verifies it and records it in the ledger.
func (m *Migration) copy(ctx context.Context, key string) error {
	info, err := copyBlob(ctx, m.From, m.To, key)
	if err != nil {
		return err
	}
	m.ev.Copied++
	m.ev.Bytes += info.Size
	return m.Ledger.RecordCopy(ctx, m.Target, key, info.Size, info.sum)
}

// copied is what copyBlob copied.
type copied struct {
	Size int64
	sum  string
}

// copyBlob streams the blob under key from one store to the other,
// hashing the source's bytes on the way, then reads the copy back and
// checks its SHA-256.
func copyBlob(ctx context.Context, from, to storage.Backend, key string) (copied, error) {
	src, info, err := from.Open(ctx, key)
	if err != nil {
		return copied{}, fmt.Errorf("reading %s: %w", key, err)
	}
	defer src.Close()
	h := sha256.New()
	if err := to.Put(ctx, key, io.TeeReader(src, h), info.Size); err != nil {
		return copied{}, fmt.Errorf("writing %s: %w", key, err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if err := verifyBlob(ctx, to, key, info.Size, sum); err != nil {
		return copied{}, err
	}
	return copied{Size: info.Size, sum: sum}, nil
}

// verifyBlob reads the blob under key and checks its size and SHA-256.
func verifyBlob(ctx context.Context, b storage.Backend, key string, size int64, sum string) error {
	blob, info, err := b.Open(ctx, key)
	if err != nil {
		return fmt.Errorf("verifying %s: %w", key, err)
	}
	defer blob.Close()
	h := sha256.New()
	n, err := io.Copy(h, blob)
	if err != nil {
		return fmt.Errorf("verifying %s: %w", key, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); n != size || info.Size != size || got != sum {
		return fmt.Errorf("verifying %s: %w (%d bytes with SHA-256 %s; the source has %d bytes with %s)", key, ErrCorrupt, n, got, size, sum)
	}
	return nil
}
