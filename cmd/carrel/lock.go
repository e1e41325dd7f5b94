package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockDataDir takes the data directory's server lock (carrel.lock), which
// carrel serve holds while it runs, so that commands that need the server
// stopped (restore) can tell. The lock goes with the process, even when it
// is killed.
func lockDataDir(dir string) (release func(), err error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "carrel.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("data directory lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("carrel serve is running on the data directory %s; stop it first", dir)
		}
		return nil, fmt.Errorf("data directory lock: %w", err)
	}
	return func() { f.Close() }, nil
}
