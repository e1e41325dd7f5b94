package search

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/standard"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/mapping"
)

// schemaVersion changes whenever the mapping or the way documents are turned
// into fields changes; an index built under another version is discarded on
// Open and reports Applied() == 0, which tells the caller to Rebuild.
const schemaVersion = "carrel-search-5"

// fieldBoost is an analysed field that plain query terms search, with the
// boost a match in it gets.
type fieldBoost struct {
	field string
	boost float64
}

// textFields are the fields plain query terms search: a title match
// outranks a keyword or author match, which outranks a description match.
func textFields() []fieldBoost {
	return []fieldBoost{
		{fTitle, 4}, {fKeywords, 2.5}, {fAuthors, 2.5}, {fCategories, 2}, {fDescription, 1},
		{fFiles, 1}, {fFunding, 0.8}, {fCustom, 0.8}, {fReferences, 0.5},
	}
}

// highlightFields are the only fields stored, because snippets are made
// from them.
func highlightFields() []string { return []string{fTitle, fDescription} }

// newMapping is the index mapping: English analysis for prose, the keyword
// analyser for exact terms, no dynamic fields, and nothing stored except
// what highlighting needs.
func newMapping() mapping.IndexMapping {
	text := func(analyzer string, store bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = store
		f.IncludeTermVectors = true // positions, which phrase queries need
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	// Exact terms. Only the shared facets field keeps doc values, which
	// Bleve's own facet counting reads: the kept totals count changed items
	// with it (sharedCounts). Carrel's collector sorts and counts from
	// columns made from the term dictionaries, so the other fields a search
	// sorts on or counts need none (writing and merging them cost a rebuild
	// a few per cent of its CPU).
	exact := func(docValues bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Store = false
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = docValues
		return f
	}
	boolean := func() *mapping.FieldMapping {
		f := bleve.NewBooleanFieldMapping()
		f.Store = false
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}

	dm := bleve.NewDocumentStaticMapping()
	for _, name := range []string{fKeywords, fAuthors, fCategories, fReferences, fFunding, fCustom, fFiles} {
		dm.AddFieldMappingsAt(name, text(en.AnalyzerName, false))
	}
	for _, name := range highlightFields() {
		dm.AddFieldMappingsAt(name, text(en.AnalyzerName, true))
	}
	// Names of vocabulary entries are matched word for word, without stemming.
	for _, name := range []string{fGroupName, fItemTypeName, fLicenseName} {
		dm.AddFieldMappingsAt(name, text(standard.Name, false))
	}
	for _, name := range []string{fItemType, fCategory, fLicense, fYear, fGroup, fInstitution, fExtension, fOwner,
		fORCID, fDOI, fHandle, fResourceDOI, fAuthor, fKeyword, fTitleSort,
		fPublishedKey, fModifiedKey, fCreatedKey, fViewsKey, fDownloadsKey, fSharesKey} {
		dm.AddFieldMappingsAt(name, exact(false))
	}
	dm.AddFieldMappingsAt(fFacets, exact(true))
	for _, name := range []string{fPublic, fEmbargoed, fConfidential} {
		dm.AddFieldMappingsAt(name, boolean())
	}

	// No "_all" field: every field is left out of it, yet Bleve builds it
	// empty, visiting every field of every document (about a tenth of a
	// rebuild's CPU). Queries name their fields.
	dm.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())

	im := bleve.NewIndexMapping()
	im.DefaultMapping = dm
	im.DefaultAnalyzer = en.AnalyzerName
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	im.DefaultField = fTitle
	return im
}
