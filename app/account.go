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

// Actor is who is making a request. The zero Actor is anonymous. Grants
// are the account's roles, loaded once per request, so that the access
// policy decides without further lookups.
type Actor struct {
	AccountID int64
	Admin     bool
	Grants    []RoleGrant
	// Link is what a private link presented with the request opens.
	Link LinkGrant
	// Impersonator is the administrator acting as this account, if any.
	Impersonator int64
}

// NewActor is the actor for an account with its role grants. An
// institution-wide administrator role makes the actor an administrator.
func NewActor(a *Account, grants []RoleGrant) Actor {
	act := Actor{AccountID: a.ID, Admin: a.Admin, Grants: grants}
	for _, g := range grants {
		if g.Role == RoleAdministrator {
			act.Admin = true
		}
	}
	return act
}

// HasRole reports whether the actor holds the role on the group, directly,
// through an ancestor group, or institution-wide. Administrators hold every
// role everywhere.
func (a Actor) HasRole(r Role, groupID int64) bool {
	if a.Admin {
		return true
	}
	for _, g := range a.Grants {
		if g.Role == r && g.covers(groupID) {
			return true
		}
	}
	return false
}

// GroupsWith returns the groups on which the actor holds any of the roles;
// all is true when one of them is held institution-wide (or the actor is an
// administrator), and the list is then empty.
func (a Actor) GroupsWith(roles ...Role) (groups []int64, all bool) {
	if a.Admin {
		return nil, true
	}
	seen := map[int64]bool{}
	for _, g := range a.Grants {
		for _, r := range roles {
			if g.Role != r {
				continue
			}
			if g.GroupID == 0 {
				return nil, true
			}
			for _, id := range g.Covers {
				if !seen[id] {
					seen[id] = true
					groups = append(groups, id)
				}
			}
		}
	}
	return groups, false
}

// Anonymous reports whether nobody is signed in.
func (a Actor) Anonymous() bool { return a.AccountID == 0 }
