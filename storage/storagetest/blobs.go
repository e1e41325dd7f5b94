package storagetest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"carrel/storage"
)

func runPut(t *testing.T, newBackend func(t *testing.T) storage.Backend) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		b := newBackend(t)
		want := data(1, 1000)
		mustPut(t, b, "files/ab/cd/1", want)
		wantBytes(t, b, "files/ab/cd/1", want)
	})
	t.Run("Empty", func(t *testing.T) {
		b := newBackend(t)
		mustPut(t, b, "empty", nil)
		wantBytes(t, b, "empty", nil)
		info, err := b.Stat(ctx, "empty")
		if err != nil || info.Size != 0 {
			t.Fatalf("Stat = %+v, %v; want size 0", info, err)
		}
	})
	t.Run("Large", func(t *testing.T) {
		b := newBackend(t)
		want := data(2, 2*PartSize+123)
		mustPut(t, b, "large", want)
		wantBytes(t, b, "large", want)
	})
	t.Run("ReplaceKey", func(t *testing.T) {
		b := newBackend(t)
		mustPut(t, b, "k", data(3, 100))
		want := data(4, 50)
		mustPut(t, b, "k", want)
		wantBytes(t, b, "k", want)
	})
	sizeCases := []struct {
		name string
		body func() io.Reader
		size int64
	}{
		{"Short", func() io.Reader { return shortReader(data(5, 99)) }, 100},
		{"Long", func() io.Reader { return bytes.NewReader(data(5, 101)) }, 100},
		{"LongByOneEmpty", func() io.Reader { return bytes.NewReader([]byte{1}) }, 0},
		{"ShortLarge", func() io.Reader { return shortReader(data(5, PartSize+10)) }, PartSize + 11},
		{"LongLarge", func() io.Reader { return bytes.NewReader(data(5, PartSize+12)) }, PartSize + 11},
		{"ReadError", func() io.Reader {
			return &errReader{r: bytes.NewReader(data(5, 50)), err: errors.New("connection reset")}
		}, 100},
	}
	for _, tc := range sizeCases {
		t.Run(tc.name+"/Fails", func(t *testing.T) {
			b := newBackend(t)
			if err := b.Put(ctx, "k", tc.body(), tc.size); err == nil {
				t.Fatal("Put succeeded; want an error")
			}
			wantAbsent(t, b, "k")
			n := 0
			if err := b.List(ctx, "", func(storage.Info) error { n++; return nil }); err != nil || n != 0 {
				t.Fatalf("List after failed Put: %d blobs, %v; want none", n, err)
			}
		})
		t.Run(tc.name+"/KeepsExisting", func(t *testing.T) {
			b := newBackend(t)
			want := data(6, 77)
			mustPut(t, b, "k", want)
			if err := b.Put(ctx, "k", tc.body(), tc.size); err == nil {
				t.Fatal("Put succeeded; want an error")
			}
			wantBytes(t, b, "k", want)
		})
	}
	t.Run("SizeMismatchIs", func(t *testing.T) {
		b := newBackend(t)
		err := b.Put(ctx, "k", bytes.NewReader(data(7, 10)), 11)
		if !errors.Is(err, storage.ErrSizeMismatch) {
			t.Fatalf("Put short: %v; want ErrSizeMismatch", err)
		}
		err = b.Put(ctx, "k", bytes.NewReader(data(7, 12)), 11)
		if !errors.Is(err, storage.ErrSizeMismatch) {
			t.Fatalf("Put long: %v; want ErrSizeMismatch", err)
		}
	})
	t.Run("NegativeSize", func(t *testing.T) {
		b := newBackend(t)
		if err := b.Put(ctx, "k", bytes.NewReader(nil), -1); err == nil {
			t.Fatal("Put with size -1 succeeded")
		}
		wantAbsent(t, b, "k")
	})
}

func runOpen(t *testing.T, newBackend func(t *testing.T) storage.Backend) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		b := newBackend(t)
		want := data(10, 4096)
		before := time.Now().Add(-time.Hour)
		mustPut(t, b, "a/b/c", want)
		blob, info, err := b.Open(ctx, "a/b/c")
		if err != nil {
			t.Fatal(err)
		}
		defer blob.Close()
		if info.Key != "a/b/c" || info.Size != 4096 || info.Modified.Before(before) {
			t.Errorf("Info = %+v; want key a/b/c, size 4096, modified about now", info)
		}
		got, err := io.ReadAll(blob)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("ReadAll = %d bytes, %v; want the %d bytes put", len(got), err, len(want))
		}
	})
	t.Run("ErrNotExist", func(t *testing.T) {
		b := newBackend(t)
		wantAbsent(t, b, "nothing/here")
		mustPut(t, b, "dir/file", data(11, 3))
		wantAbsent(t, b, "dir")
		wantAbsent(t, b, "dir/file/below")
	})
	t.Run("Seek", func(t *testing.T) {
		b := newBackend(t)
		want := data(12, 10000)
		mustPut(t, b, "k", want)
		blob, _, err := b.Open(ctx, "k")
		if err != nil {
			t.Fatal(err)
		}
		defer blob.Close()
		ranges := []struct {
			offset int64
			whence int
			pos    int64
			n      int
		}{
			{5000, io.SeekStart, 5000, 100},
			{0, io.SeekStart, 0, 10},
			{-10, io.SeekEnd, 9990, 10},
			{-500, io.SeekCurrent, 9500, 500},
			{1234, io.SeekStart, 1234, 4321},
		}
		for _, r := range ranges {
			pos, err := blob.Seek(r.offset, r.whence)
			if err != nil || pos != r.pos {
				t.Fatalf("Seek(%d, %d) = %d, %v; want %d", r.offset, r.whence, pos, err, r.pos)
			}
			got := make([]byte, r.n)
			if _, err := io.ReadFull(blob, got); err != nil {
				t.Fatalf("reading %d bytes at %d: %v", r.n, r.pos, err)
			}
			if !bytes.Equal(got, want[r.pos:r.pos+int64(r.n)]) {
				t.Fatalf("bytes at %d..%d differ", r.pos, r.pos+int64(r.n))
			}
		}
		if size, err := blob.Seek(0, io.SeekEnd); err != nil || size != 10000 {
			t.Fatalf("Seek(0, SeekEnd) = %d, %v; want 10000", size, err)
		}
		if n, err := blob.Read(make([]byte, 10)); n != 0 || err != io.EOF {
			t.Fatalf("Read at end = %d, %v; want 0, EOF", n, err)
		}
	})
}

func runStat(t *testing.T, newBackend func(t *testing.T) storage.Backend) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		b := newBackend(t)
		mustPut(t, b, "x/y", data(20, 321))
		info, err := b.Stat(ctx, "x/y")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := info.Key, "x/y"; got != want {
			t.Errorf("Key = %q, want %q", got, want)
		}
		if got, want := info.Size, int64(321); got != want {
			t.Errorf("Size = %d, want %d", got, want)
		}
		if info.Modified.IsZero() {
			t.Error("Modified is zero")
		}
	})
	t.Run("ErrNotExist", func(t *testing.T) {
		b := newBackend(t)
		if _, err := b.Stat(ctx, "missing"); !errors.Is(err, storage.ErrNotExist) {
			t.Fatalf("Stat = %v; want ErrNotExist", err)
		}
	})
}

func runDelete(t *testing.T, newBackend func(t *testing.T) storage.Backend) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		b := newBackend(t)
		mustPut(t, b, "d/1", data(30, 10))
		mustPut(t, b, "d/2", data(31, 10))
		if err := b.Delete(ctx, "d/1"); err != nil {
			t.Fatal(err)
		}
		wantAbsent(t, b, "d/1")
		wantBytes(t, b, "d/2", data(31, 10))
		// A key can be used again after its blob was deleted.
		mustPut(t, b, "d/1", data(32, 5))
		wantBytes(t, b, "d/1", data(32, 5))
	})
	t.Run("Absent", func(t *testing.T) {
		b := newBackend(t)
		if err := b.Delete(ctx, "never/was"); err != nil {
			t.Fatalf("Delete of absent key = %v; want nil", err)
		}
	})
	t.Run("WhileOpen", func(t *testing.T) {
		b := newBackend(t)
		want := data(33, 1000)
		mustPut(t, b, "k", want)
		blob, _, err := b.Open(ctx, "k")
		if err != nil {
			t.Fatal(err)
		}
		defer blob.Close()
		head := make([]byte, 10)
		if _, err := io.ReadFull(blob, head); err != nil {
			t.Fatal(err)
		}
		if err := b.Delete(ctx, "k"); err != nil {
			t.Fatal(err)
		}
		wantAbsent(t, b, "k")
	})
}

func runList(t *testing.T, newBackend func(t *testing.T) storage.Backend) {
	ctx := context.Background()
	keys := []string{"b", "a/c", "a-b", "a/b/d", "a/b/c", "ab", "a/bc", "z/z/z/z", "a.b"}
	sorted := slices.Clone(keys)
	slices.Sort(sorted)
	setup := func(t *testing.T) storage.Backend {
		b := newBackend(t)
		for i, k := range keys {
			mustPut(t, b, k, data(uint64(40+i), i+1))
		}
		return b
	}
	list := func(t *testing.T, b storage.Backend, prefix string) []storage.Info {
		t.Helper()
		var got []storage.Info
		if err := b.List(ctx, prefix, func(i storage.Info) error { got = append(got, i); return nil }); err != nil {
			t.Fatalf("List(%q): %v", prefix, err)
		}
		return got
	}
	keysOf := func(infos []storage.Info) []string {
		var ks []string
		for _, i := range infos {
			ks = append(ks, i.Key)
		}
		return ks
	}
	t.Run("OK", func(t *testing.T) {
		b := setup(t)
		infos := list(t, b, "")
		if got, want := keysOf(infos), sorted; !slices.Equal(got, want) {
			t.Fatalf("keys = %q, want %q", got, want)
		}
		for _, info := range infos {
			i := slices.Index(keys, info.Key)
			if info.Size != int64(i+1) || info.Modified.IsZero() {
				t.Errorf("Info = %+v; want size %d and a modification time", info, i+1)
			}
		}
	})
	t.Run("Prefix", func(t *testing.T) {
		b := setup(t)
		for _, prefix := range []string{"a", "a/", "a/b", "a/b/", "a-", "z/z", "nothing", "b"} {
			var want []string
			for _, k := range sorted {
				if strings.HasPrefix(k, prefix) {
					want = append(want, k)
				}
			}
			if got := keysOf(list(t, b, prefix)); !slices.Equal(got, want) {
				t.Errorf("List(%q) = %q, want %q", prefix, got, want)
			}
		}
	})
	t.Run("Empty", func(t *testing.T) {
		b := newBackend(t)
		if got := list(t, b, ""); len(got) != 0 {
			t.Fatalf("List on empty backend = %+v", got)
		}
	})
	t.Run("Stop", func(t *testing.T) {
		b := setup(t)
		stop := errors.New("stop")
		var seen []string
		err := b.List(ctx, "", func(i storage.Info) error {
			seen = append(seen, i.Key)
			if len(seen) == 3 {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) {
			t.Fatalf("List = %v; want the callback's error", err)
		}
		if got, want := seen, sorted[:3]; !slices.Equal(got, want) {
			t.Fatalf("saw %q, want %q", got, want)
		}
	})
	t.Run("AfterDelete", func(t *testing.T) {
		b := setup(t)
		for _, k := range []string{"a/b/c", "a/b/d"} {
			if err := b.Delete(ctx, k); err != nil {
				t.Fatal(err)
			}
		}
		want := slices.DeleteFunc(slices.Clone(sorted), func(k string) bool { return strings.HasPrefix(k, "a/b/") })
		if got := keysOf(list(t, b, "")); !slices.Equal(got, want) {
			t.Fatalf("keys = %q, want %q", got, want)
		}
	})
}
