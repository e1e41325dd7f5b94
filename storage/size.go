package storage

import (
	"errors"
	"fmt"
	"io"
)

// ErrSizeMismatch is returned (wrapped) by Put and PutPart when the reader
// yields fewer or more bytes than the size the caller declared.
var ErrSizeMismatch = errors.New("storage: body size does not match declared size")

// ExactReader returns a reader that yields the first size bytes of r and then
// io.EOF, and fails with ErrSizeMismatch if r ends early or holds more than
// size bytes. The check for extra bytes happens on the read that delivers the
// last expected byte, so a consumer that stops reading after size bytes (as an
// HTTP client with a Content-Length does) still sees the error and aborts.
func ExactReader(r io.Reader, size int64) io.Reader {
	return &exactReader{r: r, size: size, left: size}
}

type exactReader struct {
	r    io.Reader
	size int64
	left int64
	err  error
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	if e.left <= 0 {
		e.err = e.checkEnd()
		return 0, e.err
	}
	if int64(len(p)) > e.left {
		p = p[:e.left]
	}
	n, err := e.r.Read(p)
	e.left -= int64(n)
	switch {
	case e.left == 0:
		e.err = e.checkEnd()
		if e.err != io.EOF {
			return 0, e.err
		}
		// Keep the bytes of this read; the next read returns io.EOF.
		return n, nil
	case err == io.EOF:
		e.err = fmt.Errorf("%w: got %d bytes, want %d", ErrSizeMismatch, e.size-e.left, e.size)
		return n, e.err
	case err != nil:
		e.err = err
	}
	return n, err
}

// checkEnd returns io.EOF if the underlying reader is exhausted, and an
// ErrSizeMismatch or read error otherwise.
func (e *exactReader) checkEnd() error {
	var b [1]byte
	for range 100 {
		n, err := e.r.Read(b[:])
		if n > 0 {
			return fmt.Errorf("%w: more than %d bytes", ErrSizeMismatch, e.size)
		}
		if err == io.EOF {
			return io.EOF
		}
		if err != nil {
			return err
		}
	}
	return io.ErrNoProgress
}
