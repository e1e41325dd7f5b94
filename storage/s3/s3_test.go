package s3

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"

	"carrel/storage"
	"carrel/storage/s3/s3test"
	"carrel/storage/storagetest"
)

// testConfig is a Config for srv's bucket under prefix.
func testConfig(srv s3test.Server, prefix string) Config {
	return Config{
		Endpoint:  srv.Endpoint,
		Bucket:    srv.Bucket,
		Prefix:    prefix,
		AccessKey: s3test.User,
		SecretKey: s3test.Password,
		PathStyle: true,
	}
}

func TestBackend(t *testing.T) {
	srv := s3test.Start(t)
	var n atomic.Int64
	// Each subtest gets its own prefix in the one bucket, which also
	// checks that a prefix keeps backends apart.
	storagetest.Run(t, func(t *testing.T) storage.Backend {
		b, err := Open(context.Background(), testConfig(srv, fmt.Sprintf("t%d", n.Add(1))))
		if err != nil {
			t.Fatal(err)
		}
		return b
	})
}

func TestOpen_ErrNoBucket(t *testing.T) {
	srv := s3test.Start(t)
	cfg := testConfig(srv, "")
	cfg.Bucket = "no-such-bucket"
	if _, err := Open(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("Open = %v; want a missing-bucket error", err)
	}
	cfg = testConfig(srv, "")
	cfg.SecretKey = "wrong"
	if _, err := Open(context.Background(), cfg); err == nil {
		t.Fatal("Open with a wrong secret succeeded")
	}
}

func TestPut_Multipart(t *testing.T) {
	ctx := context.Background()
	srv := s3test.Start(t)
	b, err := Open(ctx, testConfig(srv, "multi"))
	if err != nil {
		t.Fatal(err)
	}
	b.maxSinglePut = storagetest.PartSize
	want := make([]byte, 2*storagetest.PartSize+10)
	rand.Read(want)
	if err := b.Put(ctx, "big", bytes.NewReader(want), int64(len(want))); err != nil {
		t.Fatal(err)
	}
	blob, info, err := b.Open(ctx, "big")
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(blob)
	blob.Close()
	if err != nil || info.Size != int64(len(want)) || !bytes.Equal(got, want) {
		t.Fatalf("read back %d bytes (info %d), %v; want the %d bytes put", len(got), info.Size, err, len(want))
	}
	for _, body := range [][]byte{want[:len(want)-1], append(want[:len(want):len(want)], 1)} {
		if err := b.Put(ctx, "big2", bytes.NewReader(body), int64(len(want))); err == nil {
			t.Fatalf("Put of %d bytes as %d succeeded", len(body), len(want))
		}
		if _, err := b.Stat(ctx, "big2"); err == nil {
			t.Fatal("failed multipart Put left a blob")
		}
	}
	res, err := b.core.ListMultipartUploads(ctx, srv.Bucket, "multi/", "", "", "", 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Uploads) != 0 {
		t.Fatalf("failed multipart Puts left %d uploads behind", len(res.Uploads))
	}
}
