package app

import "time"

// Mail is one notification in the outbox.
type Mail struct {
	ID        int64
	Event     string // e.g. "review_submitted"
	To        string
	Subject   string
	Body      string
	Created   time.Time
	Attempts  int
	Next      time.Time // when to try (again)
	Sent      time.Time // zero until sent
	LastError string
}
