package app

import "time"

// ItemFilter selects items for a listing.
type ItemFilter struct {
	AccountID      int64 // only this owner's items, drafts included; 0 = public items only
	ItemType       int
	GroupID        int64
	PublishedSince time.Time
	ModifiedSince  time.Time
	DOI, Handle    string
	ResourceDOI    string
	// FindableOnly, in a public listing, leaves out what the public may not
	// find: confidential items and items under an embargo of the whole
	// item (app.FindableByAll), as search's public scope does.
	FindableOnly  bool
	Order         string // created_date, published_date or modified_date
	Desc          bool
	Offset, Limit int
	// After, if set, continues the listing after that row (keyset paging,
	// which Figshare's X-Cursor header exposes); Offset is then ignored.
	After *ListPosition
}

// ListPosition is a row's place in an ordered listing: the value of the
// order column and the item id that breaks ties.
type ListPosition struct {
	Key string
	ID  int64
}

// TimeKey is a time as the catalog stores and orders it (RFC 3339 with
// nanoseconds, UTC; "" for the zero time), the Key of a ListPosition in a
// listing ordered by that time.
func TimeKey(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// ListedItem is one row of a listing: the item, and for public listings its
// latest published version (without files).
type ListedItem struct {
	Item     *Item
	Version  *Version
	Position ListPosition // where the row stands in the listing's order
	// Datestamp is when a harvest last saw the record change: its latest
	// publication or access change, or its withdrawal. Set by harvests only.
	Datestamp time.Time
}
