// Package local is a storage.Backend that keeps blobs as files in a
// directory: the blob under key "a/b/c" is the file dir/a/b/c.
//
// Writes go to a temporary file in dir/.tmp, are fsynced and then renamed
// into place, so a crash never leaves a partial file under a real key.
// Multipart uploads live in dir/.uploads until completed. Because blobs are
// files, a key cannot both name a blob and be a directory of other blobs
// ("a" and "a/b"); Carrel's keys never do that.
package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"carrel/storage"
)

// Names under dir that hold no blobs; keys whose first segment is one of
// these are rejected.
const (
	tmpDir     = ".tmp"
	uploadsDir = ".uploads"
)

// staleTemp is how old a leftover temporary file must be before Open removes
// it; younger ones may belong to a write in progress in another process.
const staleTemp = 24 * time.Hour

// Backend stores blobs in a directory on the local filesystem.
type Backend struct {
	dir   string
	parts partLocks
	bufs  sync.Pool // *[]byte of writeChunk bytes, for part writes
}

// writeChunk is the size of the writes a part is stored with.
const writeChunk = 4 << 20

var _ storage.Backend = (*Backend)(nil)

// Open returns a Backend keeping its blobs in dir, creating dir if needed and
// removing temporary files that a crash left behind.
func Open(dir string) (*Backend, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("local: %w", err)
	}
	for _, d := range []string{dir, filepath.Join(dir, tmpDir), filepath.Join(dir, uploadsDir)} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			return nil, fmt.Errorf("local: %w", err)
		}
	}
	b := &Backend{dir: dir}
	b.bufs.New = func() any { buf := make([]byte, writeChunk); return &buf }
	b.removeStaleTemps()
	return b, nil
}

// Dir returns the directory the backend keeps its blobs in.
func (b *Backend) Dir() string { return b.dir }

// removeStaleTemps deletes old temporary files; failures only leave litter.
func (b *Backend) removeStaleTemps() {
	entries, err := os.ReadDir(filepath.Join(b.dir, tmpDir))
	if err != nil {
		return
	}
	for _, e := range entries {
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > staleTemp {
			_ = os.Remove(filepath.Join(b.dir, tmpDir, e.Name()))
		}
	}
}

// path checks key and returns the file that holds its blob.
func (b *Backend) path(key string) (string, error) {
	if err := storage.ValidKey(key); err != nil {
		return "", err
	}
	first, _, _ := strings.Cut(key, "/")
	if first == tmpDir || first == uploadsDir {
		return "", fmt.Errorf("%w: %q is reserved by the local backend", storage.ErrInvalidKey, first)
	}
	return filepath.Join(b.dir, filepath.FromSlash(key)), nil
}

// Put stores size bytes from r under key via a synced temporary file.
func (b *Backend) Put(ctx context.Context, key string, r io.Reader, size int64) error {
	p, err := b.path(key)
	if err != nil {
		return err
	}
	if size < 0 {
		return fmt.Errorf("local: put %q: negative size %d", key, size)
	}
	f, err := os.CreateTemp(filepath.Join(b.dir, tmpDir), "put-*")
	if err != nil {
		return fmt.Errorf("local: put %q: %w", key, err)
	}
	err = writeAll(ctx, f, storage.ExactReader(r, size))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = b.rename(f.Name(), p)
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return fmt.Errorf("local: put %q: %w", key, err)
	}
	return nil
}

// writeAll copies r to f, stopping early if ctx is done.
func writeAll(ctx context.Context, f *os.File, r io.Reader) error {
	_, err := io.Copy(f, ctxReader{ctx, r})
	return err
}

// ctxReader fails reads once its context is done, so that a cancelled
// request stops a long copy.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// rename moves the synced file from into place at to, creating to's
// directory, and syncs that directory so the rename survives a crash.
func (b *Backend) rename(from, to string) error {
	parent := filepath.Dir(to)
	var err error
	// A concurrent Delete may remove a parent directory that has just been
	// emptied between MkdirAll and Rename; try again a few times.
	for range 3 {
		if err = os.MkdirAll(parent, 0o750); err != nil {
			return err
		}
		if err = os.Rename(from, to); !errors.Is(err, fs.ErrNotExist) {
			break
		}
	}
	if err != nil {
		return err
	}
	return syncDir(parent)
}

// syncDir fsyncs a directory, making renames and removals in it durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// Open opens the blob under key; the Blob is the *os.File itself so that
// net/http can serve it with sendfile.
func (b *Backend) Open(ctx context.Context, key string) (storage.Blob, storage.Info, error) {
	p, err := b.path(key)
	if err != nil {
		return nil, storage.Info{}, err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, storage.Info{}, notExist("open", key, err)
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = fs.ErrNotExist
	}
	if err != nil {
		f.Close()
		return nil, storage.Info{}, notExist("open", key, err)
	}
	return f, info(key, fi), nil
}

// Stat describes the blob under key.
func (b *Backend) Stat(ctx context.Context, key string) (storage.Info, error) {
	p, err := b.path(key)
	if err != nil {
		return storage.Info{}, err
	}
	fi, err := os.Stat(p)
	if err == nil && !fi.Mode().IsRegular() {
		err = fs.ErrNotExist
	}
	if err != nil {
		return storage.Info{}, notExist("stat", key, err)
	}
	return info(key, fi), nil
}

// Delete removes the blob under key and any directories that become empty.
func (b *Backend) Delete(ctx context.Context, key string) error {
	p, err := b.path(key)
	if err != nil {
		return err
	}
	fi, err := os.Lstat(p)
	if isNotExist(err) || (err == nil && fi.IsDir()) {
		return nil
	}
	if err == nil {
		err = os.Remove(p)
	}
	if err != nil && !isNotExist(err) {
		return fmt.Errorf("local: delete %q: %w", key, err)
	}
	if err := syncDir(filepath.Dir(p)); err != nil && !isNotExist(err) {
		return fmt.Errorf("local: delete %q: %w", key, err)
	}
	// Prune now-empty parents; Remove fails harmlessly on non-empty ones.
	for d := filepath.Dir(p); d != b.dir && strings.HasPrefix(d, b.dir); d = filepath.Dir(d) {
		if os.Remove(d) != nil {
			break
		}
	}
	return nil
}

// info makes a storage.Info from a file's metadata.
func info(key string, fi fs.FileInfo) storage.Info {
	return storage.Info{Key: key, Size: fi.Size(), Modified: fi.ModTime()}
}

// isNotExist reports whether err means the file is absent, including a path
// running through a regular file ("a/b" when "a" is a blob).
func isNotExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// notExist translates a filesystem error for op on key, mapping absence to
// storage.ErrNotExist.
func notExist(op, key string, err error) error {
	if isNotExist(err) {
		return fmt.Errorf("local: %s %q: %w", op, key, storage.ErrNotExist)
	}
	return fmt.Errorf("local: %s %q: %w", op, key, err)
}
