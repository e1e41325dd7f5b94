package app

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// QuotaStatus is where a quota request stands.
type QuotaStatus string

// The states of a quota request: it waits, then is decided once.
const (
	QuotaPending  QuotaStatus = "pending"
	QuotaApproved QuotaStatus = "approved"
	QuotaDeclined QuotaStatus = "declined"
)

// Bounds of quota requests. MaxQuota (1 PB) is far beyond any one
// depositor's need: a larger figure is a slip of the finger. The reasons
// are read by people and go into mail, so they are kept to a page.
const (
	MaxQuota             int64 = 1_000_000_000_000_000
	QuotaReasonMaxLength int   = 2000
)

// QuotaRequest is a depositor's request for more storage and, once an
// administrator decided it, the decision.
type QuotaRequest struct {
	ID        int64
	AccountID int64
	Requested int64 // bytes: the new total quota asked for
	Previous  int64 // the quota in force when the request was made (0 = no limit)
	Reason    string
	Status    QuotaStatus
	Granted   int64 // the quota set on approval; it may differ from Requested
	DecidedBy int64
	Note      string // the administrator's reason (a decline) or note (an approval)
	Created   time.Time
	Decided   time.Time // zero while pending
}

// Validate checks a new request against the quota in force (0 = no
// limit): EUNPROCESSABLE, with a message for the depositor, if it cannot
// be made.
func (q *QuotaRequest) Validate(current int64) error {
	if err := q.ValidateAmount(current); err != nil {
		return err
	}
	return q.ValidateReason()
}

// ValidateAmount checks the quota asked for: more than the quota in force
// (0 = no limit, when there is nothing to ask for) and at most MaxQuota.
func (q *QuotaRequest) ValidateAmount(current int64) error {
	switch {
	case current == 0:
		return Errorf(EUNPROCESSABLE, "Your storage has no limit, so there is nothing to request.")
	case q.Requested <= 0:
		return Errorf(EUNPROCESSABLE, "Enter the storage you need as a number greater than zero.")
	case q.Requested > MaxQuota:
		return Errorf(EUNPROCESSABLE, "At most 1000 TB can be requested; for more, contact the repository's staff.")
	case q.Requested <= current:
		return Errorf(EUNPROCESSABLE, "Ask for more than your current quota of %s: the amount is the new total you need.", FormatBytes(current))
	}
	return nil
}

// ValidateReason checks the depositor's justification: not blank, and at
// most QuotaReasonMaxLength characters.
func (q *QuotaRequest) ValidateReason() error {
	q.Reason = strings.TrimSpace(q.Reason)
	if q.Reason == "" {
		return Errorf(EUNPROCESSABLE, "Say briefly why you need more storage.")
	}
	if n := utf8.RuneCountInString(q.Reason); n > QuotaReasonMaxLength {
		return Errorf(EUNPROCESSABLE, "The reason is too long: at most %d characters; it has %d.", QuotaReasonMaxLength, n)
	}
	return nil
}

// ErrQuotaPending is the ECONFLICT of a second request while one waits:
// an account has at most one request pending, so that administrators
// answer each need once.
func ErrQuotaPending() error {
	return Errorf(ECONFLICT, "You already have a request waiting for a decision; you can ask again once it is decided.")
}

// QuotaDecision is an administrator's answer to a quota request.
type QuotaDecision struct {
	Approve bool
	Quota   int64  // on approval, the quota to set; 0 means the amount requested
	Note    string // required when declining: the requester is told it
}

// Validate checks a decision: EUNPROCESSABLE with a message for the
// administrator.
func (d *QuotaDecision) Validate() error {
	d.Note = strings.TrimSpace(d.Note)
	switch {
	case d.Approve && (d.Quota < 0 || d.Quota > MaxQuota):
		return Errorf(EUNPROCESSABLE, "The quota to grant must be more than zero and at most 1000 TB.")
	case !d.Approve && d.Note == "":
		return Errorf(EUNPROCESSABLE, "Give the reason for declining: the requester is told it.")
	case utf8.RuneCountInString(d.Note) > QuotaReasonMaxLength:
		return Errorf(EUNPROCESSABLE, "The note is too long: at most %d characters.", QuotaReasonMaxLength)
	}
	return nil
}

// QuotaRequestFilter selects quota requests, newest first.
type QuotaRequestFilter struct {
	AccountID int64       // 0 = every account
	Status    QuotaStatus // "" = every status
	Limit     int         // 0 means 100
}

// FormatBytes writes a size as people read it, in decimal units: 1.5 MB.
func FormatBytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}

// TransferOverQuota refuses to give account to an item of size bytes when
// it already uses used of its quota: ECONFLICT, saying by how much, in
// bytes and as people read them.
func TransferOverQuota(account, used, size, quota int64) error {
	return Errorf(ECONFLICT, "The item holds %s (%d bytes) and account %d already uses %s (%d bytes) of its %s (%d bytes) quota: "+
		"the transfer would put it %s (%d bytes) over. Raise the account's quota first, or, as an administrator, transfer it anyway.",
		FormatBytes(size), size, account, FormatBytes(used), used, FormatBytes(quota), quota, FormatBytes(used+size-quota), used+size-quota)
}
