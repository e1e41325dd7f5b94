// Package storage defines the blob store Carrel keeps file bytes in. Keys are
// slash-separated paths chosen by Carrel ("files/ab/cd/<id>"); a blob under a
// key is immutable once written. Backends: storage/local (a directory) and
// storage/s3 (any S3-compatible service). storage/storagetest is the one
// behaviour suite every backend must pass.
package storage

import (
	"context"
	"errors"
	"io"
	"time"
)

// ErrNotExist is returned (possibly wrapped) when a key or an upload does not
// exist. A backend never returns a nil reader instead.
var ErrNotExist = errors.New("storage: blob does not exist")

// ErrInvalidKey is returned (wrapped) for keys that are empty, absolute,
// contain "..", backslashes, NUL or control characters; ValidKey is the rule.
// Every method that takes a key returns it for such a key.
var ErrInvalidKey = errors.New("storage: invalid key")

// Info describes a stored blob.
type Info struct {
	Key      string
	Size     int64
	Modified time.Time
}

// Blob is an open stored blob: readable from any offset, so that HTTP range
// requests can be served from it. A local backend returns an *os.File so
// that the kernel can send it without copying.
type Blob interface {
	io.ReadSeekCloser
}

// Backend is a blob store. Every method taking a key returns ErrInvalidKey
// if ValidKey rejects it.
type Backend interface {
	// Put stores size bytes from r under key atomically: a reader sees the
	// whole blob or none. If r yields a different number of bytes the put
	// fails (with ErrSizeMismatch) and nothing is stored; a blob already
	// under key is then left as it was.
	Put(ctx context.Context, key string, r io.Reader, size int64) error
	// Open opens a blob for reading. ErrNotExist if absent.
	Open(ctx context.Context, key string) (Blob, Info, error)
	// Stat describes a blob. ErrNotExist if absent.
	Stat(ctx context.Context, key string) (Info, error)
	// Delete removes a blob. Deleting an absent key is not an error.
	Delete(ctx context.Context, key string) error
	// List calls fn for every blob whose key starts with prefix, in key
	// order, until fn returns an error, which List then returns.
	List(ctx context.Context, prefix string, fn func(Info) error) error

	// StartUpload begins a multipart upload of a blob of the given size
	// whose bytes will arrive in parts; it returns an upload id.
	StartUpload(ctx context.Context, key string, size int64) (string, error)
	// PutPart stores part number partNo (1-based), size bytes beginning at
	// offset in the final blob. Parts may arrive in any order, concurrently,
	// and may be sent again (the last complete write wins). A body of the
	// wrong length fails without storing the part. ErrNotExist if the
	// upload does not exist.
	PutPart(ctx context.Context, key, uploadID string, partNo int, offset int64, r io.Reader, size int64) error
	// CompleteUpload assembles parts 1..parts into the blob under key,
	// atomically, without a second copy where the backend allows. It fails,
	// storing nothing, if a part is missing or the parts do not add up to
	// the size given to StartUpload; the upload can then still be resumed.
	CompleteUpload(ctx context.Context, key, uploadID string, parts int) error
	// AbortUpload discards an upload and its parts. Aborting an unknown
	// upload is not an error.
	AbortUpload(ctx context.Context, key, uploadID string) error
}

// ErrUnavailable is returned (wrapped) when the service holding the blobs
// cannot be reached or answers that it is failing: the operation may
// succeed if retried later.
var ErrUnavailable = errors.New("storage: the blob store is unavailable")

// ErrNotSupported is returned (possibly wrapped) by optional operations a
// backend, as configured, does not offer.
var ErrNotSupported = errors.New("storage: not supported by this backend")

// Presigner is implemented by backends whose clients can fetch a blob
// straight from the store through a short-lived signed URL, so that large
// public downloads need not pass through Carrel.
type Presigner interface {
	// PresignGet returns a URL through which, for a short time set by the
	// backend's configuration, GET requests (ranges included) fetch the
	// blob under key, answered with the given Content-Type and
	// Content-Disposition. It does not check that the blob exists.
	// ErrNotSupported if the backend is configured not to presign.
	PresignGet(ctx context.Context, key, contentType, disposition string) (string, error)
}
