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
	Order          string // created_date, published_date or modified_date
	Desc           bool
	Offset, Limit  int
}

// ListedItem is one row of a listing: the item, and for public listings its
// latest published version (without files).
type ListedItem struct {
	Item    *Item
	Version *Version
	// Datestamp is when a harvest last saw the record change: its latest
	// publication or access change, or its withdrawal. Set by harvests only.
	Datestamp time.Time
}
