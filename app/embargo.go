package app

import (
	"strings"
	"time"
	"unicode/utf8"
)

// EmbargoType is what an embargo hides: the whole item, or only its files.
type EmbargoType string

// Embargo types, named as Figshare names them.
const (
	EmbargoNone  EmbargoType = ""
	EmbargoItem  EmbargoType = "article" // only the title and the embargo notice are public
	EmbargoFiles EmbargoType = "file"    // the metadata is public, the files are not
)

// Embargo keeps a published item, or its files, from the public until a
// date, or for good when Until is zero.
type Embargo struct {
	Type   EmbargoType
	Until  time.Time // the moment it lifts; zero = permanent
	Title  string    // shown in place of what is hidden, e.g. "File(s) under embargo"
	Reason string
}

// Active reports whether the embargo is in force at now.
func (e Embargo) Active(now time.Time) bool {
	return e.Type != EmbargoNone && (e.Until.IsZero() || now.Before(e.Until))
}

// Permanent reports whether the embargo never lifts by itself.
func (e Embargo) Permanent() bool { return e.Type != EmbargoNone && e.Until.IsZero() }

// Validate checks an embargo before it is stored.
func (e *Embargo) Validate() error {
	switch e.Type {
	case EmbargoNone, EmbargoItem, EmbargoFiles:
	default:
		return Errorf(EUNPROCESSABLE, "embargo_type must be article or file, not %q", e.Type)
	}
	e.Title, e.Reason = strings.TrimSpace(e.Title), strings.TrimSpace(e.Reason)
	for _, s := range []string{e.Title, e.Reason} {
		if !utf8.ValidString(s) || utf8.RuneCountInString(s) > MaxShortTextLen || strings.ContainsRune(s, 0) {
			return Errorf(EUNPROCESSABLE, "embargo title and reason are at most %d characters of valid UTF-8", MaxShortTextLen)
		}
	}
	if e.Title == "" && e.Type != EmbargoNone {
		e.Title = "File(s) under embargo"
		if e.Type == EmbargoItem {
			e.Title = "Item under embargo"
		}
	}
	return nil
}

// Confidentiality keeps an item's files from everyone but those who manage
// it, for good, while its metadata stays public.
type Confidentiality struct {
	Confidential bool
	Reason       string
}

// LinkTarget names what a private link opens.
type LinkTarget string

// Private link targets.
const (
	LinkArticle    LinkTarget = "article"
	LinkCollection LinkTarget = "collection"
)

// PrivateLink opens one unpublished, embargoed or private item (or
// collection) to whoever holds its token, until it expires or is deleted.
type PrivateLink struct {
	ID        int64
	Token     string // shown to the owner; the link's secret
	Kind      LinkTarget
	TargetID  int64
	AccountID int64     // who made it
	Expires   time.Time // zero = never
	ReadOnly  bool      // always true for now: a link never grants edits
	Created   time.Time
}

// Active reports whether the link still opens its target at now.
func (l *PrivateLink) Active(now time.Time) bool {
	return l.Expires.IsZero() || now.Before(l.Expires)
}

// LinkGrant is what a private link presented with a request grants: a view
// of one target. The zero LinkGrant grants nothing.
type LinkGrant struct {
	Kind     LinkTarget
	TargetID int64
}
