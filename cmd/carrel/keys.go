package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// loadKey returns the secret key kept in the file at path, creating it with
// n random bytes, readable by the owner only, on first use. Keys outlive
// restarts so that signed resumption tokens stay valid.
func loadKey(path string, n int) ([]byte, error) {
	key, err := os.ReadFile(path)
	if err == nil {
		if len(key) < n {
			return nil, fmt.Errorf("key file %s is shorter than %d bytes; delete it to make a new one", path, n)
		}
		return key, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	key = make([]byte, n)
	rand.Read(key)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(key); err != nil {
		f.Close()
		os.Remove(path)
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return nil, err
	}
	return key, f.Close()
}
