package formats

import "strings"

// kind is how one Figshare item type is typed in each format.
type kind struct {
	DataCite string // DataCite resourceTypeGeneral
	Schema   string // schema.org @type
	BibTeX   string // BibTeX entry type
	RIS      string // RIS TY
	CSL      string // CSL item type
	DCMI     string // DCMI Type Vocabulary term for dc:type
}

// kindOf maps a Figshare item type id (defined_type) to its type in every
// format. Ids follow app/catalog/seed/item_types.json; unknown ids are typed
// as generic works.
func kindOf(itemType int) kind {
	switch itemType {
	case 1: // figure
		return kind{"Image", "ImageObject", "misc", "FIGURE", "figure", "StillImage"}
	case 2: // media
		return kind{"Audiovisual", "MediaObject", "misc", "VIDEO", "motion_picture", "MovingImage"}
	case 3, 4: // dataset, fileset (retired into dataset)
		return kind{"Dataset", "Dataset", "misc", "DATA", "dataset", "Dataset"}
	case 5: // poster
		return kind{"Text", "CreativeWork", "misc", "GEN", "graphic", "Text"}
	case 6: // journal contribution
		return kind{"JournalArticle", "ScholarlyArticle", "misc", "JOUR", "article-journal", "Text"}
	case 7: // presentation
		return kind{"Text", "PresentationDigitalDocument", "misc", "SLIDE", "speech", "Text"}
	case 8: // thesis
		return kind{"Dissertation", "Thesis", "phdthesis", "THES", "thesis", "Text"}
	case 9: // software
		return kind{"Software", "SoftwareSourceCode", "misc", "COMP", "software", "Software"}
	case 11: // online resource
		return kind{"InteractiveResource", "WebSite", "misc", "ELEC", "webpage", "InteractiveResource"}
	case 12: // preprint
		return kind{"Preprint", "ScholarlyArticle", "misc", "UNPB", "article", "Text"}
	case 13, 25: // book, monograph
		return kind{"Book", "Book", "book", "BOOK", "book", "Text"}
	case 14: // conference contribution
		return kind{"ConferencePaper", "ScholarlyArticle", "misc", "CPAPER", "paper-conference", "Text"}
	case 15: // chapter
		return kind{"BookChapter", "Chapter", "misc", "CHAP", "chapter", "Text"}
	case 16: // peer review
		return kind{"PeerReview", "Review", "misc", "GEN", "review", "Text"}
	case 17: // educational resource
		return kind{"Text", "LearningResource", "misc", "GEN", "document", "Text"}
	case 18: // report
		return kind{"Report", "Report", "techreport", "RPRT", "report", "Text"}
	case 19: // standard
		return kind{"Standard", "CreativeWork", "misc", "STAND", "standard", "Text"}
	case 20: // composition
		return kind{"Other", "MusicComposition", "misc", "MUSIC", "musical_score", "Sound"}
	case 21: // funding
		return kind{"Award", "CreativeWork", "misc", "GRANT", "document", "Text"}
	case 22: // physical object
		return kind{"PhysicalObject", "CreativeWork", "misc", "GEN", "document", "PhysicalObject"}
	case 23: // data management plan
		return kind{"OutputManagementPlan", "CreativeWork", "misc", "GEN", "document", "Text"}
	case 24: // workflow
		return kind{"Workflow", "CreativeWork", "misc", "GEN", "software", "Software"}
	case 26: // performance
		return kind{"Event", "CreativeWork", "misc", "GEN", "performance", "Event"}
	case 27: // event
		return kind{"Event", "CreativeWork", "misc", "GEN", "event", "Event"}
	case 28: // service
		return kind{"Service", "CreativeWork", "misc", "GEN", "document", "Service"}
	case 29: // model
		return kind{"Model", "CreativeWork", "misc", "GEN", "document", "Dataset"}
	}
	return kind{"Other", "CreativeWork", "misc", "GEN", "document", "Text"}
}

// relationTypes are DataCite 4.6's relationType values; relatedTypes its
// relatedIdentifierType values. Both are read-only lookup tables.
var relationTypes = []string{"IsCitedBy", "Cites", "IsSupplementTo", "IsSupplementedBy", "IsContinuedBy",
	"Continues", "IsNewVersionOf", "IsPreviousVersionOf", "IsPartOf", "HasPart", "IsPublishedIn",
	"IsReferencedBy", "References", "IsDocumentedBy", "Documents", "IsCompiledBy", "Compiles",
	"IsVariantFormOf", "IsOriginalFormOf", "IsIdenticalTo", "HasMetadata", "IsMetadataFor", "Reviews",
	"IsReviewedBy", "IsDerivedFrom", "IsSourceOf", "Describes", "IsDescribedBy", "HasVersion", "IsVersionOf",
	"Requires", "IsRequiredBy", "Obsoletes", "IsObsoletedBy", "Collects", "IsCollectedBy", "HasTranslation",
	"IsTranslationOf"}

var relatedTypes = []string{"ARK", "arXiv", "bibcode", "CSTR", "DOI", "EAN13", "EISSN", "Handle", "IGSN",
	"ISBN", "ISSN", "ISTC", "LISSN", "LSID", "PMID", "PURL", "RRID", "UPC", "URL", "URN", "w3id"}

// canonical returns the member of list equal to s ignoring case, or "".
func canonical(list []string, s string) string {
	for _, v := range list {
		if strings.EqualFold(v, strings.TrimSpace(s)) {
			return v
		}
	}
	return ""
}
