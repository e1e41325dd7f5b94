package app

import (
	"fmt"
	"time"
)

// UsageKind is what a reader did: viewed a landing page, downloaded a file,
// or shared the item (Figshare's three counters).
type UsageKind string

// Usage kinds.
const (
	UsageView     UsageKind = "view"
	UsageDownload UsageKind = "download"
	UsageShare    UsageKind = "share"
)

// ParseCounter maps a counter name of Figshare's stats service (views,
// downloads, shares) to its kind.
func ParseCounter(s string) (UsageKind, error) {
	switch s {
	case "views":
		return UsageView, nil
	case "downloads":
		return UsageDownload, nil
	case "shares":
		return UsageShare, nil
	}
	return "", Errorf(EINVALID, "counter %q is not supported (use views, downloads or shares)", s)
}

// UsageClient is who made a request, as the HTTP packages saw it. The
// recorder turns it into an anonymous visitor key and a country, then
// forgets it: no address is ever stored.
type UsageClient struct {
	Address   string // the client's IP address
	UserAgent string
}

// UsageEvent is one counted use of a public item.
type UsageEvent struct {
	Kind    UsageKind
	ItemID  int64
	Version int   // the version viewed or downloaded from; 0 if unknown
	FileID  int64 // downloads only
	At      time.Time
	Country string // ISO 3166-1 alpha-2, empty if unknown
	Visitor string // anonymised visitor key (salted hash, rotated daily)
	Client  UsageClient
}

// UsageScope is what a statistic is about: one item, or every item of an
// author, group, collection, project or the whole institution.
type UsageScope string

// Usage scopes, named as Figshare's stats service names them.
const (
	ScopeArticle     UsageScope = "article"
	ScopeAuthor      UsageScope = "author"
	ScopeGroup       UsageScope = "group"
	ScopeCollection  UsageScope = "collection"
	ScopeProject     UsageScope = "project"
	ScopeInstitution UsageScope = "institution"
)

// InstitutionID is the id of the one institution a Carrel serves, for
// statistics whose scope is the whole institution.
const InstitutionID = 1

// UsageQuery selects usage counts: one counter, over a scope, between two
// days inclusive (zero = unbounded).
type UsageQuery struct {
	Kind    UsageKind
	Scope   UsageScope
	ID      int64
	Version int // with ScopeArticle: only this version; 0 = all
	From    time.Time
	To      time.Time
	// ItemIDs, when not nil, limits the counts to these items; callers use
	// it to drop items the asker may not see.
	ItemIDs []int64
}

// MaxUsageRange is the longest date range a usage query may cover.
const MaxUsageRange = 20 * 366 * 24 * time.Hour

// Validate checks the date range.
func (q *UsageQuery) Validate() error {
	if !q.From.IsZero() && !q.To.IsZero() {
		if q.To.Before(q.From) {
			return Errorf(EUNPROCESSABLE, "end_date %s is before start_date %s", q.To.Format(time.DateOnly), q.From.Format(time.DateOnly))
		}
		if q.To.Sub(q.From) > MaxUsageRange {
			return Errorf(EUNPROCESSABLE, "date range is longer than %d years", MaxUsageRange/(366*24*time.Hour))
		}
	}
	return nil
}

// UsageCount is a total and a unique count (COUNTER's Total_Item_Requests
// and Unique_Item_Requests: unique counts each visitor once per item and
// day).
type UsageCount struct {
	Total  int64
	Unique int64
}

// UsagePoint is the counts of one period of a timeline: a day
// (2006-01-02), a month (2006-01), a year (2006) or "total".
type UsagePoint struct {
	Period string
	UsageCount
}

// UsageCountry is the count of one period and country (ISO code, empty if
// unknown).
type UsageCountry struct {
	Period  string
	Country string
	Total   int64
}

// UsageRank is one entry of a top list: the id of an item, author, group...
type UsageRank struct {
	ID    int64
	Total int64
}

// UsageRow is one line of a COUNTER-style report: an item's counts of one
// kind in one month.
type UsageRow struct {
	Month  string // 2006-01
	ItemID int64
	Title  string // of the latest published version
	DOI    string
	Kind   string // a UsageKind, or "investigation" (views and downloads)
	UsageCount
}

// String names the event for logs.
func (e UsageEvent) String() string {
	return fmt.Sprintf("%s item %d v%d file %d", e.Kind, e.ItemID, e.Version, e.FileID)
}
