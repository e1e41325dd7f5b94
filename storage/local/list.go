package local

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"carrel/storage"
)

// List calls fn for each blob whose key starts with prefix, in key order.
// It reads one directory at a time, so memory stays small for any number
// of blobs.
func (b *Backend) List(ctx context.Context, prefix string, fn func(storage.Info) error) error {
	// Start at the deepest directory every matching key lies in.
	start := ""
	if i := strings.LastIndex(prefix, "/"); i > 0 {
		start = prefix[:i]
		if _, err := b.path(start); err != nil {
			return nil // no valid key lies below an invalid directory
		}
	}
	return b.walk(ctx, start, prefix, fn)
}

// walk lists directory rel (a key prefix without its trailing slash, or ""
// for the root). Entries are visited in the order of the keys they hold: a
// directory "a" sorts as "a/", so the file "a-b" comes before "a/x", as the
// keys do.
func (b *Backend) walk(ctx context.Context, rel, prefix string, fn func(storage.Info) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	entries, err := os.ReadDir(filepath.Join(b.dir, filepath.FromSlash(rel)))
	if err != nil {
		if rel != "" && isNotExist(err) {
			return nil // removed while we listed its parent
		}
		return fmt.Errorf("local: list %q: %w", prefix, err)
	}
	sortName := func(e os.DirEntry) string {
		if e.IsDir() {
			return e.Name() + "/"
		}
		return e.Name()
	}
	slices.SortFunc(entries, func(x, y os.DirEntry) int { return strings.Compare(sortName(x), sortName(y)) })
	for _, e := range entries {
		key := e.Name()
		if rel != "" {
			key = rel + "/" + key
		} else if key == tmpDir || key == uploadsDir {
			continue
		}
		if storage.ValidKey(key) != nil {
			continue // a stray file no key can name
		}
		if e.IsDir() {
			if dir := key + "/"; strings.HasPrefix(dir, prefix) || strings.HasPrefix(prefix, dir) {
				if err := b.walk(ctx, key, prefix, fn); err != nil {
					return err
				}
			}
			continue
		}
		if !e.Type().IsRegular() || !strings.HasPrefix(key, prefix) {
			continue
		}
		fi, err := e.Info()
		if isNotExist(err) {
			continue // deleted while we listed
		}
		if err != nil {
			return fmt.Errorf("local: list %q: %w", prefix, err)
		}
		if err := fn(info(key, fi)); err != nil {
			return err
		}
	}
	return nil
}
