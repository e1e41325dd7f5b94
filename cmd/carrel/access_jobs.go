package main

import (
	"context"

	"carrel/app"
	"carrel/app/catalog"
)

// embargoLiftJob lifts every dated embargo whose time has come. Each lift
// is a catalog change, so the search index and OAI-PMH publish the item as
// soon as the server applies it; each is audited as item.embargo.expire.
// The access policy already treats a lapsed embargo as lifted, so a late
// run never hides an item longer than its date.
func embargoLiftJob(cat *catalog.DB) app.JobFunc {
	return func(ctx context.Context, r *app.JobReport) error {
		lifted, err := cat.LiftExpiredEmbargoes(ctx)
		r.Add("embargoes_lifted", int64(len(lifted)))
		return err
	}
}

// privateLinkExpiryJob deletes private links past their expiry, auditing
// each. An expired link already stops working the moment it expires; this
// clears them away and records that they ended.
func privateLinkExpiryJob(cat *catalog.DB) app.JobFunc {
	return func(ctx context.Context, r *app.JobReport) error {
		n, err := cat.DeleteExpiredPrivateLinks(ctx)
		r.Add("links_expired", int64(n))
		return err
	}
}
