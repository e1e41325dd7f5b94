// Package search keeps Carrel's full-text index: one Bleve document per item
// holding its latest state, faceted queries in Figshare's query syntax, and
// an access filter ANDed with every query so that nothing private leaks.
//
// The catalog drives the index. Every catalog change has a sequence number;
// Apply records the number it applied atomically with the change, so after a
// crash the catalog replays what Applied says is missing (see CatchUp), and
// Rebuild replaces the whole index from a catalog feed while search keeps
// answering from the old one.
package search

import (
	"fmt"
	"html"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"

	"carrel/app"
)

// Document is what the catalog gives the index for one item: its latest
// state, with the flags the access filter needs.
type Document struct {
	ItemID        int64
	OwnerID       int64
	GroupID       int64
	GroupName     string // optional; lets :group: match a name as well as an id
	InstitutionID int64

	// Public is true when the item has a published, not withdrawn, version.
	Public bool
	// Embargoed is true while a whole-item embargo is in force (a files-only
	// embargo does not set it). Embargoed items are hidden from public search.
	Embargoed bool
	// Confidential items are hidden from public search.
	Confidential bool

	Title        string
	Description  string // sanitised HTML or plain text; tags are stripped before indexing
	Keywords     []string
	Authors      []string // full names
	ORCIDs       []string
	Categories   []string // titles
	CategoryIDs  []int64  // with their ancestors, so a parent category facet counts its children's items
	ItemType     int
	ItemTypeName string
	License      int
	LicenseName  string
	References   []string
	Funding      []string
	CustomValues []string // the values of the item's group's custom fields
	FileNames    []string

	DOI, Handle, ResourceDOI string

	Published time.Time // zero for an item never published
	Modified  time.Time
	Created   time.Time
	Version   int

	Views, Downloads, Shares int64
}

// Index field names. Text fields are analysed; the others are exact terms
// used for filters, facets and sorting.
const (
	fTitle        = "title"
	fDescription  = "description"
	fKeywords     = "keywords"
	fAuthors      = "authors"
	fCategories   = "categories"
	fReferences   = "references"
	fFunding      = "funding"
	fCustom       = "custom_fields"
	fFiles        = "files"
	fGroupName    = "group_name"
	fItemTypeName = "item_type_name"
	fLicenseName  = "license_name"

	fItemType     = "item_type"
	fCategory     = "category"
	fLicense      = "license"
	fYear         = "year"
	fGroup        = "group"
	fInstitution  = "institution"
	fAuthor       = "author"
	fKeyword      = "keyword"
	fExtension    = "extension"
	fOwner        = "owner"
	fORCID        = "orcid"
	fDOI          = "doi"
	fHandle       = "handle"
	fResourceDOI  = "resource_doi"
	fTitleSort    = "title_sort"
	fPublic       = "public"
	fEmbargoed    = "embargoed"
	fConfidential = "confidential"
	// Sort keys: one fixed-width keyword per value, so that sorting reads a
	// short doc value; the date range filters read them too. The creation
	// date has only its key: no filter reads it.
	fPublishedKey = "published_key"
	fModifiedKey  = "modified_key"
	fCreatedKey   = "created_key"
	fViewsKey     = "views_key"
	fDownloadsKey = "downloads_key"
	fSharesKey    = "shares_key"
)

// timeKey and countKey write sort keys whose byte order is their value's
// order.
func timeKey(t time.Time) string { return t.UTC().Format(timeKeyLayout) }

const timeKeyLayout = "20060102150405.000000000"

func countKey(n int64) string { return fmt.Sprintf("%015d", max(n, 0)) }

// docID is the Bleve id of an item's document.
func docID(itemID int64) string { return strconv.FormatInt(itemID, 10) }

// fields turns a Document into the flat field map Bleve indexes. Exact
// fields are normalised here (lower case, bare identifiers) so that queries
// can normalise their values the same way.
func (d *Document) fields() map[string]any {
	m := map[string]any{
		fTitle:        d.Title,
		fDescription:  plainText(d.Description),
		fKeywords:     d.Keywords,
		fAuthors:      d.Authors,
		fCategories:   d.Categories,
		fReferences:   d.References,
		fFunding:      d.Funding,
		fCustom:       d.CustomValues,
		fGroupName:    d.GroupName,
		fItemTypeName: d.ItemTypeName,
		fLicenseName:  d.LicenseName,
		fItemType:     strconv.Itoa(d.ItemType),
		fLicense:      strconv.Itoa(d.License),
		fGroup:        strconv.FormatInt(d.GroupID, 10),
		fInstitution:  strconv.FormatInt(d.InstitutionID, 10),
		fOwner:        strconv.FormatInt(d.OwnerID, 10),
		fAuthor:       d.Authors,
		fKeyword:      d.Keywords,
		fTitleSort:    sortKey(d.Title),
		fPublic:       d.Public,
		fEmbargoed:    d.Embargoed,
		fConfidential: d.Confidential,
		fCreatedKey:   timeKey(d.Created),
		fModifiedKey:  timeKey(d.Modified),
		fViewsKey:     countKey(d.Views),
		fDownloadsKey: countKey(d.Downloads),
		fSharesKey:    countKey(d.Shares),
	}
	if !d.Published.IsZero() {
		m[fPublishedKey] = timeKey(d.Published)
		m[fYear] = strconv.Itoa(d.Published.UTC().Year())
	}
	cats := make([]string, 0, len(d.CategoryIDs))
	for _, id := range d.CategoryIDs {
		cats = append(cats, strconv.FormatInt(id, 10))
	}
	m[fCategory] = cats
	var files, exts []string
	for _, name := range d.FileNames {
		files = append(files, name, fileWords(name))
		if ext := fileExtension(name); ext != "" {
			exts = append(exts, ext)
		}
	}
	m[fFiles] = files
	m[fExtension] = exts
	orcids := make([]string, 0, len(d.ORCIDs))
	for _, o := range d.ORCIDs {
		orcids = append(orcids, normalizeORCID(o))
	}
	m[fORCID] = orcids
	if d.DOI != "" {
		m[fDOI] = normalizeDOI(d.DOI)
	}
	if d.Handle != "" {
		m[fHandle] = normalizeHandle(d.Handle)
	}
	if d.ResourceDOI != "" {
		m[fResourceDOI] = normalizeDOI(d.ResourceDOI)
	}
	m[fFacets] = facetValues(m)
	return m
}

// plainText strips the tags from sanitised HTML so that tag names are not
// indexed and snippets are text; entities are decoded.
func plainText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return s
	}
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>' && in:
			in = false
			b.WriteByte(' ')
		case !in:
			b.WriteRune(r)
		}
	}
	return strings.Join(strings.Fields(html.UnescapeString(b.String())), " ")
}

// fileWords splits a file name into words so that "soil_moisture-2020.csv"
// is found by "moisture" as well as by its full name.
func fileWords(name string) string {
	return strings.Join(strings.FieldsFunc(name, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}

// fileExtension is a file name's extension in lower case without the dot;
// compressed tar archives keep both parts ("tar.gz").
func fileExtension(name string) string {
	ext := normalizeExtension(path.Ext(name))
	if inner := path.Ext(strings.TrimSuffix(name, path.Ext(name))); strings.EqualFold(inner, ".tar") && ext != "" {
		return "tar." + ext
	}
	return ext
}

func normalizeExtension(s string) string {
	return strings.ToLower(strings.TrimPrefix(strings.TrimSpace(s), "."))
}

// sortKey is the title as it sorts: case-folded, leading space trimmed.
func sortKey(title string) string {
	return strings.ToLower(strings.TrimSpace(title))
}

// normalizeDOI reduces a DOI in any of its common spellings to its bare,
// lower-cased form (DOIs are case-insensitive).
func normalizeDOI(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, p := range []string{"https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:"} {
		s = strings.TrimPrefix(s, p)
	}
	return s
}

// normalizeHandle reduces a Handle to its bare, lower-cased form.
func normalizeHandle(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, p := range []string{"https://hdl.handle.net/", "http://hdl.handle.net/", "hdl:"} {
		s = strings.TrimPrefix(s, p)
	}
	return s
}

// normalizeORCID reduces an ORCID iD to its bare form with an upper-case
// check character.
func normalizeORCID(s string) string {
	return strings.ToUpper(app.NormalizeORCID(strings.TrimSpace(s)))
}
