package s3

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/minio/minio-go/v7"

	"carrel/storage"
)

// An upload id is "<size>.<S3 upload id>": S3 keeps no record of the size a
// client announced, and CompleteUpload needs it to check that the parts add
// up to the whole blob.

// Put stores size bytes from r under key, in one PUT up to 5 GiB and as a
// multipart upload beyond.
func (b *Backend) Put(ctx context.Context, key string, r io.Reader, size int64) error {
	name, err := b.object(key)
	if err != nil {
		return err
	}
	if size < 0 {
		return fmt.Errorf("s3: put %q: negative size %d", key, size)
	}
	body := storage.ExactReader(r, size)
	if size == 0 {
		// The client may send an empty body without reading it; check for
		// stray bytes ourselves.
		if _, err := body.Read(make([]byte, 1)); err != io.EOF {
			return fmt.Errorf("s3: put %q: %w", key, err)
		}
		body = bytes.NewReader(nil)
	}
	if size > b.maxSinglePut {
		return b.putMultipart(ctx, key, body, size)
	}
	_, err = b.core.PutObject(ctx, b.bucket, name, readerOnly(body), size, "", "", b.putOptions())
	if err != nil {
		return translate("put", key, err)
	}
	return nil
}

// putMultipart stores a blob too large for one PUT in parts of at most
// maxSinglePut bytes, aborting the upload if anything fails.
func (b *Backend) putMultipart(ctx context.Context, key string, r io.Reader, size int64) (err error) {
	id, err := b.StartUpload(ctx, key, size)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			// The caller's context may be what failed; still clean up.
			_ = b.AbortUpload(context.WithoutCancel(ctx), key, id)
		}
	}()
	// S3 allows at most 10000 parts.
	partSize := max(b.maxSinglePut, (size+9999)/10000)
	n := 0
	for off := int64(0); off < size; off += partSize {
		n++
		part := min(partSize, size-off)
		if err := b.PutPart(ctx, key, id, n, off, io.LimitReader(r, part), part); err != nil {
			return err
		}
	}
	// The last part consumed the final bytes; make r report any extra.
	if _, err := r.Read(make([]byte, 1)); err != io.EOF {
		return fmt.Errorf("s3: put %q: %w", key, err)
	}
	return b.CompleteUpload(ctx, key, id, n)
}

func (b *Backend) putOptions() minio.PutObjectOptions {
	return minio.PutObjectOptions{ServerSideEncryption: b.sse}
}

// StartUpload begins an S3 multipart upload.
func (b *Backend) StartUpload(ctx context.Context, key string, size int64) (string, error) {
	name, err := b.object(key)
	if err != nil {
		return "", err
	}
	if size < 0 {
		return "", fmt.Errorf("s3: start upload %q: negative size %d", key, size)
	}
	id, err := b.core.NewMultipartUpload(ctx, b.bucket, name, b.putOptions())
	if err != nil {
		return "", translate("start upload of", key, err)
	}
	return strconv.FormatInt(size, 10) + "." + id, nil
}

// parseUploadID splits an id made by StartUpload into the blob's size and
// the S3 upload id; storage.ErrNotExist if it is not such an id.
func parseUploadID(id string) (int64, string, error) {
	s, s3id, ok := strings.Cut(id, ".")
	size, err := strconv.ParseInt(s, 10, 64)
	if !ok || err != nil || size < 0 || s3id == "" {
		return 0, "", fmt.Errorf("s3: upload %q: %w", id, storage.ErrNotExist)
	}
	return size, s3id, nil
}

// PutPart uploads one part. S3 places parts by number, so offset is only
// checked against the blob's size.
func (b *Backend) PutPart(ctx context.Context, key, uploadID string, partNo int, offset int64, r io.Reader, size int64) error {
	name, err := b.object(key)
	if err != nil {
		return err
	}
	total, s3id, err := parseUploadID(uploadID)
	if err != nil {
		return err
	}
	switch {
	case partNo < 1 || partNo > 10000:
		return fmt.Errorf("s3: put part: invalid part number %d", partNo)
	case size < 0 || offset < 0 || offset > total-size:
		return fmt.Errorf("s3: put part %d: bytes %d+%d lie outside the %d-byte blob", partNo, offset, size, total)
	}
	body := readerOnly(storage.ExactReader(r, size))
	_, err = b.core.PutObjectPart(ctx, b.bucket, name, s3id, partNo, body, size, minio.PutObjectPartOptions{})
	if err != nil {
		return translate(fmt.Sprintf("put part %d of", partNo), key, err)
	}
	return nil
}

// CompleteUpload checks that parts 1..parts are there and add up to the
// announced size, then has S3 join them into the object.
func (b *Backend) CompleteUpload(ctx context.Context, key, uploadID string, parts int) error {
	name, err := b.object(key)
	if err != nil {
		return err
	}
	total, s3id, err := parseUploadID(uploadID)
	if err != nil {
		return err
	}
	have, err := b.listParts(ctx, name, s3id, parts)
	if err != nil {
		return translate("complete upload of", key, err)
	}
	var complete []minio.CompletePart
	var sum int64
	for n := 1; n <= parts; n++ {
		p, ok := have[n]
		if !ok {
			return fmt.Errorf("s3: complete upload of %q: part %d is missing", key, n)
		}
		complete = append(complete, minio.CompletePart{PartNumber: n, ETag: p.ETag})
		sum += p.Size
	}
	if sum != total {
		return fmt.Errorf("s3: complete upload of %q: %d parts hold %d bytes, want %d", key, parts, sum, total)
	}
	if parts == 0 {
		// S3 cannot complete an upload without parts: store the empty
		// blob directly.
		if err := b.Put(ctx, key, bytes.NewReader(nil), 0); err != nil {
			return err
		}
		return b.AbortUpload(ctx, key, uploadID)
	}
	if _, err := b.core.CompleteMultipartUpload(ctx, b.bucket, name, s3id, complete, b.putOptions()); err != nil {
		return translate("complete upload of", key, err)
	}
	return nil
}

// listParts returns the upload's parts numbered 1..upTo by number.
func (b *Backend) listParts(ctx context.Context, name, s3id string, upTo int) (map[int]minio.ObjectPart, error) {
	have := make(map[int]minio.ObjectPart)
	marker := 0
	for {
		res, err := b.core.ListObjectParts(ctx, b.bucket, name, s3id, marker, 1000)
		if err != nil {
			return nil, err
		}
		for _, p := range res.ObjectParts {
			if p.PartNumber <= upTo {
				have[p.PartNumber] = p
			}
		}
		if !res.IsTruncated || res.NextPartNumberMarker <= marker || res.NextPartNumberMarker >= upTo {
			return have, nil
		}
		marker = res.NextPartNumberMarker
	}
}

// AbortUpload aborts the S3 multipart upload, freeing its parts.
func (b *Backend) AbortUpload(ctx context.Context, key, uploadID string) error {
	name, err := b.object(key)
	if err != nil {
		return err
	}
	_, s3id, err := parseUploadID(uploadID)
	if err != nil {
		return nil // no upload can have this id
	}
	if err := b.core.AbortMultipartUpload(ctx, b.bucket, name, s3id); err != nil {
		return translateAbsentOK("abort upload of", key, err)
	}
	return nil
}
