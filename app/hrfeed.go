package app

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
)

// HRFeedImporter checks and applies institution HR feeds (package hrfeed
// implements it; the API and the admin pages use it).
type HRFeedImporter interface {
	// Check stores a feed and returns what it would change, problems
	// included. ETOOLARGE for an oversized feed.
	Check(ctx context.Context, r io.Reader, by int64) (*FeedPlan, error)
	// Apply applies a checked feed, planned again against the accounts as
	// they are now: EUNPROCESSABLE if it has problems or would deactivate
	// everyone without force, ECONFLICT if it was already applied or an
	// account changed meanwhile, ENOTFOUND if the upload is gone.
	Apply(ctx context.Context, uploadID int64, force bool, who AuditEntry) (*FeedPlan, error)
}

// FedAccount is an account as the HR feed sees it: the account and the
// identifier the institution's HR system knows it by ("" if the feed has
// never named it).
type FedAccount struct {
	Account
	InstitutionUserID string
}

// AccountChange is one change an HR feed makes to an account.
type AccountChange struct {
	Kind              string // "create", "update", "deactivate" or "reactivate"
	InstitutionUserID string
	Before            *Account // the account as it was when the change was planned; nil for "create"
	After             Account
	Fields            []string // what changes, for people: `last name: "Doe" → "Smith"`
}

// FeedProblem is one error in an HR feed, at a line of the file.
type FeedProblem struct {
	Line    int
	Message string
}

// FeedPlan is what importing an HR feed would do, worked out before
// anything is applied.
type FeedPlan struct {
	UploadID  int64 // the stored feed this plan was made from
	SHA256    string
	Records   int
	Changes   []AccountChange
	Unchanged int
	Problems  []FeedProblem // any problem means nothing may be applied
	// DeactivatesEveryone is set when the feed would leave no account it
	// manages active: almost always a truncated or wrong file, so it is
	// applied only when forced.
	DeactivatesEveryone bool
	Applied             time.Time // zero until applied
}

// Count returns how many changes of the given kind the plan makes.
func (p *FeedPlan) Count(kind string) int {
	n := 0
	for _, c := range p.Changes {
		if c.Kind == kind {
			n++
		}
	}
	return n
}

// ProblemsError is the error for a plan with problems: EUNPROCESSABLE, with
// every problem and its line in the message; nil if there are none.
func (p *FeedPlan) ProblemsError() error {
	if len(p.Problems) == 0 {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "the feed has %d problem(s); nothing was applied:", len(p.Problems))
	for _, pr := range p.Problems {
		fmt.Fprintf(&b, "\nline %d: %s", pr.Line, pr.Message)
	}
	return Errorf(EUNPROCESSABLE, "%s", b.String())
}
