// Package s3 is a storage.Backend on any S3-compatible object store (AWS S3,
// MinIO, Ceph RGW). Blobs are objects named Prefix+key in one bucket; Carrel's
// multipart uploads are S3 multipart uploads, so completing one copies no
// bytes. S3 rejects, at completion, parts smaller than 5 MiB other than the
// last, so callers must cut uploads into parts of at least that size.
// Abandoned uploads keep their parts until aborted; a bucket lifecycle rule
// (AbortIncompleteMultipartUpload) is a good backstop.
package s3

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/encrypt"

	"carrel/storage"
)

// Config says where the bucket is and how to reach it.
type Config struct {
	// Endpoint is the service's host[:port], e.g. "s3.eu-west-1.amazonaws.com"
	// or "minio.example.edu:9000", without a scheme.
	Endpoint string
	// Region is the bucket's region; empty lets the client discover it.
	Region string
	// Bucket is the bucket blobs are stored in; it must already exist.
	Bucket string
	// Prefix is a folder within the bucket that holds all blobs, so one
	// bucket can be shared; empty uses the whole bucket.
	Prefix string
	// AccessKey and SecretKey are static credentials. Credentials are
	// looked for in order: these, then the environment
	// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN; then
	// MINIO_ROOT_USER / MINIO_ROOT_PASSWORD), then the instance's IAM role
	// (EC2 instance profile, ECS task role, EKS web identity).
	AccessKey string
	// SecretKey is the secret belonging to AccessKey.
	SecretKey string
	// SessionToken goes with temporary static credentials (STS).
	SessionToken string
	// UseTLS talks HTTPS to the endpoint.
	UseTLS bool
	// Insecure skips verification of the endpoint's TLS certificate.
	Insecure bool
	// PathStyle addresses the bucket as endpoint/bucket rather than
	// bucket.endpoint, as MinIO and Ceph usually need.
	PathStyle bool
	// ServerSideEncryption asks the service to encrypt objects at rest
	// with its own keys (SSE-S3).
	ServerSideEncryption bool
	// KMSKeyID, if set, asks for encryption at rest with this key of the
	// service's key management system instead (SSE-KMS).
	KMSKeyID string
	// PresignTTL, if positive, lets PresignGet sign URLs valid this long;
	// zero turns presigning off.
	PresignTTL time.Duration
}

// maxSinglePut is the largest object S3 accepts in one PUT; larger Puts are
// sent as multipart uploads.
const maxSinglePut = 5 << 30

// Backend stores blobs in an S3 bucket.
type Backend struct {
	client *minio.Client
	core   minio.Core
	bucket string
	prefix string
	sse    encrypt.ServerSide
	// presignTTL is how long presigned URLs last; 0 = no presigning.
	presignTTL time.Duration
	// maxSinglePut is a field so tests can exercise the multipart path of
	// Put without sending gigabytes.
	maxSinglePut int64
}

var _ storage.Backend = (*Backend)(nil)

// Open connects to the service described by cfg and checks that the bucket
// exists.
func Open(ctx context.Context, cfg Config) (*Backend, error) {
	if cfg.Endpoint == "" || cfg.Bucket == "" {
		return nil, errors.New("s3: endpoint and bucket are required")
	}
	// The chain takes the first provider that has credentials.
	creds := credentials.NewChainCredentials([]credentials.Provider{
		&credentials.Static{Value: credentials.Value{AccessKeyID: cfg.AccessKey, SecretAccessKey: cfg.SecretKey,
			SessionToken: cfg.SessionToken, SignerType: credentials.SignatureV4}},
		&credentials.EnvAWS{}, &credentials.EnvMinio{}, &credentials.IAM{},
	})
	transport, err := minio.DefaultTransport(cfg.UseTLS)
	if err != nil {
		return nil, fmt.Errorf("s3: %w", err)
	}
	if cfg.Insecure {
		transport.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // asked for by config
	}
	lookup := minio.BucketLookupAuto
	if cfg.PathStyle {
		lookup = minio.BucketLookupPath
	}
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:        creds,
		Secure:       cfg.UseTLS,
		Region:       cfg.Region,
		BucketLookup: lookup,
		Transport:    transport,
	})
	if err != nil {
		return nil, fmt.Errorf("s3: %w", err)
	}
	ok, err := client.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("s3: checking bucket %q at %s: %w", cfg.Bucket, cfg.Endpoint, err)
	}
	if !ok {
		return nil, fmt.Errorf("s3: bucket %q does not exist at %s", cfg.Bucket, cfg.Endpoint)
	}
	b := &Backend{
		client:       client,
		core:         minio.Core{Client: client},
		bucket:       cfg.Bucket,
		prefix:       strings.Trim(cfg.Prefix, "/"),
		maxSinglePut: maxSinglePut,
		presignTTL:   cfg.PresignTTL,
	}
	if b.prefix != "" {
		b.prefix += "/"
	}
	switch {
	case cfg.KMSKeyID != "":
		if b.sse, err = encrypt.NewSSEKMS(cfg.KMSKeyID, nil); err != nil {
			return nil, fmt.Errorf("s3: %w", err)
		}
	case cfg.ServerSideEncryption:
		b.sse = encrypt.NewSSE()
	}
	return b, nil
}

// object checks key and returns the name of the object holding its blob.
func (b *Backend) object(key string) (string, error) {
	if err := storage.ValidKey(key); err != nil {
		return "", err
	}
	return b.prefix + key, nil
}

// Open opens the blob under key. It returns the *minio.Object, which reads
// lazily and serves Seek with ranged GETs.
func (b *Backend) Open(ctx context.Context, key string) (storage.Blob, storage.Info, error) {
	name, err := b.object(key)
	if err != nil {
		return nil, storage.Info{}, err
	}
	obj, err := b.client.GetObject(ctx, b.bucket, name, minio.GetObjectOptions{})
	if err != nil {
		return nil, storage.Info{}, translate("open", key, err)
	}
	// Stat makes the first request, so a missing key fails here rather than
	// on the first Read.
	oi, err := obj.Stat()
	if err != nil {
		obj.Close()
		return nil, storage.Info{}, translate("open", key, err)
	}
	return obj, storage.Info{Key: key, Size: oi.Size, Modified: oi.LastModified}, nil
}

// Stat describes the blob under key.
func (b *Backend) Stat(ctx context.Context, key string) (storage.Info, error) {
	name, err := b.object(key)
	if err != nil {
		return storage.Info{}, err
	}
	oi, err := b.client.StatObject(ctx, b.bucket, name, minio.StatObjectOptions{})
	if err != nil {
		return storage.Info{}, translate("stat", key, err)
	}
	return storage.Info{Key: key, Size: oi.Size, Modified: oi.LastModified}, nil
}

// Delete removes the blob under key; S3 does not mind absent keys.
func (b *Backend) Delete(ctx context.Context, key string) error {
	name, err := b.object(key)
	if err != nil {
		return err
	}
	if err := b.client.RemoveObject(ctx, b.bucket, name, minio.RemoveObjectOptions{}); err != nil {
		return translateAbsentOK("delete", key, err)
	}
	return nil
}

// List calls fn for each blob whose key starts with prefix; S3 lists keys in
// byte order, which is the order storage.Backend promises.
func (b *Backend) List(ctx context.Context, prefix string, fn func(storage.Info) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the lister's goroutine when fn stops early
	objects := b.client.ListObjects(ctx, b.bucket, minio.ListObjectsOptions{
		Prefix:    b.prefix + prefix,
		Recursive: true,
	})
	for oi := range objects {
		if oi.Err != nil {
			return fmt.Errorf("s3: list %q: %w", prefix, oi.Err)
		}
		key := strings.TrimPrefix(oi.Key, b.prefix)
		if storage.ValidKey(key) != nil {
			continue // e.g. a "folder/" marker made by another tool
		}
		if err := fn(storage.Info{Key: key, Size: oi.Size, Modified: oi.LastModified}); err != nil {
			return err
		}
	}
	return nil
}

// translate maps the service's "no such key/upload" errors for op on key to
// storage.ErrNotExist, an unreachable or failing service to
// storage.ErrUnavailable, and wraps the rest.
func translate(op, key string, err error) error {
	switch {
	case isNotExist(err):
		return fmt.Errorf("s3: %s %q: %w", op, key, storage.ErrNotExist)
	case isUnavailable(err):
		return fmt.Errorf("s3: %s %q: %w (%w)", op, key, storage.ErrUnavailable, err)
	}
	return fmt.Errorf("s3: %s %q: %w", op, key, err)
}

// isUnavailable reports whether err is a failure to reach the service or
// the service's own 5xx answer, rather than a fault of the body being sent
// (which minio-go reports inside a *url.Error, itself a net.Error).
func isUnavailable(err error) bool {
	if errors.Is(err, storage.ErrSizeMismatch) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var netErr net.Error
	var opErr *net.OpError
	if errors.As(err, &netErr) || errors.As(err, &opErr) || errors.Is(err, syscall.ECONNRESET) {
		return true
	}
	return minio.ToErrorResponse(err).StatusCode >= 500
}

// translateAbsentOK is translate for operations where absence is success.
func translateAbsentOK(op, key string, err error) error {
	if isNotExist(err) {
		return nil
	}
	return fmt.Errorf("s3: %s %q: %w", op, key, err)
}

// isNotExist reports whether err is the service saying the object or upload
// is not there.
func isNotExist(err error) bool {
	switch minio.ToErrorResponse(err).Code {
	case "NoSuchKey", "NoSuchUpload", "NotFound":
		return true
	}
	return minio.ToErrorResponse(err).StatusCode == http.StatusNotFound &&
		minio.ToErrorResponse(err).Code != "NoSuchBucket"
}

// readerOnly hides any io.Seeker or io.Closer of r: minio-go closes bodies
// that are closers and rewinds seekable ones to retry, neither of which is
// right for a caller's stream.
func readerOnly(r io.Reader) io.Reader { return struct{ io.Reader }{r} }

var _ storage.Presigner = (*Backend)(nil)

// PresignGet signs a GET of the blob's object valid for the configured
// time, with response header overrides so that the browser saves it under
// its own name. The URL names the configured endpoint, so downloaders must
// be able to reach it.
func (b *Backend) PresignGet(ctx context.Context, key, contentType, disposition string) (string, error) {
	name, err := b.object(key)
	if err != nil {
		return "", err
	}
	if b.presignTTL <= 0 {
		return "", fmt.Errorf("s3: presign %q: %w", key, storage.ErrNotSupported)
	}
	params := url.Values{}
	params.Set("response-content-type", contentType)
	params.Set("response-content-disposition", disposition)
	u, err := b.client.PresignedGetObject(ctx, b.bucket, name, b.presignTTL, params)
	if err != nil {
		return "", fmt.Errorf("s3: presign %q: %w", key, err)
	}
	return u.String(), nil
}
