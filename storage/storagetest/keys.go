package storagetest

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"carrel/storage"
)

func runInvalidKey(t *testing.T, newBackend func(t *testing.T) storage.Backend) {
	ctx := context.Background()
	b := newBackend(t)
	for name, key := range invalidKeys() {
		t.Run(name, func(t *testing.T) {
			if err := b.Put(ctx, key, bytes.NewReader([]byte("x")), 1); !errors.Is(err, storage.ErrInvalidKey) {
				t.Errorf("Put(%q) = %v; want ErrInvalidKey", key, err)
			}
			blob, _, err := b.Open(ctx, key)
			if !errors.Is(err, storage.ErrInvalidKey) {
				t.Errorf("Open(%q) = %v; want ErrInvalidKey", key, err)
			}
			if blob != nil {
				blob.Close()
				t.Errorf("Open(%q) returned a blob", key)
			}
			if _, err := b.Stat(ctx, key); !errors.Is(err, storage.ErrInvalidKey) {
				t.Errorf("Stat(%q) = %v; want ErrInvalidKey", key, err)
			}
			if err := b.Delete(ctx, key); !errors.Is(err, storage.ErrInvalidKey) {
				t.Errorf("Delete(%q) = %v; want ErrInvalidKey", key, err)
			}
			id, err := b.StartUpload(ctx, key, 10)
			if !errors.Is(err, storage.ErrInvalidKey) {
				t.Errorf("StartUpload(%q) = %q, %v; want ErrInvalidKey", key, id, err)
			}
		})
	}
	t.Run("ValidKeysAccepted", func(t *testing.T) {
		for _, key := range []string{"a", "files/ab/cd/123", "with space/and-dash_under.dot", "ünïcödé/ключ", ".hidden/x", "a..b/c..", "x/...", "k@+=,;:!~'()"} {
			if err := storage.ValidKey(key); err != nil {
				t.Fatalf("ValidKey(%q) = %v", key, err)
			}
			mustPut(t, b, key, []byte(key))
			wantBytes(t, b, key, []byte(key))
		}
	})
}
