//go:build !linux

package local

import "os"

// reserve gives f the given size as a sparse file.
func reserve(f *os.File, size int64) error { return f.Truncate(size) }
