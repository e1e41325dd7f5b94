package app

import (
	"net/mail"
	"strings"
	"time"
)

// Account is a person who signs in to Carrel.
type Account struct {
	ID        int64
	Email     string
	FirstName string
	LastName  string
	ORCID     string
	Admin     bool
	Active    bool
	Quota     int64 // bytes; 0 means the configured default
	GroupID   int64
	Created   time.Time
}

// FullName is the account's display name.
func (a *Account) FullName() string {
	return strings.TrimSpace(a.FirstName + " " + a.LastName)
}

// Validate checks an account before it is stored.
func (a *Account) Validate() error {
	addr, err := mail.ParseAddress(a.Email)
	if err != nil || addr.Address != a.Email {
		return Errorf(EINVALID, "%q is not a valid email address", a.Email)
	}
	if strings.TrimSpace(a.FullName()) == "" {
		return Errorf(EINVALID, "a name is required")
	}
	if a.ORCID != "" && !ValidORCID(a.ORCID) {
		return Errorf(EINVALID, "%q is not a valid ORCID iD", a.ORCID)
	}
	return nil
}

// SplitName splits a display name into first and last names the way most
// Western names split: the last word is the family name.
func SplitName(full string) (first, last string) {
	words := strings.Fields(full)
	switch len(words) {
	case 0:
		return "", ""
	case 1:
		return "", words[0]
	}
	return strings.Join(words[:len(words)-1], " "), words[len(words)-1]
}

// Token is a personal API token. Only its hash is stored; the secret is
// shown once when it is created.
type Token struct {
	ID        int64
	AccountID int64
	Name      string
	Created   time.Time
	LastUsed  time.Time
}

// Actor is who is making a request. The zero Actor is anonymous.
type Actor struct {
	AccountID int64
	Admin     bool
}

// Anonymous reports whether nobody is signed in.
func (a Actor) Anonymous() bool { return a.AccountID == 0 }
