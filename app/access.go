package app

// The access policy: one place decides who may see or change an item. Every
// path that shows an item (API, pages, downloads, search, OAI, exports)
// asks these functions.

// CanEdit reports whether the actor may change the item's draft, files and
// state.
func CanEdit(a Actor, it *Item) bool {
	if a.Anonymous() {
		return false
	}
	return a.Admin || a.AccountID == it.AccountID
}

// CanSeeDraft reports whether the actor may see the item's unpublished
// draft and download its files. Those who may not are told the item does not
// exist, so that ids do not leak.
func CanSeeDraft(a Actor, it *Item) bool { return CanEdit(a, it) }

// CanSeePublic reports whether the actor may see the item's published
// versions: anyone once it is public; after withdrawal only its tombstone.
func CanSeePublic(_ Actor, it *Item) bool { return it.IsPublic() }

// CanDownloadPublic reports whether the public files of a published item
// may be downloaded by the actor.
func CanDownloadPublic(a Actor, it *Item) bool { return CanSeePublic(a, it) }
