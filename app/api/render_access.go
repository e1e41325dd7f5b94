package api

import (
	"time"

	"carrel/app"
)

// setAccessFields fills in the embargo and confidentiality fields of
// Figshare's article from the item's current access state.
func setAccessFields(a *articleComplete, it *app.Item) {
	e := it.Embargo
	a.IsEmbargoed = e.Active(time.Now())
	a.EmbargoType, a.EmbargoTitle, a.EmbargoReason = string(e.Type), e.Title, e.Reason
	if e.Type == app.EmbargoNone {
		a.EmbargoType = "file" // Figshare's value for an item without an embargo; the schema allows only article|file
	}
	if !e.Until.IsZero() {
		d := stamp(e.Until)
		a.EmbargoDate = &d
	} else if e.Permanent() {
		d := "0" // Figshare's permanent embargo
		a.EmbargoDate = &d
	}
	a.IsConfidential, a.ConfidentialWhy = it.Confidentiality.Confidential, it.Confidentiality.Reason
}

// limitToView removes from a published record what the view does not
// allow: the files when only metadata may be seen, and everything but the
// title, identifiers and the embargo notice under a whole-item embargo.
func limitToView(a *articleComplete, view app.View) {
	if view == app.ViewFull {
		return
	}
	a.Files, a.FolderStructure, a.Size, a.Thumb = []fileJSON{}, map[string]string{}, 0, ""
	if view != app.ViewStub {
		return
	}
	a.Description, a.Citation, a.Funding = "", "", ""
	a.FundingList, a.Tags, a.Keywords = []app.Funding{}, []string{}, []string{}
	a.Categories, a.References, a.RelatedMaterials = []app.Category{}, []string{}, []app.RelatedMaterial{}
	a.Authors, a.CustomFields, a.License = []authorJSON{}, []customFieldJSON{}, nil
	a.Timeline, a.Supplementary = app.Timeline{}, nil
}

// cacheControl lets shared caches keep only what everyone may download;
// anything else a signed-in or link-holding caller fetched stays private.
func cacheControl(it *app.Item) string {
	if app.OpenToAll(it, time.Now()) {
		return "public, max-age=3600"
	}
	return "private, no-store"
}
