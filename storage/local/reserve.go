//go:build linux

package local

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// reserve gives f the given size, allocating its blocks with fallocate(2)
// where the filesystem supports it and falling back to a sparse file.
func reserve(f *os.File, size int64) error {
	if size == 0 {
		return nil
	}
	err := unix.Fallocate(int(f.Fd()), 0, 0, size)
	if err == nil {
		return nil
	}
	if errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.ENOSYS) {
		return f.Truncate(size)
	}
	return err
}
