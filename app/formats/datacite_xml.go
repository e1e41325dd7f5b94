package formats

import (
	"encoding/xml"
	"io"
	"regexp"
	"strconv"
)

// DataCite kernel 4 namespace and the 4.6 schema location.
const (
	DataCiteNamespace      = "http://datacite.org/schema/kernel-4"
	DataCiteSchemaLocation = "http://schema.datacite.org/meta/kernel-4.6/metadata.xsd"
)

// forScheme names ANZSRC FoR 2020, the category taxonomy shipped as
// taxonomy_id 1 (app/catalog/seed).
const (
	forTaxonomyID = 1
	forScheme     = "ANZSRC Fields of Research 2020"
	forSchemeURI  = "https://www.abs.gov.au/statistics/classifications/australian-and-new-zealand-standard-research-classification-anzsrc"
)

// bcp47 is the shape of xs:language, which DataCite's language must match.
var bcp47 = regexp.MustCompile(`^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$`)

type dcResource struct {
	XMLName        xml.Name           `xml:"resource"`
	Xmlns          string             `xml:"xmlns,attr"`
	XmlnsXSI       string             `xml:"xmlns:xsi,attr"`
	SchemaLocation string             `xml:"xsi:schemaLocation,attr"`
	Identifier     dcTyped            `xml:"identifier"`
	Creators       []dcCreator        `xml:"creators>creator"`
	Titles         []dcTyped          `xml:"titles>title"`
	Publisher      string             `xml:"publisher"`
	Year           string             `xml:"publicationYear"`
	ResourceType   dcTyped            `xml:"resourceType"`
	Subjects       many[dcSubject]    `xml:"subjects"`
	Dates          many[dcTyped]      `xml:"dates"`
	Language       string             `xml:"language,omitempty"`
	AltIDs         many[dcTyped]      `xml:"alternateIdentifiers"`
	RelatedIDs     many[dcRelated]    `xml:"relatedIdentifiers"`
	Sizes          many[string]       `xml:"sizes"`
	Formats        many[string]       `xml:"formats"`
	Version        string             `xml:"version,omitempty"`
	Rights         many[dcRights]     `xml:"rightsList"`
	Descriptions   many[dcTyped]      `xml:"descriptions"`
	Funding        many[dcFundingRef] `xml:"fundingReferences"`
}

// dcTyped is an element with text and one type attribute; exactly one of
// the attribute fields is set.
type dcTyped struct {
	IdentifierType string `xml:"identifierType,attr,omitempty"`
	TitleType      string `xml:"titleType,attr,omitempty"`
	General        string `xml:"resourceTypeGeneral,attr,omitempty"`
	DateType       string `xml:"dateType,attr,omitempty"`
	DateInfo       string `xml:"dateInformation,attr,omitempty"`
	AltType        string `xml:"alternateIdentifierType,attr,omitempty"`
	DescType       string `xml:"descriptionType,attr,omitempty"`
	Value          string `xml:",chardata"`
}

type dcCreator struct {
	Name        dcName           `xml:"creatorName"`
	Given       string           `xml:"givenName,omitempty"`
	Family      string           `xml:"familyName,omitempty"`
	NameIDs     []dcNameIdentity `xml:"nameIdentifier,omitempty"`
	Affiliation []string         `xml:"affiliation,omitempty"`
}

type dcName struct {
	NameType string `xml:"nameType,attr,omitempty"`
	Value    string `xml:",chardata"`
}

type dcNameIdentity struct {
	Scheme    string `xml:"nameIdentifierScheme,attr"`
	SchemeURI string `xml:"schemeURI,attr,omitempty"`
	Value     string `xml:",chardata"`
}

type dcSubject struct {
	Scheme    string `xml:"subjectScheme,attr,omitempty"`
	SchemeURI string `xml:"schemeURI,attr,omitempty"`
	Code      string `xml:"classificationCode,attr,omitempty"`
	Value     string `xml:",chardata"`
}

type dcRelated struct {
	Type     string `xml:"relatedIdentifierType,attr"`
	Relation string `xml:"relationType,attr"`
	Value    string `xml:",chardata"`
}

type dcRights struct {
	URI       string `xml:"rightsURI,attr,omitempty"`
	ID        string `xml:"rightsIdentifier,attr,omitempty"`
	IDScheme  string `xml:"rightsIdentifierScheme,attr,omitempty"`
	SchemeURI string `xml:"schemeURI,attr,omitempty"`
	Value     string `xml:",chardata"`
}

type dcFundingRef struct {
	Funder string   `xml:"funderName"`
	Award  *dcAward `xml:"awardNumber,omitempty"`
	Title  string   `xml:"awardTitle,omitempty"`
}

type dcAward struct {
	URI   string `xml:"awardURI,attr,omitempty"`
	Value string `xml:",chardata"`
}

// WriteDataCiteXML writes the record as a DataCite Metadata Schema 4.6
// resource. The identifier is the version DOI; a record without one gets its
// landing URL as identifier (identifierType "URL"), which the schema
// accepts for export and OAI-PMH but DataCite will not register.
func WriteDataCiteXML(w io.Writer, r *Record) error {
	if err := r.check(); err != nil {
		return err
	}
	res := dataciteResource(r)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(res); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func dataciteResource(r *Record) *dcResource {
	m, k := r.meta(), kindOf(r.ItemType.ID)
	res := &dcResource{Xmlns: DataCiteNamespace, XmlnsXSI: "http://www.w3.org/2001/XMLSchema-instance",
		SchemaLocation: DataCiteNamespace + " " + DataCiteSchemaLocation,
		Titles:         []dcTyped{{Value: oneLine(r.title())}},
		Publisher:      orDefault(oneLine(r.Publisher), "Carrel"),
		Year:           orDefault(r.year(), "0000"),
		ResourceType:   dcTyped{General: k.DataCite, Value: r.typeName()},
		Version:        strconv.Itoa(r.Version.Number),
		Subjects:       many[dcSubject]{Item: "subject"},
		Dates:          many[dcTyped]{Item: "date"},
		AltIDs:         many[dcTyped]{Item: "alternateIdentifier"},
		RelatedIDs:     many[dcRelated]{Item: "relatedIdentifier"},
		Sizes:          many[string]{Item: "size"},
		Formats:        many[string]{Item: "format"},
		Rights:         many[dcRights]{Item: "rights"},
		Descriptions:   many[dcTyped]{Item: "description"},
		Funding:        many[dcFundingRef]{Item: "fundingReference"},
	}
	if d := r.doi(); d != "" {
		res.Identifier = dcTyped{IdentifierType: "DOI", Value: d}
		if r.LandingURL != "" {
			res.AltIDs.add(dcTyped{AltType: "URL", Value: r.LandingURL})
		}
	} else {
		res.Identifier = dcTyped{IdentifierType: "URL", Value: orDefault(r.LandingURL, "urn:carrel:item:"+strconv.FormatInt(r.Item.ID, 10))}
	}
	if m.Handle != "" {
		res.AltIDs.add(dcTyped{AltType: "Handle", Value: oneLine(m.Handle)})
	}
	for _, p := range r.people() {
		c := dcCreator{Name: dcName{NameType: "Personal", Value: p.inverted()}, Given: p.Given, Family: p.Family}
		if p.ORCID != "" {
			c.NameIDs = []dcNameIdentity{{Scheme: "ORCID", SchemeURI: "https://orcid.org", Value: "https://orcid.org/" + p.ORCID}}
		}
		if p.Affiliation != "" {
			c.Affiliation = []string{oneLine(p.Affiliation)}
		}
		res.Creators = append(res.Creators, c)
	}
	if len(res.Creators) == 0 { // creators are required; DataCite's convention for none
		res.Creators = []dcCreator{{Name: dcName{Value: ":unav"}}}
	}
	for _, c := range r.Categories {
		s := dcSubject{Value: oneLine(c.Title)}
		if c.TaxonomyID == forTaxonomyID {
			s.Scheme, s.SchemeURI, s.Code = forScheme, forSchemeURI, c.SourceID
		}
		res.Subjects.add(s)
	}
	for _, kw := range r.keywords() {
		res.Subjects.add(dcSubject{Value: oneLine(kw)})
	}
	if d := r.firstPublished(); !d.IsZero() {
		res.Dates.add(dcTyped{DateType: "Issued", Value: d.Format("2006-01-02")})
	}
	if u := r.updated(); u != "" {
		res.Dates.add(dcTyped{DateType: "Updated", Value: u, DateInfo: "Version " + res.Version})
	}
	if a := oneLine(m.Timeline.PublisherAcceptance); a != "" {
		res.Dates.add(dcTyped{DateType: "Accepted", Value: a})
	}
	if p := oneLine(m.Timeline.PublisherPublication); p != "" {
		res.Dates.add(dcTyped{DateType: "Other", Value: p, DateInfo: "Publisher publication"})
	}
	if l := r.language(); bcp47.MatchString(l) {
		res.Language = l
	}
	for _, x := range r.relatedIDs() {
		res.RelatedIDs.add(dcRelated{Type: x.Type, Relation: x.Relation, Value: x.ID})
	}
	if len(r.Files) > 0 {
		res.Sizes.add(strconv.FormatInt(r.totalSize(), 10)+" bytes", strconv.Itoa(len(r.Files))+" files")
	}
	res.Formats.add(r.mimeTypes()...)
	if r.License.Name != "" || r.License.URL != "" {
		rt := dcRights{URI: r.License.URL, Value: orDefault(r.License.Name, r.License.URL)}
		if r.License.SPDX != "" {
			rt.ID, rt.IDScheme, rt.SchemeURI = r.License.SPDX, "SPDX", "https://spdx.org/licenses/"
		}
		res.Rights.add(rt)
	}
	if a := r.abstract(); a != "" {
		res.Descriptions.add(dcTyped{DescType: "Abstract", Value: a})
	}
	if f := PlainText(m.Funding); f != "" {
		res.Descriptions.add(dcTyped{DescType: "Other", Value: f})
	}
	for _, f := range m.FundingList {
		fr := dcFundingRef{Funder: oneLine(f.Funder), Title: oneLine(f.Title)}
		if fr.Funder == "" {
			continue // funderName is required; the grant title alone names no funder
		}
		if g := oneLine(f.GrantCode); g != "" {
			fr.Award = &dcAward{Value: g}
			if isURL(f.URL) {
				fr.Award.URI = f.URL
			}
		}
		res.Funding.add(fr)
	}
	return res
}

// many is a wrapper element (subjects, dates...) around items named Item;
// unlike encoding/xml's "a>b" it is left out entirely when empty.
type many[T any] struct {
	Item  string
	Items []T
}

func (m *many[T]) add(items ...T) { m.Items = append(m.Items, items...) }

// MarshalXML writes the wrapper and its items, or nothing when empty.
func (m many[T]) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if len(m.Items) == 0 {
		return nil
	}
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	for _, it := range m.Items {
		if err := e.EncodeElement(it, xml.StartElement{Name: xml.Name{Local: m.Item}}); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
