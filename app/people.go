package app

import (
	"strings"
	"unicode/utf8"
)

// AuthorQuery selects recorded authors for Figshare's author search. Viewer
// is the account asking: it sees authors named on published items, on its
// own items, and its own author records; All (administrators) sees every
// author.
type AuthorQuery struct {
	Viewer   int64
	All      bool
	Text     string // words of the name, or an ORCID iD; "" = any
	ORCID    string // exact ORCID iD; "" = any
	GroupID  int64  // the linked account's group; 0 = any
	IsPublic *bool  // nil = either; true = named on a published item
	Offset   int
	Limit    int
}

// AuthorRecord is a recorded author as the author search answers it.
type AuthorRecord struct {
	Author
	GroupID int64 // the group of the linked account, 0 if none
	Public  bool  // named on a published version
}

// FundingQuery selects the grants recorded on items the viewer may see:
// its own items' drafts and published versions.
type FundingQuery struct {
	Viewer int64
	Text   string // matched against title, grant code and funder; "" = any
	Limit  int
}

// ProfileUpdate is what an account may change of its own public profile
// through the API; nil leaves a field as it is.
type ProfileUpdate struct {
	FirstName, LastName, ORCID *string
}

// Validate checks names and the ORCID iD.
func (p ProfileUpdate) Validate() error {
	for _, f := range []struct {
		name string
		v    *string
	}{{"first_name", p.FirstName}, {"last_name", p.LastName}} {
		if f.v != nil && (!utf8.ValidString(*f.v) || len(*f.v) > MaxShortTextLen || strings.ContainsRune(*f.v, 0)) {
			return Errorf(EUNPROCESSABLE, "%s must be text of at most %d bytes", f.name, MaxShortTextLen)
		}
	}
	if p.ORCID != nil && *p.ORCID != "" && !ValidORCID(*p.ORCID) {
		return Errorf(EUNPROCESSABLE, "orcid %q is not a valid ORCID iD (0000-0002-1825-0097)", *p.ORCID)
	}
	return nil
}
