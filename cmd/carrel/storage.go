package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"carrel/app/catalog"
	"carrel/storage"
	"carrel/storage/local"
	"carrel/storage/migrate"
	"carrel/storage/s3"
)

// The configuration names stores: "default" is the [storage] section, and
// each [stores.NAME] section is another. The catalog records which one
// holds the blobs (catalog.ActiveStore); `carrel storage migrate --to NAME`
// changes it.

// storeConfig returns the configuration of the store called name.
func (c *Config) storeConfig(name string) (StorageConfig, error) {
	if name == catalog.DefaultStore {
		sc := c.Storage
		if sc.Backend == "local" && sc.Path == "" {
			sc.Path = c.blobDir()
		}
		return sc, nil
	}
	sc, ok := c.Stores[name]
	if !ok {
		return StorageConfig{}, fmt.Errorf("no store %q is configured (stores: %s)", name, strings.Join(c.storeNames(), ", "))
	}
	return sc, nil
}

// storeNames lists the configured stores.
func (c *Config) storeNames() []string {
	names := []string{catalog.DefaultStore}
	for n := range c.Stores {
		names = append(names, n)
	}
	sort.Strings(names[1:])
	return names
}

// openStore opens the store called name.
func openStore(ctx context.Context, cfg Config, name string) (storage.Backend, error) {
	sc, err := cfg.storeConfig(name)
	if err != nil {
		return nil, err
	}
	return openBackend(ctx, sc, name)
}

// openBackend opens the store sc describes; name is for error messages.
func openBackend(ctx context.Context, sc StorageConfig, name string) (storage.Backend, error) {
	if sc.Backend != "s3" {
		b, err := local.Open(sc.Path)
		if err != nil {
			return nil, fmt.Errorf("storage %q (%s): %w", name, sc.Path, err)
		}
		return b, nil
	}
	c := sc.S3
	var presign time.Duration
	if c.PresignDownloads {
		presign = time.Duration(c.PresignSeconds) * time.Second
	}
	b, err := s3.Open(ctx, s3.Config{Endpoint: c.Endpoint, Region: c.Region, Bucket: c.Bucket, Prefix: c.Prefix,
		AccessKey: c.AccessKey, SecretKey: c.SecretKey, SessionToken: c.SessionToken, UseTLS: c.UseTLS,
		Insecure: c.Insecure, PathStyle: c.PathStyle, ServerSideEncryption: c.ServerSideEncryption,
		KMSKeyID: c.KMSKeyID, PresignTTL: presign})
	if err != nil {
		return nil, fmt.Errorf("storage %q (s3 %s/%s): %w", name, c.Endpoint, c.Bucket, err)
	}
	return b, nil
}

// openBlobs opens the store the catalog records as holding the blobs (the
// [storage] section unless a migration switched to another), as a Switch
// that a migration can move to another store while the server runs.
func openBlobs(ctx context.Context, cfg Config, cat *catalog.DB) (*migrate.Switch, error) {
	name, err := cat.ActiveStore(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := cfg.storeConfig(name); err != nil {
		return nil, fmt.Errorf("the catalog records that the blobs are in store %q (moved there by carrel storage migrate), but %w: restore its [stores.%s] section", name, err, name)
	}
	b, err := openStore(ctx, cfg, name)
	if err != nil {
		return nil, err
	}
	return migrate.NewSwitch(name, b, func(ctx context.Context, name string) (storage.Backend, error) {
		return openStore(ctx, cfg, name)
	}), nil
}
