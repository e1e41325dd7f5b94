// Package storagetest is the behaviour suite every storage.Backend must pass:
// one definition, in tests, of what the interface's doc comments promise.
package storagetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"carrel/storage"
)

// PartSize is the size of every multipart-upload part but the last in the
// suite: S3 rejects smaller non-final parts.
const PartSize = 5 << 20

// Run runs the behaviour suite against backends made by newBackend, which is
// called once per subtest and must return an empty backend (or one whose
// keys do not overlap any other's) that the subtest may use freely.
func Run(t *testing.T, newBackend func(t *testing.T) storage.Backend) {
	t.Run("Put", func(t *testing.T) { runPut(t, newBackend) })
	t.Run("Open", func(t *testing.T) { runOpen(t, newBackend) })
	t.Run("Stat", func(t *testing.T) { runStat(t, newBackend) })
	t.Run("Delete", func(t *testing.T) { runDelete(t, newBackend) })
	t.Run("List", func(t *testing.T) { runList(t, newBackend) })
	t.Run("InvalidKey", func(t *testing.T) { runInvalidKey(t, newBackend) })
	t.Run("Upload", func(t *testing.T) { runUpload(t, newBackend) })
}

// data returns n deterministic pseudo-random bytes, different for each seed.
func data(seed uint64, n int) []byte {
	b := make([]byte, n)
	r := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), byte(seed >> 16), byte(seed >> 24)})
	_, _ = r.Read(b)
	return b
}

// mustPut stores b under key or fails the test.
func mustPut(t *testing.T, b storage.Backend, key string, p []byte) {
	t.Helper()
	if err := b.Put(context.Background(), key, bytes.NewReader(p), int64(len(p))); err != nil {
		t.Fatalf("Put(%q, %d bytes): %v", key, len(p), err)
	}
}

// mustRead returns the whole blob under key or fails the test.
func mustRead(t *testing.T, b storage.Backend, key string) []byte {
	t.Helper()
	blob, info, err := b.Open(context.Background(), key)
	if err != nil {
		t.Fatalf("Open(%q): %v", key, err)
	}
	defer blob.Close()
	got, err := io.ReadAll(blob)
	if err != nil {
		t.Fatalf("reading %q: %v", key, err)
	}
	if info.Size != int64(len(got)) {
		t.Errorf("Open(%q): Info.Size = %d, read %d bytes", key, info.Size, len(got))
	}
	return got
}

// wantBytes fails the test unless the blob under key holds exactly want,
// comparing SHA-256 digests so that large mismatches print short.
func wantBytes(t *testing.T, b storage.Backend, key string, want []byte) {
	t.Helper()
	got := mustRead(t, b, key)
	if g, w := sha256.Sum256(got), sha256.Sum256(want); g != w {
		t.Fatalf("blob %q: got %d bytes sha256 %x, want %d bytes sha256 %x", key, len(got), g, len(want), w)
	}
}

// wantAbsent fails the test unless Stat and Open both report key absent.
func wantAbsent(t *testing.T, b storage.Backend, key string) {
	t.Helper()
	if info, err := b.Stat(context.Background(), key); !errors.Is(err, storage.ErrNotExist) {
		t.Fatalf("Stat(%q) = %+v, %v; want ErrNotExist", key, info, err)
	}
	blob, _, err := b.Open(context.Background(), key)
	if !errors.Is(err, storage.ErrNotExist) {
		if blob != nil {
			blob.Close()
		}
		t.Fatalf("Open(%q) error = %v; want ErrNotExist", key, err)
	}
	if blob != nil {
		t.Fatalf("Open(%q) returned a blob with ErrNotExist", key)
	}
}

// shortReader yields its bytes and then io.EOF, like a client that hung up.
func shortReader(p []byte) io.Reader { return bytes.NewReader(p) }

// errReader yields p and then fails with err, like a broken connection.
type errReader struct {
	r   io.Reader
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err == io.EOF {
		return n, e.err
	}
	return n, err
}

// invalidKeys are keys every backend must reject with ErrInvalidKey.
func invalidKeys() map[string]string {
	return map[string]string{
		"Empty":         "",
		"Absolute":      "/abs",
		"DotDot":        "a/../b",
		"LeadingDotDot": "../a",
		"Dot":           "a/./b",
		"TrailingSlash": "a/",
		"DoubleSlash":   "a//b",
		"Backslash":     "a\\b",
		"NUL":           "a\x00b",
		"Newline":       "a\nb",
		"Tab":           "a\tb",
		"DEL":           "a\x7fb",
		"NotUTF8":       "a\xffb",
		"TooLong":       strings.Repeat("k", storage.MaxKeyLen+1),
	}
}
