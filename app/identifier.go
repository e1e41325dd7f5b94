package app

import (
	"strconv"
	"strings"
)

// Identifiers is the naming scheme of the persistent identifiers Carrel
// reserves: one concept DOI per item (<prefix>/carrel.<id>) naming every
// version, and a version DOI per published version (<concept>.v<N>), the
// way Figshare names 10.6084/m9.figshare.<id>.v<N>; handles are
// <handle prefix>/carrel.<id>.
type Identifiers struct {
	DOIPrefix    string // e.g. 10.5072
	HandlePrefix string // e.g. 20.500.12345
}

// ItemDOI is the concept DOI of an item.
func (s Identifiers) ItemDOI(id int64) string {
	return s.DOIPrefix + "/carrel." + strconv.FormatInt(id, 10)
}

// CollectionDOI is the concept DOI of a collection.
func (s Identifiers) CollectionDOI(id int64) string {
	return s.DOIPrefix + "/carrel.c." + strconv.FormatInt(id, 10)
}

// ItemHandle is the handle of an item.
func (s Identifiers) ItemHandle(id int64) string {
	return s.HandlePrefix + "/carrel." + strconv.FormatInt(id, 10)
}

// CollectionHandle is the handle of a collection.
func (s Identifiers) CollectionHandle(id int64) string {
	return s.HandlePrefix + "/carrel.c." + strconv.FormatInt(id, 10)
}

// VersionDOI is the DOI of version n of the item whose concept DOI is given.
func VersionDOI(concept string, n int) string {
	return concept + ".v" + strconv.Itoa(n)
}

// ConceptOf returns the concept DOI a version DOI of version n was made
// from, and false when the DOI is not a version DOI of that version.
func ConceptOf(versionDOI string, n int) (string, bool) {
	return strings.CutSuffix(versionDOI, ".v"+strconv.Itoa(n))
}

// ValidDOIPrefix reports whether p is a DOI prefix: "10." followed by one
// or more dot-separated runs of digits.
func ValidDOIPrefix(p string) bool {
	rest, ok := strings.CutPrefix(p, "10.")
	return ok && validDotted(rest)
}

// ValidHandlePrefix reports whether p is a handle prefix such as
// 20.500.12345 or 11172: dot-separated runs of digits.
func ValidHandlePrefix(p string) bool { return validDotted(p) }

func validDotted(s string) bool {
	if s == "" {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if part == "" || strings.Trim(part, "0123456789") != "" {
			return false
		}
	}
	return true
}

// DOIRegistration is one pending or sent request to register a DOI with
// the DOI agency, kept in the catalog's outbox until it succeeds.
type DOIRegistration struct {
	ID       int64
	DOI      string
	ItemID   int64
	Version  int    // the version it describes; 0 for a reserved, unpublished DOI
	Concept  bool   // the concept DOI (resolving to the latest version) rather than a version DOI
	Event    string // "draft" (reserved), "publish" (findable) or "hide" (registered, withdrawn)
	Created  string // RFC 3339
	Attempts int
	NextAt   string // when the next attempt is due
	SentAt   string // when it succeeded; "" while pending
	Error    string // the last failure
}

// DOI registration events, named as DataCite names them ("draft" is the
// absence of an event: a draft DOI).
const (
	DOIDraft   = "draft"
	DOIPublish = "publish"
	DOIHide    = "hide"
)
