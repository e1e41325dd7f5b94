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
// metadata: anyone once it is public, and after withdrawal its tombstone
// (metadata and reason, never files).
func CanSeePublic(_ Actor, it *Item) bool {
	return it.Version > 0 && (it.Status == StatusPublished || it.Status == StatusWithdrawn)
}

// CanDownloadPublic reports whether the files of the item's published
// versions may be downloaded by the actor: only while it is public.
func CanDownloadPublic(_ Actor, it *Item) bool { return it.IsPublic() }

// CanWithdraw reports whether the actor may withdraw a published item.
// Withdrawal is a curatorial decision, so it is the administrators'.
func CanWithdraw(a Actor, _ *Item) bool { return a.Admin }

// CanDepositIn reports whether the actor may place an item in a group:
// none (0), the group of its own account (home), or a group where it holds
// the depositor or group administrator role.
func CanDepositIn(a Actor, home, groupID int64) bool {
	if a.Anonymous() {
		return false
	}
	return groupID == 0 || groupID == home || a.HasRole(RoleDepositor, groupID) || a.HasRole(RoleGroupAdmin, groupID)
}

// CanManageGroup reports whether the actor may change a group, its people
// and their roles: administrators, and group administrators of it or of a
// group above it.
func CanManageGroup(a Actor, groupID int64) bool {
	return a.Admin || (groupID != 0 && a.HasRole(RoleGroupAdmin, groupID))
}
