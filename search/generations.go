package search

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"carrel/app"
)

// The index directory holds one Bleve index per generation
// (gen-NNNNNNNN) and a pointer file naming the live one.

// pointerFile names the live generation directory; it is replaced by an
// atomic rename, which is what makes a rebuild's swap atomic on disk.
const pointerFile = "CURRENT"

func (ix *Index) readPointer() (string, error) {
	b, err := os.ReadFile(filepath.Join(ix.dir, pointerFile))
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", app.Internal(err, "cannot read the search index pointer")
	}
	name := string(b)
	if _, ok := generationNumber(name); !ok {
		return "", app.Errorf(app.EINTERNAL, "the search index pointer %q is corrupt", name)
	}
	if _, err := os.Stat(filepath.Join(ix.dir, name)); err != nil {
		return "", nil
	}
	return name, nil
}

func (ix *Index) writePointer(name string) error {
	tmp := filepath.Join(ix.dir, pointerFile+".tmp")
	err := writeFileSync(tmp, []byte(name))
	if err == nil {
		err = os.Rename(tmp, filepath.Join(ix.dir, pointerFile))
	}
	if err == nil {
		err = syncDir(ix.dir)
	}
	if err != nil {
		return app.Internal(err, "cannot write the search index pointer")
	}
	return nil
}

func writeFileSync(name string, data []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// generationNumber parses a generation directory name, "gen-00000042".
func generationNumber(name string) (int, bool) {
	var n int
	if _, err := fmt.Sscanf(name, "gen-%08d", &n); err != nil || name != fmt.Sprintf("gen-%08d", n) {
		return 0, false
	}
	return n, true
}

// nextGenerationName is one past the highest generation directory present.
func (ix *Index) nextGenerationName() (string, error) {
	entries, err := os.ReadDir(ix.dir)
	if err != nil {
		return "", err
	}
	highest := 0
	for _, e := range entries {
		if n, ok := generationNumber(e.Name()); ok && n > highest {
			highest = n
		}
	}
	return fmt.Sprintf("gen-%08d", highest+1), nil
}

// removeStale removes generations left by a rebuild that crashed or by a
// swap that crashed before removing the old generation.
func (ix *Index) removeStale() error {
	entries, err := os.ReadDir(ix.dir)
	if err != nil {
		return app.Internal(err, "cannot list the search index directory")
	}
	for _, e := range entries {
		if _, ok := generationNumber(e.Name()); ok && e.Name() != ix.cur.name {
			if err := os.RemoveAll(filepath.Join(ix.dir, e.Name())); err != nil {
				return app.Internal(err, "cannot remove an old search index")
			}
		}
	}
	return nil
}
