package app

import "time"

// Overview is the administrators' dashboard: the state of the repository
// at a glance.
type Overview struct {
	ItemsByStatus  map[ItemStatus]int64
	PendingReviews int64
	OldestPending  time.Time // zero when nothing waits
	StorageUsed    int64     // bytes of every stored file
	Accounts       int64
	ActiveAccounts int64
	FixityFailures int64 // stored files whose last fixity check failed
	// PendingQuotaRequests counts depositors' requests for more storage
	// waiting for an administrator.
	PendingQuotaRequests int64
}

// GroupUsage is the storage a group and its subgroups use against its
// quota.
type GroupUsage struct {
	Group
	Depth  int   // 0 for a top-level group
	Used   int64 // bytes in the group's items and its subgroups'
	Review bool  // review is required in this group (itself or inherited)
	Own    bool  // review is switched on on this group itself
}

// ReportFilter selects the rows of the items and accounts reports, and of
// the administrators' item finder.
type ReportFilter struct {
	Status  string // items: an ItemStatus; accounts: "active" or "inactive"; "" = all
	GroupID int64  // the group and its subgroups; 0 = all
	Since   time.Time
	Until   time.Time // created before
	// Items only: the owner, the item type, words of the title (or an
	// item id), and the groups (each with its subgroups) the caller looks
	// after, nil meaning every group.
	OwnerID  int64
	ItemType int
	Query    string
	Within   []int64
	// Newest lists newest first; Limit (0 = no limit) and Offset page.
	Newest        bool
	Offset, Limit int
}

// ReportItem is one row of the items report.
type ReportItem struct {
	ID             int64
	Title          string
	Status         string
	GroupID        int64
	Group          string
	OwnerID        int64
	Owner          string // the owner's email
	ItemType       int
	Version        int
	DOI            string
	Files          int64
	Bytes          int64
	Created        time.Time
	Modified       time.Time
	Published      time.Time
	WithdrawReason string
}

// ReportAccount is one row of the accounts report.
type ReportAccount struct {
	Account
	Group string
	Items int64
	Bytes int64
}
