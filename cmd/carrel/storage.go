package main

import (
	"context"
	"fmt"
	"time"

	"carrel/storage"
	"carrel/storage/local"
	"carrel/storage/s3"
)

// openBlobs opens the blob store the configuration names.
func openBlobs(ctx context.Context, cfg Config) (storage.Backend, error) {
	switch cfg.Storage.Backend {
	case "s3":
		c := cfg.Storage.S3
		var presign time.Duration
		if c.PresignDownloads {
			presign = time.Duration(c.PresignSeconds) * time.Second
		}
		b, err := s3.Open(ctx, s3.Config{Endpoint: c.Endpoint, Region: c.Region, Bucket: c.Bucket, Prefix: c.Prefix,
			AccessKey: c.AccessKey, SecretKey: c.SecretKey, SessionToken: c.SessionToken, UseTLS: c.UseTLS,
			Insecure: c.Insecure, PathStyle: c.PathStyle, ServerSideEncryption: c.ServerSideEncryption,
			KMSKeyID: c.KMSKeyID, PresignTTL: presign})
		if err != nil {
			return nil, fmt.Errorf("storage (s3 %s/%s): %w", c.Endpoint, c.Bucket, err)
		}
		return b, nil
	default:
		b, err := local.Open(cfg.blobDir())
		if err != nil {
			return nil, fmt.Errorf("storage (%s): %w", cfg.blobDir(), err)
		}
		return b, nil
	}
}
