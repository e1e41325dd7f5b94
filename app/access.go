package app

import "time"

// The access policy: one place decides who may see or change an item, for
// every item state (draft, pending review, published, embargoed whole or
// files only, confidential, withdrawn) and every kind of actor (anonymous,
// owner, other depositor, reviewer and group administrator of the item's
// group or another, administrator, private-link holder). Every path that
// shows an item (API, pages, downloads, previews, search, OAI, exports,
// stats) asks these functions; nothing else decides visibility.

// View is how much of an item's published version an actor may see.
type View int

// Views, from nothing to everything.
const (
	ViewNone      View = iota // the item does not exist for the actor: 404
	ViewTombstone             // withdrawn: metadata and reason, never files
	ViewStub                  // whole-item embargo: title, identifiers and the embargo notice
	ViewMetadata              // all metadata, no files (files embargoed, or confidential)
	ViewFull                  // metadata and files
)

// manages reports whether the actor looks after the item: its owner, an
// administrator, or a group administrator of the item's group.
func manages(a Actor, it *Item) bool {
	if a.Anonymous() {
		return false
	}
	return a.Admin || a.AccountID == it.AccountID || a.HasRole(RoleGroupAdmin, it.GroupID)
}

// reviews reports whether the actor reviews the item's group.
func reviews(a Actor, it *Item) bool {
	return !a.Anonymous() && a.HasRole(RoleReviewer, it.GroupID)
}

// linked reports whether the actor holds a private link to the item. A
// withdrawn item's links open nothing more than its tombstone.
func linked(a Actor, it *Item) bool {
	return a.Link.Kind == LinkArticle && a.Link.TargetID == it.ID && it.ID != 0 && it.Status != StatusWithdrawn
}

// inReview reports whether the item's draft awaits review.
func inReview(it *Item) bool {
	return it.Status == StatusPending || it.CurationStatus == CurationPending
}

// CanEdit reports whether the actor may change the item's draft, files,
// embargo, confidentiality and private links: its owner, an administrator,
// or a group administrator of its group.
func CanEdit(a Actor, it *Item) bool { return manages(a, it) }

// CanSeeDraft reports whether the actor may read the item's unpublished
// draft: those who manage it, reviewers of its group while it awaits
// review, and holders of a private link to it. Those who may not are told
// the item does not exist, so that ids do not leak.
func CanSeeDraft(a Actor, it *Item) bool {
	return manages(a, it) || (reviews(a, it) && inReview(it)) || linked(a, it)
}

// CanDownloadDraft reports whether the actor may download the files of the
// item's draft: whoever may see it, except that a private link never opens
// a confidential item's files.
func CanDownloadDraft(a Actor, it *Item) bool {
	if !CanSeeDraft(a, it) {
		return false
	}
	return !it.Confidentiality.Confidential || manages(a, it) || reviews(a, it)
}

// PublicView is how much of the item's latest published version the actor
// may see at now. Those who manage the item and reviewers of its group see
// all of it; a private-link holder sees embargoed files but never
// confidential ones; the public sees what the embargo, confidentiality and
// withdrawal leave.
func PublicView(a Actor, it *Item, now time.Time) View {
	if it.Version == 0 {
		return ViewNone
	}
	switch it.Status {
	case StatusWithdrawn:
		return ViewTombstone
	case StatusPublished:
	default:
		return ViewNone
	}
	if manages(a, it) || reviews(a, it) {
		return ViewFull
	}
	if it.Confidentiality.Confidential {
		return ViewMetadata
	}
	if linked(a, it) {
		return ViewFull
	}
	if it.Embargo.Active(now) {
		if it.Embargo.Type == EmbargoItem {
			return ViewStub
		}
		return ViewMetadata
	}
	return ViewFull
}

// CanSeePublic reports whether the actor may see the item's published
// record at all (perhaps only a tombstone or an embargo notice).
func CanSeePublic(a Actor, it *Item) bool { return PublicView(a, it, time.Now()) != ViewNone }

// CanSeePublicMetadata reports whether the actor may see the full metadata
// of the item's published version (not only an embargo notice).
func CanSeePublicMetadata(a Actor, it *Item) bool {
	v := PublicView(a, it, time.Now())
	return v == ViewMetadata || v == ViewFull || v == ViewTombstone
}

// CanDownloadPublic reports whether the actor may list and download the
// files of the item's published versions.
func CanDownloadPublic(a Actor, it *Item) bool { return PublicView(a, it, time.Now()) == ViewFull }

// OpenToAll reports whether everyone, signed in or not, may see the item's
// full published metadata and files: what harvesters, feeds and public
// exports may carry.
func OpenToAll(it *Item, now time.Time) bool { return PublicView(Actor{}, it, now) == ViewFull }

// FindableByAll reports whether the item belongs in public search results,
// listings and harvests with its full metadata: published, not withdrawn,
// not under a whole-item embargo, not confidential.
func FindableByAll(it *Item, now time.Time) bool {
	return it.IsPublic() && !it.Confidentiality.Confidential && PublicView(Actor{}, it, now) >= ViewMetadata
}

// CanCurate reports whether the actor looks after the item for the
// institution, whoever owns it: administrators and the group
// administrators of the item's group. They find it among the
// administrators' items and may edit, withdraw or transfer it.
func CanCurate(a Actor, it *Item) bool {
	return !a.Anonymous() && (a.Admin || a.HasRole(RoleGroupAdmin, it.GroupID))
}

// CanWithdraw reports whether the actor may withdraw a published item.
// Withdrawal is a curatorial decision: administrators and the group
// administrators of the item's group.
func CanWithdraw(a Actor, it *Item) bool { return CanCurate(a, it) }

// CanTransfer reports whether the actor may make the target account, whose
// home group is targetGroup, the item's owner: administrators, and group
// administrators of both the item's group and the new owner's, so that no
// item leaves a group administrator's reach for someone outside it.
func CanTransfer(a Actor, it *Item, targetGroup int64) bool {
	if !CanCurate(a, it) {
		return false
	}
	return a.Admin || (targetGroup != 0 && a.HasRole(RoleGroupAdmin, targetGroup))
}

// CanReview reports whether the actor may review (approve or reject) the
// item: administrators, and reviewers and group administrators of its group.
func CanReview(a Actor, it *Item) bool {
	return !a.Anonymous() && (a.Admin || a.HasRole(RoleReviewer, it.GroupID) || a.HasRole(RoleGroupAdmin, it.GroupID))
}

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

// CanImpersonate reports whether the actor may act as the target account,
// whose home group is targetGroup: administrators for anyone but another
// administrator; group administrators for the accounts of their groups.
func CanImpersonate(a Actor, target *Account, targetGroup int64) bool {
	if a.Anonymous() || target.ID == a.AccountID || target.Admin || !target.Active {
		return false
	}
	return a.Admin || (targetGroup != 0 && a.HasRole(RoleGroupAdmin, targetGroup))
}
