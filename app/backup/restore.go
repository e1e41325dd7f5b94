package backup

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"carrel/app"
)

// Verify reads the manifest beside a backup (given as the copy or its
// manifest) and checks the copy against it. It returns the copy's path.
func Verify(file string) (string, Manifest, error) {
	file = strings.TrimSuffix(file, ".json")
	var m Manifest
	body, err := os.ReadFile(file + ".json")
	if err != nil {
		return "", m, app.Errorf(app.ENOTFOUND, "backup manifest: %v", err)
	}
	if err := json.Unmarshal(body, &m); err != nil || m.SHA256 == "" {
		return "", m, app.Errorf(app.EINVALID, "backup manifest %s.json is not a Carrel backup manifest", file)
	}
	if filepath.Base(file) != m.File {
		return "", m, app.Errorf(app.EINVALID, "backup manifest describes %s, not %s", m.File, filepath.Base(file))
	}
	sum, size, err := fileSHA256(file)
	if err != nil {
		return "", m, app.Errorf(app.ENOTFOUND, "backup: %v", err)
	}
	if sum != m.SHA256 || size != m.Size {
		return "", m, app.Errorf(app.EUNPROCESSABLE, "backup %s is damaged: its SHA-256 is %s (%d bytes), the manifest says %s (%d bytes)",
			file, sum, size, m.SHA256, m.Size)
	}
	return file, m, nil
}

// Restore puts a verified backup in place of the catalog at catalogPath,
// which no process may have open (the caller checks that the server is
// stopped). The current catalog and its WAL files are kept beside it,
// renamed with the suffix it returns. knownSchema is the newest migration
// this Carrel knows; a backup made by a newer Carrel is refused.
//
// The new catalog arrives by one rename over the old name, so a crash at
// any point leaves either the old catalog or the restored one, never a mix.
func Restore(file, catalogPath string, knownSchema int, now time.Time) (aside string, m Manifest, err error) {
	file, m, err = Verify(file)
	if err != nil {
		return "", m, err
	}
	if m.SchemaVersion > knownSchema {
		return "", m, app.Errorf(app.EUNPROCESSABLE, "backup %s has catalog schema %d, newer than this Carrel knows (%d); restore it with the Carrel that made it (%s)",
			file, m.SchemaVersion, knownSchema, m.CarrelVersion)
	}
	tmp := catalogPath + ".restoring"
	if err := copyFile(file, tmp); err != nil {
		os.Remove(tmp)
		return "", m, err
	}
	defer os.Remove(tmp)
	if sum, _, err := fileSHA256(tmp); err != nil || sum != m.SHA256 {
		return "", m, app.Errorf(app.EINTERNAL, "the copy of the backup does not match it (%v); nothing was changed", err)
	}
	suffix := ".before-restore-" + now.UTC().Format("20060102T150405Z")
	if _, err := os.Stat(catalogPath); err == nil {
		// A hard link keeps the old catalog under a second name without
		// ever leaving catalogPath empty.
		if err := os.Link(catalogPath, catalogPath+suffix); err != nil {
			return "", m, fmt.Errorf("keeping the old catalog: %w", err)
		}
		aside = catalogPath + suffix
	}
	for _, side := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(catalogPath + side); err == nil {
			if err := os.Rename(catalogPath+side, catalogPath+suffix+side); err != nil {
				return aside, m, fmt.Errorf("keeping the old catalog's %s file: %w", side, err)
			}
		}
	}
	if err := os.Rename(tmp, catalogPath); err != nil {
		return aside, m, fmt.Errorf("restore: %w", err)
	}
	return aside, m, syncDir(filepath.Dir(catalogPath))
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := out.ReadFrom(in); err != nil {
		out.Close()
		return fmt.Errorf("copying the backup: %w", err)
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return fmt.Errorf("copying the backup: %w", err)
	}
	return out.Close()
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// writeFileAtomic writes data 0600 under a temporary name, syncs and
// renames it into place.
func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}
