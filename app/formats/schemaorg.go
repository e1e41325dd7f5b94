package formats

import (
	"encoding/json"
	"io"
	"strconv"
)

// WriteSchemaOrg writes the record as schema.org JSON-LD, typed by item type
// (Dataset, ScholarlyArticle, SoftwareSourceCode, ImageObject, Thesis...,
// else CreativeWork), for landing pages and dataset search engines. The
// output escapes <, > and & as \u003c, \u003e and \u0026, so it is safe
// inside <script type="application/ld+json">.
func WriteSchemaOrg(w io.Writer, r *Record) error {
	if err := r.check(); err != nil {
		return err
	}
	m, k := r.meta(), kindOf(r.ItemType.ID)
	doc := map[string]any{
		"@context": "https://schema.org",
		"@type":    k.Schema,
		"name":     oneLine(r.title()),
		"version":  strconv.Itoa(r.Version.Number),
	}
	set := func(key string, v any) {
		switch x := v.(type) {
		case string:
			if x == "" {
				return
			}
		case []any:
			if len(x) == 0 {
				return
			}
		}
		doc[key] = v
	}
	if d := r.doi(); d != "" {
		doc["@id"] = doiURL(d)
		set("identifier", map[string]any{"@type": "PropertyValue", "propertyID": "DOI", "value": d, "url": doiURL(d)})
	} else if r.LandingURL != "" {
		doc["@id"] = r.LandingURL
	}
	set("url", r.LandingURL)
	set("description", r.abstract())
	var authors []any
	for _, p := range r.people() {
		a := map[string]any{"@type": "Person", "name": oneLine(p.Full)}
		if p.Given != "" {
			a["givenName"] = oneLine(p.Given)
		}
		if p.Family != "" {
			a["familyName"] = oneLine(p.Family)
		}
		if p.ORCID != "" {
			a["@id"] = "https://orcid.org/" + p.ORCID
			a["identifier"] = "https://orcid.org/" + p.ORCID
		}
		if p.Affiliation != "" {
			a["affiliation"] = map[string]any{"@type": "Organization", "name": oneLine(p.Affiliation)}
		}
		authors = append(authors, a)
	}
	set(authorKey(k.Schema), authors)
	if r.Publisher != "" {
		set("publisher", map[string]any{"@type": "Organization", "name": oneLine(r.Publisher)})
	}
	set("datePublished", r.date())
	if d := r.firstPublished(); !d.IsZero() && r.updated() != "" {
		set("dateModified", r.date())
		set("datePublished", d.Format("2006-01-02"))
	}
	set("inLanguage", oneLine(r.language()))
	set("license", r.License.URL)
	var keywords []any
	for _, c := range r.Categories {
		keywords = append(keywords, oneLine(c.Title))
	}
	for _, kw := range r.keywords() {
		keywords = append(keywords, oneLine(kw))
	}
	set("keywords", keywords)
	set("genre", r.ItemType.Name)
	if r.ItemType.ID == 12 {
		set("creativeWorkStatus", "Preprint")
	}
	var citations []any
	for _, x := range r.relatedIDs() {
		if l := x.link(); l != "" && x.Relation == "References" {
			citations = append(citations, l)
		}
	}
	set("citation", citations)
	if c := r.conceptDOI(); isDOI(c) && c != r.doi() {
		set("isPartOf", map[string]any{"@id": doiURL(c)})
	}
	var funders []any
	for _, f := range m.FundingList {
		if n := oneLine(f.Funder); n != "" {
			funders = append(funders, map[string]any{"@type": "Organization", "name": n})
		}
	}
	set("funder", funders)
	var files []any
	for _, f := range r.Files {
		files = append(files, map[string]any{"@type": "DataDownload", "name": oneLine(f.Name),
			"contentUrl": f.URL, "encodingFormat": f.MimeType, "contentSize": strconv.FormatInt(f.Size, 10) + " B"})
	}
	if k.Schema == "Dataset" {
		set("distribution", files)
		set("includedInDataCatalog", map[string]any{"@type": "DataCatalog", "name": oneLine(orDefault(r.Publisher, "Carrel"))})
	} else {
		set("associatedMedia", files)
	}
	enc := json.NewEncoder(w) // HTML-escaping on: </script> can never close the tag
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// authorKey is "creator" for Dataset, as Google's dataset guidelines ask,
// and "author" for other works.
func authorKey(schemaType string) string {
	if schemaType == "Dataset" {
		return "creator"
	}
	return "author"
}

// SchemaOrgType is the schema.org type the record is written as, e.g.
// "Dataset" or "ScholarlyArticle".
func SchemaOrgType(r *Record) string { return kindOf(r.ItemType.ID).Schema }
