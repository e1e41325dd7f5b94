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
	// Grants are the roles the directory groups map to. At each sign-in
	// they replace the roles the directory gave before; roles given by
	// hand are never touched.
	Grants []DirectoryGrant
	// UnknownGroups is filled in when the account is stored: the Carrel
	// groups named by Grants that do not exist, so were not granted.
	UnknownGroups []string
}

// DirectoryGrant is a role that membership of a directory group confers:
// on the Carrel group named Group, or institution-wide when Group is "".
type DirectoryGrant struct {
	Role  Role
	Group string
}

// Where a role assignment came from.
const (
	SourceHand      = ""          // given by an administrator, the CLI or the API
	SourceDirectory = "directory" // mapped from directory groups at sign-in
)

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
