package storage_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"carrel/storage"
)

func TestValidKey(t *testing.T) {
	for _, key := range []string{"a", "files/ab/cd/1", ".x/y", "a..b", "sp ace/ü"} {
		if err := storage.ValidKey(key); err != nil {
			t.Errorf("ValidKey(%q) = %v; want nil", key, err)
		}
	}
	for _, key := range []string{"", "/a", "a/", "a//b", "a/../b", "..", ".", "./a", "a\\b", "a\x00", "a\x1f", "a\x7f", "a\u0085", "\xff", strings.Repeat("a", 1025)} {
		if err := storage.ValidKey(key); !errors.Is(err, storage.ErrInvalidKey) {
			t.Errorf("ValidKey(%q) = %v; want ErrInvalidKey", key, err)
		}
	}
}

func TestExactReader(t *testing.T) {
	tests := []struct {
		name string
		r    io.Reader
		size int64
		ok   bool
	}{
		{"Exact", strings.NewReader("hello"), 5, true},
		{"ExactOneByteReads", iotest.OneByteReader(strings.NewReader("hello")), 5, true},
		{"ExactDataErrEOF", iotest.DataErrReader(strings.NewReader("hello")), 5, true},
		{"Empty", strings.NewReader(""), 0, true},
		{"Short", strings.NewReader("hell"), 5, false},
		{"Long", strings.NewReader("hello!"), 5, false},
		{"LongEmpty", strings.NewReader("x"), 0, false},
		{"LongOneByteReads", iotest.OneByteReader(strings.NewReader("hello!")), 5, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			_, err := io.Copy(&buf, storage.ExactReader(tc.r, tc.size))
			if tc.ok && (err != nil || int64(buf.Len()) != tc.size) {
				t.Fatalf("copied %d bytes, %v; want %d, nil", buf.Len(), err, tc.size)
			}
			if !tc.ok && !errors.Is(err, storage.ErrSizeMismatch) {
				t.Fatalf("copy = %v; want ErrSizeMismatch", err)
			}
		})
	}
	t.Run("ReadError", func(t *testing.T) {
		boom := errors.New("boom")
		_, err := io.Copy(io.Discard, storage.ExactReader(iotest.ErrReader(boom), 5))
		if !errors.Is(err, boom) {
			t.Fatalf("copy = %v; want the reader's error", err)
		}
	})
}
