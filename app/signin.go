package app

import (
	"strings"
	"time"
)

// Session is a browser sign-in. The cookie holds a random session id; the
// catalog keeps only its hash, so that signing out or deactivating the
// account ends the session at once, wherever the cookie has gone.
type Session struct {
	IDHash    string
	AccountID int64
	Method    string // "local", "ldap" or "saml:<idp>"
	Address   string
	Created   time.Time
	Expires   time.Time
	// NameID and SessionIndex are the SAML subject and session, kept for
	// single logout.
	NameID       string
	SessionIndex string
}

// ExternalAccount is an account as a directory (LDAP) or an identity
// provider (SAML) describes it at sign-in.
type ExternalAccount struct {
	ExternalID string // "ldap:<uid>" or "saml:<idp>:<eppn or NameID>", stable across renames
	Email      string
	FirstName  string
	LastName   string
	ORCID      string
	// Groups are the Carrel group names the directory groups map to.
	Groups []string
	// Admin is set when a mapped directory group confers administration.
	Admin bool
}

// Validate checks what an identity provider sent before an account is
// created or updated from it.
func (x *ExternalAccount) Validate() error {
	if x.ExternalID == "" {
		return Errorf(EINVALID, "the identity provider sent no user id")
	}
	a := Account{Email: x.Email, FirstName: x.FirstName, LastName: x.LastName, ORCID: x.ORCID}
	if a.FullName() == "" {
		a.LastName = x.Email
	}
	return a.Validate()
}

// ValidTokenName checks the name a person gives a personal API token.
func ValidTokenName(name string) error {
	if strings.TrimSpace(name) == "" {
		return Errorf(EINVALID, "a token needs a name, so that you can tell your tokens apart")
	}
	if len(name) > 100 {
		return Errorf(EINVALID, "a token name may be at most 100 characters")
	}
	return nil
}
