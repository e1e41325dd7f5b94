package formats

import (
	"encoding/json"
	"io"
	"strconv"
	"strings"
)

// dj* are the shapes of DataCite REST API attributes (field names as the
// API spells them).
type djAttributes struct {
	DOI                string          `json:"doi,omitempty"`
	Prefix             string          `json:"prefix,omitempty"`
	Suffix             string          `json:"suffix,omitempty"`
	URL                string          `json:"url,omitempty"`
	Identifiers        []djIdentifier  `json:"identifiers"`
	Creators           []djCreator     `json:"creators"`
	Titles             []djTitle       `json:"titles"`
	Publisher          string          `json:"publisher"`
	PublicationYear    int             `json:"publicationYear,omitempty"`
	Types              djTypes         `json:"types"`
	Subjects           []djSubject     `json:"subjects"`
	Dates              []djDate        `json:"dates"`
	Language           string          `json:"language,omitempty"`
	RelatedIdentifiers []djRelated     `json:"relatedIdentifiers"`
	Sizes              []string        `json:"sizes"`
	Formats            []string        `json:"formats"`
	Version            string          `json:"version,omitempty"`
	RightsList         []djRights      `json:"rightsList"`
	Descriptions       []djDescription `json:"descriptions"`
	FundingReferences  []djFunding     `json:"fundingReferences"`
	SchemaVersion      string          `json:"schemaVersion"`
}

type djIdentifier struct {
	Identifier     string `json:"identifier"`
	IdentifierType string `json:"identifierType"`
}

type djCreator struct {
	Name            string             `json:"name"`
	NameType        string             `json:"nameType,omitempty"`
	GivenName       string             `json:"givenName,omitempty"`
	FamilyName      string             `json:"familyName,omitempty"`
	NameIdentifiers []djNameIdentifier `json:"nameIdentifiers"`
	Affiliation     []djAffiliation    `json:"affiliation"`
}

type djNameIdentifier struct {
	NameIdentifier       string `json:"nameIdentifier"`
	NameIdentifierScheme string `json:"nameIdentifierScheme"`
	SchemeURI            string `json:"schemeUri,omitempty"`
}

type djAffiliation struct {
	Name string `json:"name"`
}

type djTitle struct {
	Title string `json:"title"`
}

type djTypes struct {
	ResourceTypeGeneral string `json:"resourceTypeGeneral"`
	ResourceType        string `json:"resourceType,omitempty"`
	SchemaOrg           string `json:"schemaOrg,omitempty"`
	BibTeX              string `json:"bibtex,omitempty"`
	Citeproc            string `json:"citeproc,omitempty"`
	RIS                 string `json:"ris,omitempty"`
}

type djSubject struct {
	Subject            string `json:"subject"`
	SubjectScheme      string `json:"subjectScheme,omitempty"`
	SchemeURI          string `json:"schemeUri,omitempty"`
	ClassificationCode string `json:"classificationCode,omitempty"`
}

type djDate struct {
	Date            string `json:"date"`
	DateType        string `json:"dateType"`
	DateInformation string `json:"dateInformation,omitempty"`
}

type djRelated struct {
	RelatedIdentifier     string `json:"relatedIdentifier"`
	RelatedIdentifierType string `json:"relatedIdentifierType"`
	RelationType          string `json:"relationType"`
}

type djRights struct {
	Rights                 string `json:"rights,omitempty"`
	RightsURI              string `json:"rightsUri,omitempty"`
	RightsIdentifier       string `json:"rightsIdentifier,omitempty"`
	RightsIdentifierScheme string `json:"rightsIdentifierScheme,omitempty"`
	SchemeURI              string `json:"schemeUri,omitempty"`
}

type djDescription struct {
	Description     string `json:"description"`
	DescriptionType string `json:"descriptionType"`
}

type djFunding struct {
	FunderName  string `json:"funderName"`
	AwardNumber string `json:"awardNumber,omitempty"`
	AwardURI    string `json:"awardUri,omitempty"`
	AwardTitle  string `json:"awardTitle,omitempty"`
}

// WriteDataCiteJSON writes the record as the "attributes" object of a
// DataCite REST API DOI (wrap it in {"data":{"type":"dois","attributes":…}}
// to register). It carries the same content as WriteDataCiteXML; alternate
// identifiers go in "identifiers" as the API names them.
func WriteDataCiteJSON(w io.Writer, r *Record) error {
	if err := r.check(); err != nil {
		return err
	}
	x, k := dataciteResource(r), kindOf(r.ItemType.ID)
	a := djAttributes{URL: r.LandingURL, Publisher: x.Publisher, Version: x.Version, Language: x.Language,
		SchemaVersion: DataCiteNamespace, Identifiers: []djIdentifier{}, Creators: []djCreator{},
		Titles: []djTitle{}, Subjects: []djSubject{}, Dates: []djDate{}, RelatedIdentifiers: []djRelated{},
		Sizes: x.Sizes.Items, Formats: x.Formats.Items, RightsList: []djRights{}, Descriptions: []djDescription{},
		FundingReferences: []djFunding{},
		Types: djTypes{ResourceTypeGeneral: k.DataCite, ResourceType: x.ResourceType.Value, SchemaOrg: k.Schema,
			BibTeX: k.BibTeX, Citeproc: k.CSL, RIS: k.RIS}}
	if x.Identifier.IdentifierType == "DOI" {
		a.DOI = strings.ToLower(x.Identifier.Value)
		a.Prefix, a.Suffix, _ = strings.Cut(a.DOI, "/")
	} else {
		a.Identifiers = append(a.Identifiers, djIdentifier{x.Identifier.Value, x.Identifier.IdentifierType})
	}
	a.PublicationYear, _ = strconv.Atoi(x.Year)
	for _, id := range x.AltIDs.Items {
		a.Identifiers = append(a.Identifiers, djIdentifier{id.Value, id.AltType})
	}
	for _, c := range x.Creators {
		jc := djCreator{Name: c.Name.Value, NameType: c.Name.NameType, GivenName: c.Given, FamilyName: c.Family,
			NameIdentifiers: []djNameIdentifier{}, Affiliation: []djAffiliation{}}
		for _, n := range c.NameIDs {
			jc.NameIdentifiers = append(jc.NameIdentifiers, djNameIdentifier{n.Value, n.Scheme, n.SchemeURI})
		}
		for _, af := range c.Affiliation {
			jc.Affiliation = append(jc.Affiliation, djAffiliation{af})
		}
		a.Creators = append(a.Creators, jc)
	}
	for _, t := range x.Titles {
		a.Titles = append(a.Titles, djTitle{t.Value})
	}
	for _, s := range x.Subjects.Items {
		a.Subjects = append(a.Subjects, djSubject{s.Value, s.Scheme, s.SchemeURI, s.Code})
	}
	for _, d := range x.Dates.Items {
		a.Dates = append(a.Dates, djDate{d.Value, d.DateType, d.DateInfo})
	}
	for _, rel := range x.RelatedIDs.Items {
		a.RelatedIdentifiers = append(a.RelatedIdentifiers, djRelated{rel.Value, rel.Type, rel.Relation})
	}
	for _, rt := range x.Rights.Items {
		a.RightsList = append(a.RightsList, djRights{rt.Value, rt.URI, strings.ToLower(rt.ID), rt.IDScheme, rt.SchemeURI})
	}
	for _, d := range x.Descriptions.Items {
		a.Descriptions = append(a.Descriptions, djDescription{d.Value, d.DescType})
	}
	for _, f := range x.Funding.Items {
		jf := djFunding{FunderName: f.Funder, AwardTitle: f.Title}
		if f.Award != nil {
			jf.AwardNumber, jf.AwardURI = f.Award.Value, f.Award.URI
		}
		a.FundingReferences = append(a.FundingReferences, jf)
	}
	if a.Sizes == nil {
		a.Sizes = []string{}
	}
	if a.Formats == nil {
		a.Formats = []string{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(a)
}
