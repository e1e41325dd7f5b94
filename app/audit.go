package app

import "time"

// AuditEntry records who did what, when and from where. Sign-ins (success
// and failure), role and group changes, impersonation, publishing and
// withdrawal, embargo and access changes, token creation and revocation are
// all audited.
type AuditEntry struct {
	ID       int64
	At       time.Time
	ActorID  int64  // the account acting; 0 for anonymous or the system
	OnBehalf int64  // the impersonated account, when an administrator acts as another
	Action   string // dotted verb, e.g. "signin.failed", "item.publish", "token.revoke"
	Target   string // what it was done to, e.g. "item:12", "account:7"
	Address  string // the client's IP address, when there was a request
	Detail   string // free text: a reason, the old and new value
}

// AuditFilter selects audit entries, newest first.
type AuditFilter struct {
	ActorID int64
	Action  string // exact action, or a prefix ending in "." ("signin.")
	Target  string
	Since   time.Time
	Until   time.Time
	Offset  int
	Limit   int // 0 means 100
}
