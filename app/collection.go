package app

import (
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Collection is a curated set of items with its own metadata (Figshare:
// collection). Like an item it has an editable draft and immutable
// published versions; each version freezes the metadata and the list of
// items it held.
type Collection struct {
	ID           int64
	AccountID    int64
	GroupID      int64
	Status       ItemStatus // draft or public
	Version      int        // latest published version; 0 before the first publish
	DraftChanged bool
	Draft        CollectionMetadata
	Items        []int64 // the draft's items, in order
	Created      time.Time
	Modified     time.Time
	Published    time.Time // first publication; zero before it
}

// IsPublic reports whether the collection has a published version.
func (c *Collection) IsPublic() bool { return c.Status == StatusPublished && c.Version > 0 }

// CollectionMetadata is a collection's descriptive record. It shares the
// item's fields (the item type, license and file-only fields stay empty) and
// adds the resource a collection may describe.
type CollectionMetadata struct {
	Metadata
	ResourceID      string `json:"resource_id"`
	ResourceLink    string `json:"resource_link"`
	ResourceVersion int    `json:"resource_version"`
}

// Validate checks what must hold for any collection draft.
func (m *CollectionMetadata) Validate() error {
	if err := m.Metadata.Validate(); err != nil {
		return err
	}
	for _, t := range []string{m.ResourceID, m.ResourceLink} {
		if len(t) > MaxShortTextLen || !utf8.ValidString(t) {
			return Errorf(EINVALID, "resource fields must be valid UTF-8 of at most %d bytes", MaxShortTextLen)
		}
	}
	if m.ResourceVersion < 0 {
		return Errorf(EUNPROCESSABLE, "resource_version cannot be negative")
	}
	return nil
}

// MissingForPublish names the fields a collection draft still needs before
// it can be published.
func (m *CollectionMetadata) MissingForPublish() []string {
	var missing []string
	if utf8.RuneCountInString(strings.TrimSpace(m.Title)) < 3 {
		missing = append(missing, "title")
	}
	if strings.TrimSpace(m.Description) == "" {
		missing = append(missing, "description")
	}
	if len(m.Authors) == 0 {
		missing = append(missing, "authors")
	}
	return missing
}

// CollectionVersion is an immutable published snapshot of a collection.
type CollectionVersion struct {
	CollectionID int64
	Number       int
	Metadata     CollectionMetadata
	Items        []int64
	Published    time.Time
}

// MaxCollectionItems bounds one collection, so one request cannot make a
// version row unbounded.
const MaxCollectionItems = 10_000

// CollectionFilter selects collections for a listing.
type CollectionFilter struct {
	AccountID      int64 // only this owner's collections, drafts included; 0 = public only
	GroupID        int64
	PublishedSince time.Time
	ModifiedSince  time.Time
	DOI, Handle    string
	ResourceDOI    string
	Text           string // words that must all appear in the title, description, keywords or authors
	Order          string // created_date, published_date or modified_date
	Desc           bool
	Offset, Limit  int
	// After, if set, continues the listing after that row (X-Cursor);
	// Offset is then ignored.
	After *ListPosition
}

// ListedCollection is one row of a collection listing: the collection and,
// when it has one, its latest published version.
type ListedCollection struct {
	Collection *Collection
	Version    *CollectionVersion
	Position   ListPosition // where the row stands in the listing's order
}

// CanEditCollection reports whether the actor may change the collection's
// draft, members and state.
func CanEditCollection(a Actor, c *Collection) bool {
	return !a.Anonymous() && (a.Admin || a.AccountID == c.AccountID)
}

// CanSeeCollection reports whether the actor may see the collection's
// published versions: anyone once it is published.
func CanSeeCollection(_ Actor, c *Collection) bool { return c.IsPublic() }

// CanListInCollection reports whether an item may be shown as a member of
// a collection to the actor: a public collection lists only items whose
// published record the actor may see, so a private item never leaks
// through a collection.
func CanListInCollection(a Actor, it *Item) bool { return CanSeePublic(a, it) && it.IsPublic() }

// CanAddToCollection reports whether the actor may put an item into a
// collection: their own items, and anyone's published items.
func CanAddToCollection(a Actor, it *Item) bool {
	return CanEdit(a, it) || (CanSeePublic(a, it) && it.IsPublic())
}

// CollectionPath is the path of a collection's public page:
// /collections/<slug>/<id>.
func CollectionPath(title string, id int64) string {
	return "/collections/" + url.PathEscape(Slug(title)) + "/" + strconv.FormatInt(id, 10)
}
