package migrate

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sync"
	"testing"
	"time"

	"carrel/storage"
	"carrel/storage/local"
	"carrel/storage/storagetest"
)

// TestSwitch: a Switch behaves as a backend, by the one suite.
func TestSwitch(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Backend {
		return NewSwitch("default", openLocal(t), func(context.Context, string) (storage.Backend, error) {
			return nil, errors.New("no other store")
		})
	})
}

// TestSwitch_UploadAcrossSwitch: an upload begun on one store completes
// after a switch to another, and the finished blob is in the new store;
// a blob put during the switchover's final pass waits for it.
func TestSwitch_UploadAcrossSwitch(t *testing.T) {
	ctx := context.Background()
	old, next := openLocal(t), openLocal(t)
	sw := NewSwitch("default", old, nil)
	body := bytes.Repeat([]byte("carrel"), 1000)
	id, err := sw.StartUpload(ctx, "files/a", int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.PutPart(ctx, "files/a", id, 1, 0, bytes.NewReader(body), int64(len(body))); err != nil {
		t.Fatal(err)
	}
	putDone, reading := make(chan error, 1), make(chan struct{})
	if err := sw.SwitchOver("next", next, func() error {
		r := &firstRead{r: bytes.NewReader(body), first: reading}
		go func() { putDone <- sw.Put(ctx, "files/b", r, int64(len(body))) }()
		// A Put let through would start reading its body at once; give
		// it time to (wrongly) do so.
		select {
		case <-reading:
			t.Error("a Put went ahead during the switchover's final pass")
		case <-time.After(100 * time.Millisecond):
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := <-putDone; err != nil {
		t.Fatal(err)
	}
	if err := sw.CompleteUpload(ctx, "files/a", id, 1); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"files/a", "files/b"} {
		if _, err := next.Stat(ctx, key); err != nil {
			t.Errorf("%s is not in the new store: %v", key, err)
		}
	}
	if _, err := old.Stat(ctx, "files/b"); !errors.Is(err, storage.ErrNotExist) {
		t.Errorf("files/b, put during the switchover, went to the old store (%v)", err)
	}
}

func openLocal(t *testing.T) *local.Backend {
	t.Helper()
	b, err := local.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// firstRead closes first when its reader is first read.
type firstRead struct {
	r     io.Reader
	first chan struct{}
	once  sync.Once
}

func (f *firstRead) Read(p []byte) (int, error) {
	f.once.Do(func() { close(f.first) })
	return f.r.Read(p)
}
