package storagetest

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"carrel/storage"
)

// upload is a blob cut into PartSize parts for a multipart upload.
type upload struct {
	data  []byte
	parts [][]byte
}

// newUpload makes n full parts of PartSize plus a last part of tail bytes
// (if tail > 0).
func newUpload(seed uint64, n, tail int) upload {
	u := upload{data: data(seed, n*PartSize+tail)}
	for off := 0; off < len(u.data); off += PartSize {
		u.parts = append(u.parts, u.data[off:min(off+PartSize, len(u.data))])
	}
	return u
}

// put sends part partNo (1-based) of u.
func (u upload) put(ctx context.Context, b storage.Backend, key, id string, partNo int) error {
	p := u.parts[partNo-1]
	return b.PutPart(ctx, key, id, partNo, int64((partNo-1)*PartSize), bytes.NewReader(p), int64(len(p)))
}

// start begins a multipart upload of u under key or fails the test.
func (u upload) start(t *testing.T, b storage.Backend, key string) string {
	t.Helper()
	id, err := b.StartUpload(context.Background(), key, int64(len(u.data)))
	if err != nil {
		t.Fatalf("StartUpload(%q, %d): %v", key, len(u.data), err)
	}
	if id == "" {
		t.Fatal("StartUpload returned an empty upload id")
	}
	return id
}

// mustPutPart sends part partNo of u or fails the test.
func (u upload) mustPutPart(t *testing.T, b storage.Backend, key, id string, partNo int) {
	t.Helper()
	if err := u.put(context.Background(), b, key, id, partNo); err != nil {
		t.Fatalf("PutPart(%d): %v", partNo, err)
	}
}

func runUpload(t *testing.T, newBackend func(t *testing.T) storage.Backend) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		b := newBackend(t)
		u := newUpload(100, 3, 1000)
		id := u.start(t, b, "up/ok")
		for _, n := range []int{3, 1, 4, 2} {
			u.mustPutPart(t, b, "up/ok", id, n)
		}
		wantAbsent(t, b, "up/ok")
		if err := b.CompleteUpload(ctx, "up/ok", id, len(u.parts)); err != nil {
			t.Fatalf("CompleteUpload: %v", err)
		}
		wantBytes(t, b, "up/ok", u.data)
	})
	t.Run("Concurrent", func(t *testing.T) {
		b := newBackend(t)
		u := newUpload(101, 3, 7)
		id := u.start(t, b, "up/conc")
		var wg sync.WaitGroup
		errs := make([]error, 2*len(u.parts))
		for i := range errs {
			// Every part is sent twice at the same time, as a client
			// retrying a part it believes lost would.
			wg.Go(func() { errs[i] = u.put(ctx, b, "up/conc", id, len(u.parts)-i%len(u.parts)) })
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("PutPart #%d: %v", i, err)
			}
		}
		if err := b.CompleteUpload(ctx, "up/conc", id, len(u.parts)); err != nil {
			t.Fatalf("CompleteUpload: %v", err)
		}
		wantBytes(t, b, "up/conc", u.data)
	})
	t.Run("SentTwice", func(t *testing.T) {
		b := newBackend(t)
		u := newUpload(102, 2, 10)
		id := u.start(t, b, "up/twice")
		// The first send of part 2 carries wrong bytes of the right
		// length; the second, correct send must win.
		wrong := data(999, len(u.parts[1]))
		if err := b.PutPart(ctx, "up/twice", id, 2, PartSize, bytes.NewReader(wrong), int64(len(wrong))); err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{1, 2, 3, 1} {
			u.mustPutPart(t, b, "up/twice", id, n)
		}
		if err := b.CompleteUpload(ctx, "up/twice", id, len(u.parts)); err != nil {
			t.Fatalf("CompleteUpload: %v", err)
		}
		wantBytes(t, b, "up/twice", u.data)
	})
	t.Run("WrongLength", func(t *testing.T) {
		b := newBackend(t)
		u := newUpload(103, 2, 100)
		id := u.start(t, b, "up/len")
		u.mustPutPart(t, b, "up/len", id, 1)
		u.mustPutPart(t, b, "up/len", id, 3)
		p := u.parts[1]
		if err := b.PutPart(ctx, "up/len", id, 2, PartSize, bytes.NewReader(p[:len(p)-1]), int64(len(p))); err == nil {
			t.Fatal("PutPart with a short body succeeded")
		}
		if err := b.PutPart(ctx, "up/len", id, 2, PartSize, bytes.NewReader(slices.Concat(p, []byte{0})), int64(len(p))); err == nil {
			t.Fatal("PutPart with a long body succeeded")
		}
		if err := b.CompleteUpload(ctx, "up/len", id, len(u.parts)); err == nil {
			t.Fatal("CompleteUpload succeeded although part 2 never arrived whole")
		}
		wantAbsent(t, b, "up/len")
		u.mustPutPart(t, b, "up/len", id, 2)
		if err := b.CompleteUpload(ctx, "up/len", id, len(u.parts)); err != nil {
			t.Fatalf("CompleteUpload after retry: %v", err)
		}
		wantBytes(t, b, "up/len", u.data)
	})
	t.Run("MissingPart", func(t *testing.T) {
		b := newBackend(t)
		u := newUpload(104, 3, 5)
		id := u.start(t, b, "up/missing")
		for _, n := range []int{1, 2, 4} {
			u.mustPutPart(t, b, "up/missing", id, n)
		}
		if err := b.CompleteUpload(ctx, "up/missing", id, len(u.parts)); err == nil {
			t.Fatal("CompleteUpload succeeded with part 3 missing")
		}
		wantAbsent(t, b, "up/missing")
		// Claiming fewer parts than make up the size must fail too.
		if err := b.CompleteUpload(ctx, "up/missing", id, 2); err == nil {
			t.Fatal("CompleteUpload of 2 parts succeeded for a 4-part size")
		}
		wantAbsent(t, b, "up/missing")
	})
	t.Run("KeepsExistingOnFailure", func(t *testing.T) {
		b := newBackend(t)
		old := data(105, 10)
		mustPut(t, b, "up/old", old)
		u := newUpload(106, 1, 5)
		id := u.start(t, b, "up/old")
		u.mustPutPart(t, b, "up/old", id, 2)
		if err := b.CompleteUpload(ctx, "up/old", id, 2); err == nil {
			t.Fatal("CompleteUpload succeeded with part 1 missing")
		}
		wantBytes(t, b, "up/old", old)
	})
	t.Run("SinglePart", func(t *testing.T) {
		b := newBackend(t)
		u := newUpload(107, 0, 12345)
		id := u.start(t, b, "up/single")
		u.mustPutPart(t, b, "up/single", id, 1)
		if err := b.CompleteUpload(ctx, "up/single", id, 1); err != nil {
			t.Fatal(err)
		}
		wantBytes(t, b, "up/single", u.data)
	})
	t.Run("Empty", func(t *testing.T) {
		b := newBackend(t)
		id, err := b.StartUpload(ctx, "up/empty", 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.CompleteUpload(ctx, "up/empty", id, 0); err != nil {
			t.Fatalf("CompleteUpload of a 0-byte upload: %v", err)
		}
		wantBytes(t, b, "up/empty", nil)
	})
	t.Run("UnknownUpload", func(t *testing.T) {
		b := newBackend(t)
		p := []byte("abc")
		for _, id := range []string{"no-such-upload", "0123456789abcdef0123456789abcdef", "../../etc", ""} {
			err := b.PutPart(ctx, "up/unknown", id, 1, 0, bytes.NewReader(p), 3)
			if !errors.Is(err, storage.ErrNotExist) {
				t.Errorf("PutPart(upload %q) = %v; want ErrNotExist", id, err)
			}
			if err := b.CompleteUpload(ctx, "up/unknown", id, 1); err == nil {
				t.Errorf("CompleteUpload(upload %q) succeeded", id)
			}
			if err := b.AbortUpload(ctx, "up/unknown", id); err != nil {
				t.Errorf("AbortUpload(upload %q) = %v; want nil", id, err)
			}
		}
		wantAbsent(t, b, "up/unknown")
	})
	t.Run("OtherKey", func(t *testing.T) {
		b := newBackend(t)
		u := newUpload(108, 0, 10)
		id := u.start(t, b, "up/mine")
		if err := u.put(ctx, b, "up/other", id, 1); !errors.Is(err, storage.ErrNotExist) {
			t.Fatalf("PutPart under another key = %v; want ErrNotExist", err)
		}
	})
	t.Run("Abort", func(t *testing.T) {
		b := newBackend(t)
		u := newUpload(109, 1, 10)
		id := u.start(t, b, "up/abort")
		u.mustPutPart(t, b, "up/abort", id, 1)
		if err := b.AbortUpload(ctx, "up/abort", id); err != nil {
			t.Fatalf("AbortUpload: %v", err)
		}
		if err := u.put(ctx, b, "up/abort", id, 2); !errors.Is(err, storage.ErrNotExist) {
			t.Fatalf("PutPart after abort = %v; want ErrNotExist", err)
		}
		if err := b.CompleteUpload(ctx, "up/abort", id, 2); err == nil {
			t.Fatal("CompleteUpload after abort succeeded")
		}
		wantAbsent(t, b, "up/abort")
		if err := b.AbortUpload(ctx, "up/abort", id); err != nil {
			t.Fatalf("second AbortUpload = %v; want nil", err)
		}
		n := 0
		if err := b.List(ctx, "", func(storage.Info) error { n++; return nil }); err != nil || n != 0 {
			t.Fatalf("List after abort: %d blobs, %v; want none", n, err)
		}
	})
	t.Run("CompleteTwice", func(t *testing.T) {
		b := newBackend(t)
		u := newUpload(110, 0, 10)
		id := u.start(t, b, "up/done")
		u.mustPutPart(t, b, "up/done", id, 1)
		if err := b.CompleteUpload(ctx, "up/done", id, 1); err != nil {
			t.Fatal(err)
		}
		if err := u.put(ctx, b, "up/done", id, 1); !errors.Is(err, storage.ErrNotExist) {
			t.Fatalf("PutPart after completion = %v; want ErrNotExist", err)
		}
		wantBytes(t, b, "up/done", u.data)
	})
	t.Run("BadPart", func(t *testing.T) {
		b := newBackend(t)
		id, err := b.StartUpload(ctx, "up/bad", 10)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.PutPart(ctx, "up/bad", id, 0, 0, bytes.NewReader([]byte("x")), 1); err == nil {
			t.Error("PutPart with part number 0 succeeded")
		}
		if err := b.PutPart(ctx, "up/bad", id, 1, 0, bytes.NewReader(nil), -1); err == nil {
			t.Error("PutPart with size -1 succeeded")
		}
		if _, err := b.StartUpload(ctx, "up/bad", -1); err == nil {
			t.Error("StartUpload with size -1 succeeded")
		}
	})
}
