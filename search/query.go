package search

import (
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"carrel/app"
)

// Scope says which items a query may return, before its text and filters
// narrow them.
type Scope int

// Scopes. The zero Scope is ScopePublic.
const (
	// ScopePublic is what the world sees: public items, neither embargoed
	// nor confidential. It is the same for every viewer, admins included.
	ScopePublic Scope = iota
	// ScopeOwn is the viewer's own items, drafts and private ones included.
	// Anonymous viewers get EUNAUTHORIZED.
	ScopeOwn
	// ScopeAll is every item; only admins may ask for it (EFORBIDDEN
	// otherwise).
	ScopeAll
)

// Query is one search request.
type Query struct {
	Text   string    // the user's query in Figshare syntax; "" or blank matches everything
	Viewer app.Actor // who asks; the access filter is built from it and Scope
	Scope  Scope

	// Filters; zero values do not filter.
	ItemType        int
	GroupID         int64
	InstitutionID   int64
	PublishedSince  time.Time // inclusive
	PublishedBefore time.Time // exclusive
	ModifiedSince   time.Time // inclusive
	DOI             string
	Handle          string
	ResourceDOI     string
	ORCID           string  // items with an author of this ORCID iD
	Groups          []int64 // items in any of these groups (at most MaxGroupFilters), e.g. a group's subtree
	// Terms keeps items that carry every term listed, by facet name
	// (Facet* constants): the values a facet count reports, e.g. a
	// category id or an author's full name.
	Terms map[string][]string
	// ItemIDs, when not nil, keeps only these items (a project's, for
	// project_id); an empty, non-nil list matches nothing.
	ItemIDs []int64

	// Sort is one of the Sort* constants; "" means relevance when Text has
	// terms and published date otherwise. Ties are broken by published date,
	// newest first, then by item id, so pages are stable.
	Sort string
	// Desc sorts in descending order; relevance is always best first.
	Desc bool

	Offset int // at most MaxOffset
	// After continues an earlier search after the hit whose SortKeys it
	// holds (keyset paging, with no offset limit); Offset must then be 0.
	After []string
	// Cursor asks for hits whose SortKeys After can continue from: the
	// order then breaks every tie, by published date and item id. Without
	// it (and without After) ties keep the index's order, which is stable
	// while the index is unchanged, and SortKeys are empty.
	Cursor bool
	Limit  int // 1..MaxLimit; 0 means DefaultLimit
	// CountOnly returns no hits, only the total and the facets: the cheap
	// part of browsing everything, whose page the catalog lists in order.
	CountOnly bool

	Facets bool // count facet terms over all matching items
	// FacetNames limits the facets counted to these (Facet* constants);
	// empty means all of them.
	FacetNames []string
	FacetSize  int  // terms per facet; 0 means DefaultFacetSize, at most MaxFacetSize
	Highlight  bool // return snippets of the title and description with matches marked

	// NoCache computes the answer afresh even when a cached one is
	// current, and leaves the cache as it was: for measuring the cost of a
	// search, as `make bench` does.
	NoCache bool `json:"-"`
}

// Sort orders a Query may ask for.
const (
	SortRelevance = "relevance"
	SortPublished = "published_date"
	SortModified  = "modified_date"
	SortCreated   = "created_date"
	SortTitle     = "title"
	SortViews     = "views"
	SortDownloads = "downloads"
	SortShares    = "shares"
)

// Paging and facet bounds.
const (
	DefaultLimit     = 10
	MaxLimit         = 1000
	MaxOffset        = 10_000
	DefaultFacetSize = 10
	MaxFacetSize     = 100
)

// Facet names in Result.Facets.
const (
	FacetItemType  = "item_type" // item type ids
	FacetCategory  = "category"  // category ids, ancestors included
	FacetLicense   = "license"   // license ids
	FacetYear      = "year"      // year of first publication
	FacetGroup     = "group"     // group ids
	FacetAuthor    = "author"    // author full names
	FacetKeyword   = "keyword"   // keywords as deposited
	FacetExtension = "extension" // file extensions, lower case without the dot
)

// facetFields maps each facet to the index field it counts.
func facetFields() map[string]string {
	return map[string]string{
		FacetItemType: fItemType, FacetCategory: fCategory, FacetLicense: fLicense, FacetYear: fYear,
		FacetGroup: fGroup, FacetAuthor: fAuthor, FacetKeyword: fKeyword, FacetExtension: fExtension,
	}
}

// facetNames are the facets q counts.
func (q *Query) facetNames() []string {
	if len(q.FacetNames) == 0 {
		return FacetNames()
	}
	return q.FacetNames
}

// FacetNames are the facets a query may count, in a fixed order.
func FacetNames() []string {
	return []string{FacetItemType, FacetCategory, FacetLicense, FacetYear, FacetGroup, FacetAuthor, FacetKeyword,
		FacetExtension}
}

// Bounds of Query.Terms.
const (
	MaxTermFilters  = 20
	MaxGroupFilters = 1000
	maxTermLength   = 300
)

// validTerms checks the facet-term filters of a query.
func validTerms(terms map[string][]string) error {
	n := 0
	for name, vals := range terms {
		if _, ok := facetFields()[name]; !ok {
			return app.Errorf(app.EINVALID, "unknown filter %q; filters are %s", name, strings.Join(FacetNames(), ", "))
		}
		for _, v := range vals {
			if v == "" || len(v) > maxTermLength {
				return app.Errorf(app.EINVALID, "a %s filter must have 1 to %d characters", name, maxTermLength)
			}
		}
		if n += len(vals); n > MaxTermFilters {
			return app.Errorf(app.EINVALID, "at most %d filters at once", MaxTermFilters)
		}
	}
	return nil
}

// facetTerm normalises a filter value the way the facet's field is indexed.
func facetTerm(facet, v string) string {
	if facet == FacetExtension {
		return normalizeExtension(v)
	}
	return v
}

// sortFields maps each sort order to the index field it sorts on.
func sortFields() map[string]string {
	return map[string]string{
		SortPublished: fPublishedKey, SortModified: fModifiedKey, SortCreated: fCreatedKey, SortTitle: fTitleSort,
		SortViews: fViewsKey, SortDownloads: fDownloadsKey, SortShares: fSharesKey,
	}
}

// validate checks the parts of q that do not depend on its text and fills
// in defaults.
func (q *Query) validate() error {
	switch {
	case q.Limit == 0 && !q.CountOnly:
		q.Limit = DefaultLimit
	case q.Limit < 0 || q.Limit > MaxLimit:
		return app.Errorf(app.EINVALID, "limit must be between 1 and %d", MaxLimit)
	}
	if q.CountOnly {
		q.Offset, q.Limit, q.Sort, q.Desc, q.Highlight = 0, 0, "", false, false
	}
	if len(q.After) > 0 && q.Offset != 0 {
		return app.Errorf(app.EINVALID, "a search continued after a hit takes no offset")
	}
	if q.Offset < 0 || q.Offset > MaxOffset {
		return app.Errorf(app.EINVALID, "offset must be between 0 and %d", MaxOffset)
	}
	switch {
	case q.FacetSize == 0:
		q.FacetSize = DefaultFacetSize
	case q.FacetSize < 0 || q.FacetSize > MaxFacetSize:
		return app.Errorf(app.EINVALID, "facet size must be between 1 and %d", MaxFacetSize)
	}
	for _, name := range q.FacetNames {
		if _, ok := facetFields()[name]; !ok {
			return app.Errorf(app.EINVALID, "unknown facet %q; facets are %s", name, strings.Join(FacetNames(), ", "))
		}
	}
	if err := validTerms(q.Terms); err != nil {
		return err
	}
	if len(q.Groups) > MaxGroupFilters {
		return app.Errorf(app.EINVALID, "at most %d groups at once", MaxGroupFilters)
	}
	if _, ok := sortFields()[q.Sort]; !ok && q.Sort != "" && q.Sort != SortRelevance {
		return app.Errorf(app.EINVALID, "unknown sort order %q", q.Sort)
	}
	for name, t := range map[string]time.Time{"published since": q.PublishedSince,
		"published before": q.PublishedBefore, "modified since": q.ModifiedSince} {
		if !t.IsZero() && (t.Year() < 1678 || t.Year() > 2261) {
			return app.Errorf(app.EINVALID, "%s date %s is out of range", name, t.Format(time.DateOnly))
		}
	}
	switch q.Scope {
	case ScopePublic:
	case ScopeOwn:
		if q.Viewer.Anonymous() {
			return app.Errorf(app.EUNAUTHORIZED, "sign in to search your own items")
		}
	case ScopeAll:
		if !q.Viewer.Admin {
			return app.Errorf(app.EFORBIDDEN, "only administrators may search all items")
		}
	default:
		return app.Errorf(app.EINVALID, "unknown search scope %d", q.Scope)
	}
	return nil
}

// accessFilter is the query every search is ANDed with; it alone decides
// which items a viewer may find.
func (q *Query) accessFilter() query.Query {
	switch q.Scope {
	case ScopeOwn:
		return q.ownerFilter().query()
	case ScopeAll:
		return bleve.NewMatchAllQuery()
	}
	b := bleve.NewBooleanQuery()
	b.AddMust(boolQuery(fPublic, true))
	b.AddMustNot(boolQuery(fEmbargoed, true), boolQuery(fConfidential, true))
	return b
}

// filter keeps the items that carry any of terms in field; in idField,
// the terms are document ids.
type filter struct {
	field string
	terms []string
}

// idField is the field of Bleve's document ids.
const idField = "_id"

// query is f as a Bleve query.
func (f filter) query() query.Query {
	if f.field == idField {
		return bleve.NewDocIDQuery(f.terms)
	}
	if len(f.terms) == 1 {
		return termQuery(f.field, f.terms[0])
	}
	any := make([]query.Query, 0, len(f.terms))
	for _, t := range f.terms {
		any = append(any, termQuery(f.field, t))
	}
	return bleve.NewDisjunctionQuery(any...)
}

// filters are the structured filters of q, each of which must hold,
// except the date filters (keyRanges).
func (q *Query) filters() []filter {
	var fs []filter
	one := func(field, term string) { fs = append(fs, filter{field, []string{term}}) }
	if q.ItemType != 0 {
		one(fItemType, strconv.Itoa(q.ItemType))
	}
	if q.GroupID != 0 {
		one(fGroup, strconv.FormatInt(q.GroupID, 10))
	}
	if q.InstitutionID != 0 {
		one(fInstitution, strconv.FormatInt(q.InstitutionID, 10))
	}
	if q.DOI != "" {
		one(fDOI, normalizeDOI(q.DOI))
	}
	if q.Handle != "" {
		one(fHandle, normalizeHandle(q.Handle))
	}
	if q.ResourceDOI != "" {
		one(fResourceDOI, normalizeDOI(q.ResourceDOI))
	}
	if q.ORCID != "" {
		one(fORCID, normalizeORCID(q.ORCID))
	}
	if len(q.Groups) > 0 {
		f := filter{field: fGroup}
		for _, id := range q.Groups {
			f.terms = append(f.terms, strconv.FormatInt(id, 10))
		}
		fs = append(fs, f)
	}
	for _, name := range FacetNames() {
		for _, v := range q.Terms[name] {
			one(facetFields()[name], facetTerm(name, v))
		}
	}
	if q.ItemIDs != nil {
		f := filter{field: idField, terms: make([]string, len(q.ItemIDs))}
		for i, id := range q.ItemIDs {
			f.terms[i] = docID(id)
		}
		fs = append(fs, f)
	}
	return fs
}

func termQuery(field, value string) query.Query {
	t := bleve.NewTermQuery(value)
	t.SetField(field)
	return t
}

func boolQuery(field string, v bool) query.Query {
	b := bleve.NewBoolFieldQuery(v)
	b.SetField(field)
	return b
}

// scopeFilters are q's filters and, for ScopeOwn, its access filter: with
// the plan's own (the public's access, the dates), everything that decides
// what a query without text matches.
func (q *Query) scopeFilters() []filter {
	fs := q.filters()
	if q.Scope == ScopeOwn {
		fs = append(fs, q.ownerFilter())
	}
	return fs
}

// ownerFilter keeps the viewer's own items, ScopeOwn's access filter.
func (q *Query) ownerFilter() filter {
	return filter{fOwner, []string{strconv.FormatInt(q.Viewer.AccountID, 10)}}
}

// keyRange keeps the items whose key in a sort field lies in [lo, hi); an
// empty bound is open. Dates are filtered so, on their sort keys, which the
// collector reads from a column: a date range query would instead merge
// the postings of many precision-shifted terms.
type keyRange struct {
	field, lo, hi string
}

// keyRanges are q's date filters.
func (q *Query) keyRanges() []keyRange {
	var rs []keyRange
	bound := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return timeKey(t)
	}
	if !q.PublishedSince.IsZero() || !q.PublishedBefore.IsZero() {
		rs = append(rs, keyRange{fPublishedKey, bound(q.PublishedSince), bound(q.PublishedBefore)})
	}
	if !q.ModifiedSince.IsZero() {
		rs = append(rs, keyRange{fModifiedKey, bound(q.ModifiedSince), ""})
	}
	return rs
}
