// Package backup makes online, consistent copies of the catalog with a
// manifest (SHA-256, schema version, time, Carrel version), keeps the
// newest few, and restores one in place of the catalog.
package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"carrel/app"
)

// Catalog is what a backup needs of the metadata store.
type Catalog interface {
	// VacuumInto writes a consistent copy of the catalog to path, which
	// must not exist or be empty, while readers and writers go on.
	VacuumInto(ctx context.Context, path string) error
	// SchemaVersion is the number of the last migration applied.
	SchemaVersion(ctx context.Context) (int, error)
}

// Config says where backups go and how many to keep.
type Config struct {
	Dir     string // created 0700 if missing
	Keep    int    // newest backups kept; older ones are deleted after a new one succeeds
	Version string // Carrel's version, recorded in the manifest
}

// Manifest describes one backup; it is stored beside it as FILE.json.
type Manifest struct {
	File          string    `json:"file"` // base name of the catalog copy
	SHA256        string    `json:"sha256"`
	Size          int64     `json:"size"`
	SchemaVersion int       `json:"schema_version"`
	Created       time.Time `json:"created"`
	CarrelVersion string    `json:"carrel_version"`
}

const (
	prefix = "carrel-catalog-"
	suffix = ".db"
)

// Make writes a new backup into cfg.Dir, then deletes all but the newest
// cfg.Keep. It returns the path of the catalog copy and its manifest. A
// failure leaves no backup under a final name.
func Make(ctx context.Context, cat Catalog, cfg Config, now time.Time) (string, Manifest, error) {
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return "", Manifest{}, fmt.Errorf("backup directory: %w", err)
	}
	name := prefix + now.UTC().Format("20060102T150405.000Z") + suffix
	final := filepath.Join(cfg.Dir, name)
	tmp := final + ".tmp"
	os.Remove(tmp)
	// Create the file 0600 first: VACUUM INTO writes into an empty file
	// and keeps its mode, so the copy is never readable by others.
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return "", Manifest{}, fmt.Errorf("backup: %w", err)
	}
	f.Close()
	defer os.Remove(tmp)
	schema, err := cat.SchemaVersion(ctx)
	if err != nil {
		return "", Manifest{}, err
	}
	if err := cat.VacuumInto(ctx, tmp); err != nil {
		return "", Manifest{}, fmt.Errorf("backup: copying the catalog: %w", err)
	}
	sum, size, err := fileSHA256(tmp)
	if err != nil {
		return "", Manifest{}, err
	}
	m := Manifest{File: name, SHA256: sum, Size: size, SchemaVersion: schema, Created: now.UTC(), CarrelVersion: cfg.Version}
	if err := syncFile(tmp); err != nil {
		return "", Manifest{}, err
	}
	body, _ := json.MarshalIndent(m, "", "  ")
	if err := writeFileAtomic(final+".json", append(body, '\n')); err != nil {
		return "", Manifest{}, err
	}
	if err := os.Rename(tmp, final); err != nil {
		os.Remove(final + ".json")
		return "", Manifest{}, fmt.Errorf("backup: %w", err)
	}
	return final, m, syncDir(cfg.Dir)
}

// Prune deletes all but the newest keep backups in dir (and their
// manifests); it returns the paths deleted.
func Prune(dir string, keep int) ([]string, error) {
	list, err := List(dir)
	if err != nil || len(list) <= keep {
		return nil, err
	}
	var gone []string
	for _, p := range list[:len(list)-keep] {
		if err := os.Remove(p); err != nil {
			return gone, fmt.Errorf("backup retention: %w", err)
		}
		os.Remove(p + ".json")
		gone = append(gone, p)
	}
	return gone, nil
}

// List returns the complete backups in dir, oldest first.
func List(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("backup directory: %w", err)
	}
	var out []string
	for _, e := range entries {
		n := e.Name()
		if strings.HasPrefix(n, prefix) && strings.HasSuffix(n, suffix) && !e.IsDir() {
			out = append(out, filepath.Join(dir, n))
		}
	}
	sort.Strings(out) // names hold the UTC time, so this is oldest first
	return out, nil
}

// Job is the backup job: one backup, then retention.
func Job(cat Catalog, cfg Config, now func() time.Time) app.JobFunc {
	return func(ctx context.Context, r *app.JobReport) error {
		_, m, err := Make(ctx, cat, cfg, now())
		if err != nil {
			return err
		}
		r.Add("bytes", m.Size)
		r.Add("backups_written", 1)
		gone, err := Prune(cfg.Dir, cfg.Keep)
		r.Add("backups_deleted", int64(len(gone)))
		if err != nil {
			r.Problem("%v", err)
		}
		return nil
	}
}

func fileSHA256(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, fmt.Errorf("reading %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}
