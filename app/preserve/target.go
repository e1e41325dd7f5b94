package preserve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"carrel/storage"
)

// target is where bags are written: a directory, or a blob store (an S3
// bucket). A bag already in the target is complete and is never written
// again.
type target interface {
	// prepare makes the target ready for a run.
	prepare() error
	// exists reports whether a complete bag of this name is there.
	exists(ctx context.Context, bag string) (bool, error)
	// create starts writing a bag.
	create(ctx context.Context, bag string) (sink, error)
	// where names a bag for the operator: a path or a store key.
	where(bag string) string
}

// dirTarget writes bags into a directory, renaming each into place when
// complete.
type dirTarget struct {
	dir string
	tar bool
	now func() time.Time
}

func (d dirTarget) prepare() error {
	if err := os.MkdirAll(d.dir, 0o750); err != nil {
		return fmt.Errorf("preservation target: %w", err)
	}
	return nil
}

func (d dirTarget) where(bag string) string {
	if d.tar {
		return filepath.Join(d.dir, bag+".tar")
	}
	return filepath.Join(d.dir, bag)
}

func (d dirTarget) exists(_ context.Context, bag string) (bool, error) {
	_, err := os.Stat(d.where(bag))
	return err == nil, nil
}

func (d dirTarget) create(_ context.Context, bag string) (sink, error) {
	if d.tar {
		return newTarSink(d.dir, bag, d.now())
	}
	return newDirSink(d.dir, bag)
}

// storeTarget writes bags into a blob store. A directory bag is objects
// under "<bag>/"; its tagmanifest-sha256.txt is written last, so a bag is
// complete when that object exists, and a failed bag's objects are
// deleted. A tar bag is assembled in a temporary file and stored as one
// object "<bag>.tar", which the store makes appear whole or not at all.
type storeTarget struct {
	store storage.Backend
	tar   bool
	now   func() time.Time
}

// completeMarker is the last file writeBag writes.
const completeMarker = "tagmanifest-sha256.txt"

func (s storeTarget) prepare() error { return nil }

func (s storeTarget) where(bag string) string {
	if s.tar {
		return bag + ".tar"
	}
	return bag + "/"
}

func (s storeTarget) exists(ctx context.Context, bag string) (bool, error) {
	key := bag + ".tar"
	if !s.tar {
		key = bag + "/" + completeMarker
	}
	_, err := s.store.Stat(ctx, key)
	if errors.Is(err, storage.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

func (s storeTarget) create(ctx context.Context, bag string) (sink, error) {
	if !s.tar {
		return &objectSink{ctx: ctx, store: s.store, bag: bag}, nil
	}
	dir, err := os.MkdirTemp("", "carrel-bag-")
	if err != nil {
		return nil, err
	}
	ts, err := newTarSink(dir, bag, s.now())
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return &storedTarSink{tarSink: ts, ctx: ctx, store: s.store, dir: dir}, nil
}

// objectSink writes a directory bag as objects.
type objectSink struct {
	ctx     context.Context
	store   storage.Backend
	bag     string
	written []string
}

func (o *objectSink) Add(name string, size int64, r io.Reader) error {
	key := o.bag + "/" + name
	o.written = append(o.written, key)
	return o.store.Put(o.ctx, key, r, size)
}

func (o *objectSink) Commit() error { return nil }

// Abort deletes what was written, the completion marker first, even if
// the run's context has ended.
func (o *objectSink) Abort() {
	ctx := context.WithoutCancel(o.ctx)
	for i := len(o.written) - 1; i >= 0; i-- {
		_ = o.store.Delete(ctx, o.written[i])
	}
}

// storedTarSink writes a tar bag to a temporary file and stores it whole.
type storedTarSink struct {
	*tarSink
	ctx   context.Context
	store storage.Backend
	dir   string
}

func (s *storedTarSink) Commit() error {
	defer os.RemoveAll(s.dir)
	if err := s.tarSink.Commit(); err != nil {
		return err
	}
	f, err := os.Open(s.tarSink.final)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	return s.store.Put(s.ctx, s.bag+".tar", f, st.Size())
}

func (s *storedTarSink) Abort() {
	s.tarSink.Abort()
	os.RemoveAll(s.dir)
}
