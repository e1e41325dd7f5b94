package main

import (
	"context"
	"net/http"
	"time"

	"carrel/app"
	"carrel/app/auth"
)

// samlMetadataJob fetches each identity provider's metadata from its
// metadata_url, checks it (validUntil, and the signature when a metadata
// signing certificate or fingerprint is configured) and replaces the kept
// copy atomically; the server notices the new copy at the next sign-in. A
// failed fetch or check keeps the last good copy and is a problem of the
// run. Metadata files are checked too.
func samlMetadataJob(d jobDeps) app.JobFunc {
	return func(ctx context.Context, r *app.JobReport) error {
		s := d.cfg.Auth.SAML
		if !s.Enabled {
			return nil
		}
		idps, err := samlIdPs(s)
		if err != nil {
			return err
		}
		client := &http.Client{Timeout: 30 * time.Second}
		dir := samlCacheDir(d.cfg)
		for _, idp := range idps {
			if idp.MetadataURL != "" {
				if err := auth.FetchIdPMetadata(ctx, client, idp, dir); err != nil {
					r.Problem("identity provider %s: %v; the last good metadata is kept", idp.Name, err)
					continue
				}
				r.Add("metadata_fetched", 1)
			}
			if _, err := auth.CheckKeptMetadata(idp, dir); err != nil {
				r.Problem("identity provider %s: %v", idp.Name, err)
				continue
			}
			r.Add("metadata_valid", 1)
		}
		return nil
	}
}
