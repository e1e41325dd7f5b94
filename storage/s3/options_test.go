package s3

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"carrel/storage"
	"carrel/storage/s3/s3test"
	"carrel/storage/storagetest"
)

// TestServerSideEncryption stores blobs with SSE-S3 and SSE-KMS on a MinIO
// with its built-in KMS, and checks through the service's own answer that
// each object is encrypted as asked, on single PUTs and multipart uploads.
func TestServerSideEncryption(t *testing.T) {
	ctx := context.Background()
	srv := s3test.StartKMS(t)
	for _, tc := range []struct {
		name, kms, want string
	}{
		{"SSE-S3", "", "AES256"},
		{"SSE-KMS", s3test.KMSKey, "aws:kms"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(srv, tc.name)
			cfg.ServerSideEncryption, cfg.KMSKeyID = true, tc.kms
			b, err := Open(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := b.Put(ctx, "small", strings.NewReader("secret bytes"), 12); err != nil {
				t.Fatal(err)
			}
			part := make([]byte, storagetest.PartSize)
			rand.Read(part)
			id, err := b.StartUpload(ctx, "parts", int64(len(part)+3))
			if err != nil {
				t.Fatal(err)
			}
			if err := b.PutPart(ctx, "parts", id, 1, 0, bytes.NewReader(part), int64(len(part))); err != nil {
				t.Fatal(err)
			}
			if err := b.PutPart(ctx, "parts", id, 2, int64(len(part)), strings.NewReader("end"), 3); err != nil {
				t.Fatal(err)
			}
			if err := b.CompleteUpload(ctx, "parts", id, 2); err != nil {
				t.Fatal(err)
			}
			for _, key := range []string{"small", "parts"} {
				oi, err := b.client.StatObject(ctx, srv.Bucket, tc.name+"/"+key, minio.StatObjectOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if got := oi.Metadata.Get("X-Amz-Server-Side-Encryption"); got != tc.want {
					t.Errorf("%s: X-Amz-Server-Side-Encryption = %q, want %q", key, got, tc.want)
				}
				if tc.kms != "" && !strings.HasSuffix(oi.Metadata.Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"), tc.kms) {
					t.Errorf("%s: KMS key id %q, want %q", key, oi.Metadata.Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"), tc.kms)
				}
			}
			blob, _, err := b.Open(ctx, "parts")
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(blob)
			blob.Close()
			if err != nil || !bytes.Equal(got, append(part, "end"...)) {
				t.Fatalf("read back %d bytes, %v; want what was uploaded", len(got), err)
			}
		})
	}
}

// TestCompleteUpload_NoCopy checks that a completed upload is the S3
// multipart object itself (its ETag is the multipart kind, "<md5>-<parts>"),
// not a copy made at completion.
func TestCompleteUpload_NoCopy(t *testing.T) {
	ctx := context.Background()
	srv := s3test.Start(t)
	b, err := Open(ctx, testConfig(srv, "nocopy"))
	if err != nil {
		t.Fatal(err)
	}
	part := make([]byte, storagetest.PartSize)
	id, err := b.StartUpload(ctx, "f", 2*int64(len(part)))
	if err != nil {
		t.Fatal(err)
	}
	for n := 1; n <= 2; n++ {
		if err := b.PutPart(ctx, "f", id, n, int64(n-1)*int64(len(part)), bytes.NewReader(part), int64(len(part))); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.CompleteUpload(ctx, "f", id, 2); err != nil {
		t.Fatal(err)
	}
	oi, err := b.client.StatObject(ctx, srv.Bucket, "nocopy/f", minio.StatObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(oi.ETag, "-2") {
		t.Fatalf("ETag %q is not that of a 2-part multipart object", oi.ETag)
	}
}

// TestCredentials checks the credential chain: static credentials from the
// configuration win; without them the standard AWS environment variables
// are used.
func TestCredentials(t *testing.T) {
	ctx := context.Background()
	srv := s3test.Start(t)
	t.Setenv("MINIO_ROOT_USER", "")
	t.Setenv("MINIO_ROOT_PASSWORD", "")
	t.Setenv("MINIO_ACCESS_KEY", "")
	t.Setenv("MINIO_SECRET_KEY", "")
	t.Run("Environment", func(t *testing.T) {
		t.Setenv("AWS_ACCESS_KEY_ID", s3test.User)
		t.Setenv("AWS_SECRET_ACCESS_KEY", s3test.Password)
		cfg := testConfig(srv, "env")
		cfg.AccessKey, cfg.SecretKey = "", ""
		b, err := Open(ctx, cfg)
		if err != nil {
			t.Fatalf("Open with credentials in the environment: %v", err)
		}
		if err := b.Put(ctx, "k", strings.NewReader("x"), 1); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("StaticFirst", func(t *testing.T) {
		t.Setenv("AWS_ACCESS_KEY_ID", s3test.User)
		t.Setenv("AWS_SECRET_ACCESS_KEY", s3test.Password)
		cfg := testConfig(srv, "static")
		cfg.SecretKey = "wrong"
		if _, err := Open(ctx, cfg); err == nil {
			t.Fatal("Open with wrong static credentials succeeded: the environment was used instead")
		}
	})
	t.Run("ErrNone", func(t *testing.T) {
		t.Setenv("AWS_ACCESS_KEY_ID", "")
		t.Setenv("AWS_SECRET_ACCESS_KEY", "")
		// No IAM endpoint answers here: the request goes anonymous and
		// MinIO refuses it.
		t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
		cfg := testConfig(srv, "none")
		cfg.AccessKey, cfg.SecretKey = "", ""
		b, err := Open(ctx, cfg)
		if err == nil {
			err = b.Put(ctx, "k", strings.NewReader("x"), 1)
		}
		if err == nil {
			t.Fatal("storing without credentials succeeded")
		}
	})
}

// TestPresignGet fetches a blob, whole and by range, through a presigned
// URL, with the Content-Type and Content-Disposition asked for.
func TestPresignGet(t *testing.T) {
	ctx := context.Background()
	srv := s3test.Start(t)
	cfg := testConfig(srv, "presign")
	off, err := Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := off.PresignGet(ctx, "files/f", "", ""); !errors.Is(err, storage.ErrNotSupported) {
		t.Fatalf("PresignGet with presigning off = %v; want ErrNotSupported", err)
	}
	cfg.PresignTTL = time.Minute
	b, err := Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	body := "0123456789abcdef"
	if err := b.Put(ctx, "files/f", strings.NewReader(body), int64(len(body))); err != nil {
		t.Fatal(err)
	}
	u, err := b.PresignGet(ctx, "files/f", "text/csv", `attachment; filename="data.csv"`)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		rng, want string
		status    int
	}{{"", body, 200}, {"bytes=4-7", "4567", 206}} {
		req, _ := http.NewRequest("GET", u, nil)
		if tc.rng != "" {
			req.Header.Set("Range", tc.rng)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || string(got) != tc.want {
			t.Fatalf("GET %q: %d %q; want %d %q", tc.rng, resp.StatusCode, got, tc.status, tc.want)
		}
		if ct, cd := resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"); ct != "text/csv" || cd != `attachment; filename="data.csv"` {
			t.Fatalf("headers %q, %q; want the ones asked for", ct, cd)
		}
	}
	if _, err := b.PresignGet(ctx, "../x", "", ""); err == nil {
		t.Fatal("presigned an invalid key")
	}
}
