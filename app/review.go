package app

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Review statuses (Figshare's curation statuses).
const (
	ReviewPending  = "pending"
	ReviewApproved = "approved"
	ReviewRejected = "rejected"
	ReviewClosed   = "closed"
)

// Review is one request to publish an item's draft in a group where
// review is switched on: submitted by the depositor, assigned to a
// reviewer, discussed, then approved (which publishes) or rejected (the
// item goes back to draft, nothing lost).
type Review struct {
	ID            int64
	ItemID        int64
	GroupID       int64
	AccountID     int64 // the item's owner, who submitted it
	Version       int   // the version approval would publish
	Status        string
	AssignedTo    int64
	RequestNumber int // 1 for an item's first review, 2 for the next...
	Resolution    string
	Comments      int
	Created       time.Time
	Modified      time.Time
	Decided       time.Time // zero while pending
	Title         string    // the draft's title, for queues
}

// ReviewComment is one message in a review's thread, or the record of its
// decision.
type ReviewComment struct {
	ID        int64
	ReviewID  int64
	AccountID int64
	Type      string // "comment", "approved", "rejected" or "closed"
	Text      string
	Created   time.Time
}

// ValidateComment checks a comment's text: 1 to 2,000 characters.
func ValidateComment(text string) (string, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return "", Errorf(EUNPROCESSABLE, "a comment needs some text")
	}
	if utf8.RuneCountInString(text) > 2000 || !utf8.ValidString(text) {
		return "", Errorf(EUNPROCESSABLE, "a comment is at most 2,000 characters")
	}
	return text, nil
}

// ReviewFilter selects reviews for a queue, oldest first.
type ReviewFilter struct {
	Groups     []int64 // reviews in these groups; nil means every group
	GroupID    int64   // only this group (and its subgroups are not included)
	ItemID     int64
	Status     string
	AssignedTo int64 // -1 for unassigned
	Offset     int
	Limit      int
}

// StaleReviewError is the conflict of approving an item whose draft changed
// after the reviewer opened it: Changed names what changed.
type StaleReviewError struct {
	Changed []string
}

func (e *StaleReviewError) Error() string {
	return "the item changed since you opened it (" + strings.Join(e.Changed, ", ") + "); review it again"
}

// ReviewStore keeps reviews before publication (the catalog implements it;
// the API and the web pages use it).
type ReviewStore interface {
	ReviewRequired(ctx context.Context, groupID int64) (bool, error)
	// SubmitForReview: EUNPROCESSABLE if the draft is not publishable,
	// ECONFLICT if it already awaits review.
	SubmitForReview(ctx context.Context, itemID int64, who AuditEntry) (*Review, error)
	Review(ctx context.Context, id int64) (*Review, error)
	OpenReview(ctx context.Context, itemID int64) (*Review, error)
	Reviews(ctx context.Context, f ReviewFilter) ([]Review, error)
	// The following answer ECONFLICT once the review is decided.
	AssignReview(ctx context.Context, id, to int64, who AuditEntry) error
	AddReviewComment(ctx context.Context, id int64, text string, who AuditEntry) (*ReviewComment, error)
	ReviewComments(ctx context.Context, id int64, offset, limit int) ([]ReviewComment, error)
	ShowDraft(ctx context.Context, id int64) (string, error)
	ApproveReview(ctx context.Context, id int64, shown, comment string, who AuditEntry) (*Version, error)
	RejectReview(ctx context.Context, id int64, reason string, who AuditEntry) error
	WithdrawSubmission(ctx context.Context, id int64, who AuditEntry) error
}
