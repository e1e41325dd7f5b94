package formats

import (
	"encoding/xml"
	"reflect"
	"strings"
	"testing"
	"time"

	"carrel/app"
)

const dataciteXSD = "xsd/datacite-4.6/metadata.xsd"

func TestDataCiteXMLValidates(t *testing.T) {
	recs := records()
	for _, name := range sortedNames(recs) {
		t.Run(name, func(t *testing.T) {
			xmllint(t, dataciteXSD, write(t, WriteDataCiteXML, recs[name]))
		})
	}
}

func TestDataCiteXMLEachItemType(t *testing.T) {
	types := itemTypes(t)
	if got, want := len(types), 27; got != want {
		t.Errorf("seed item types: got %d, want %d", got, want)
	}
	for _, it := range append(types, app.ItemType{ID: 4, Name: "fileset"}, app.ItemType{ID: 999, Name: "unknown"}) {
		t.Run(it.Name, func(t *testing.T) {
			r := fullRecord()
			r.ItemType = it
			out := write(t, WriteDataCiteXML, r)
			xmllint(t, dataciteXSD, out)
			if k := kindOf(it.ID); !strings.Contains(out, `resourceTypeGeneral="`+k.DataCite+`"`) {
				t.Errorf("resourceTypeGeneral %q missing", k.DataCite)
			}
		})
	}
}

// parsed is the part of a DataCite resource the tests read back.
type parsed struct {
	Identifier struct {
		Type  string `xml:"identifierType,attr"`
		Value string `xml:",chardata"`
	} `xml:"identifier"`
	Creators []struct {
		Name    string   `xml:"creatorName"`
		ORCID   []string `xml:"nameIdentifier"`
		Affil   []string `xml:"affiliation"`
		Given   string   `xml:"givenName"`
		Familiy string   `xml:"familyName"`
	} `xml:"creators>creator"`
	Title    string `xml:"titles>title"`
	Year     string `xml:"publicationYear"`
	Subjects []struct {
		Scheme string `xml:"subjectScheme,attr"`
		Code   string `xml:"classificationCode,attr"`
		Value  string `xml:",chardata"`
	} `xml:"subjects>subject"`
	Dates []struct {
		Type  string `xml:"dateType,attr"`
		Value string `xml:",chardata"`
	} `xml:"dates>date"`
	Related []struct {
		Type     string `xml:"relatedIdentifierType,attr"`
		Relation string `xml:"relationType,attr"`
		Value    string `xml:",chardata"`
	} `xml:"relatedIdentifiers>relatedIdentifier"`
	Rights struct {
		ID    string `xml:"rightsIdentifier,attr"`
		Value string `xml:",chardata"`
	} `xml:"rightsList>rights"`
	Descriptions []string `xml:"descriptions>description"`
	Funders      []string `xml:"fundingReferences>fundingReference>funderName"`
	Sizes        []string `xml:"sizes>size"`
	Formats      []string `xml:"formats>format"`
	AltIDs       []string `xml:"alternateIdentifiers>alternateIdentifier"`
}

func parseDataCite(t *testing.T, doc string) parsed {
	t.Helper()
	var p parsed
	if err := xml.Unmarshal([]byte(doc), &p); err != nil {
		t.Fatalf("parsing our own DataCite XML: %v", err)
	}
	return p
}

func TestDataCiteXMLFields(t *testing.T) {
	p := parseDataCite(t, write(t, WriteDataCiteXML, fullRecord()))
	checks := []struct {
		name      string
		got, want any
	}{
		{"identifier", p.Identifier.Type + " " + p.Identifier.Value, "DOI 10.5555/carrel.1234.v2"},
		{"creators", len(p.Creators), 3},
		{"first creator", p.Creators[0].Name, "Smith, Jane Q."},
		{"orcid", p.Creators[0].ORCID, []string{"https://orcid.org/0000-0002-1825-0097"}},
		{"affiliation", p.Creators[0].Affil, []string{"Example University"}},
		{"no empty affiliation", len(p.Creators[1].Affil), 0},
		{"title", p.Title, "Soil carbon {flux} measurements: 50% & more_data #1"},
		{"year is this version's", p.Year, "2024"},
		{"FoR subject", p.Subjects[0].Scheme + " " + p.Subjects[0].Code, forScheme + " 410604"},
		{"other taxonomy has no scheme", p.Subjects[1].Scheme, ""},
		{"keywords trimmed, empties dropped", []string{p.Subjects[2].Value, p.Subjects[3].Value, itoa(len(p.Subjects))}, []string{"soil", "carbon", "4"}},
		{"dates", p.Dates[0].Type + " " + p.Dates[0].Value + ", " + p.Dates[1].Type + " " + p.Dates[1].Value, "Issued 2023-03-14, Updated 2024-06-01"},
		{"rights", p.Rights.ID + " " + p.Rights.Value, "CC-BY-4.0 CC BY 4.0"},
		{"abstract is plain text", p.Descriptions[0], "First paragraph with bold.\n\nSecond paragraph & more."},
		{"funding text", p.Descriptions[1], "Supported by the Foundation."},
		{"funders (unnamed funder dropped)", p.Funders, []string{"Australian Research Council"}},
		{"sizes", p.Sizes, []string{"1024 bytes", "2 files"}},
		{"formats", p.Formats, []string{"text/csv", "text/plain"}},
		{"alternate identifiers", p.AltIDs, []string{"https://repo.example.edu/articles/dataset/Soil_carbon/1234", "20.500.12345/678"}},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: got %#v, want %#v", c.name, c.got, c.want)
		}
	}
	var rel []string
	for _, x := range p.Related {
		rel = append(rel, x.Relation+" "+x.Type+" "+x.Value)
	}
	want := []string{
		"IsVersionOf DOI 10.5555/carrel.1234",
		"IsSupplementTo DOI 10.1000/published.article",
		"IsSupplementTo DOI 10.1000/xyz123",
		"IsDerivedFrom URL https://github.com/example/code",
		"References DOI 10.5555/ref.1",
		"References URL https://example.org/paper",
	}
	if !reflect.DeepEqual(rel, want) {
		t.Errorf("related identifiers:\n got %q\nwant %q", rel, want)
	}
}

func TestDataCiteXMLWithoutDOI(t *testing.T) {
	r := fullRecord()
	r.VersionDOI = ""
	out := write(t, WriteDataCiteXML, r)
	xmllint(t, dataciteXSD, out)
	p := parseDataCite(t, out)
	if got, want := p.Identifier.Type+" "+p.Identifier.Value, "URL "+r.LandingURL; got != want {
		t.Errorf("identifier: got %q, want %q", got, want)
	}
	if got, want := p.AltIDs, []string{"20.500.12345/678"}; !reflect.DeepEqual(got, want) {
		t.Errorf("alternate identifiers: got %q, want %q", got, want)
	}
}

func TestDataCiteXMLEdgeCases(t *testing.T) {
	r := minimalRecord()
	r.Version.Metadata.Language = "not a language!"
	r.Version.Published = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	out := write(t, WriteDataCiteXML, r)
	xmllint(t, dataciteXSD, out)
	for _, s := range []string{"<language>", "<creatorName>:unav</creatorName>", `identifierType="URL">urn:carrel:item:42<`} {
		if got, want := strings.Contains(out, s), s != "<language>"; got != want {
			t.Errorf("contains %q: got %v, want %v", s, got, want)
		}
	}
}

func TestDublinCoreValidatesInOAIPMH(t *testing.T) {
	recs := records()
	for _, name := range sortedNames(recs) {
		t.Run(name, func(t *testing.T) {
			xmllint(t, "xsd/oai-pmh/oai-pmh-with-payloads.xsd", oaiEnvelope(write(t, WriteDublinCore, recs[name])))
		})
	}
}

func TestDublinCoreFields(t *testing.T) {
	var dc struct {
		Title       []string `xml:"title"`
		Creator     []string `xml:"creator"`
		Subject     []string `xml:"subject"`
		Type        []string `xml:"type"`
		Identifier  []string `xml:"identifier"`
		Rights      []string `xml:"rights"`
		Date        []string `xml:"date"`
		Relation    []string `xml:"relation"`
		Description []string `xml:"description"`
	}
	out := write(t, WriteDublinCore, fullRecord())
	if err := xml.Unmarshal([]byte(out), &dc); err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"creators", dc.Creator, []string{"Smith, Jane Q.", "van der Berg, Jean-Paul", "Alpha, Research Group"}},
		{"types", dc.Type, []string{"Dataset", "Dataset"}},
		{"identifiers", dc.Identifier, []string{"https://doi.org/10.5555/carrel.1234.v2",
			"https://repo.example.edu/articles/dataset/Soil_carbon/1234", "20.500.12345/678"}},
		{"rights", dc.Rights, []string{"CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"}},
		{"date", dc.Date, []string{"2024-06-01"}},
		{"relations", len(dc.Relation), 6},
		{"subjects", len(dc.Subject), 4},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: got %#v, want %#v", c.name, c.got, c.want)
		}
	}
}

// TestXMLEscapesXSS checks that hostile text stays text in both XML formats:
// no element is injected and the value reads back unchanged.
func TestXMLEscapesXSS(t *testing.T) {
	r := xssRecord()
	for name, fn := range map[string]func(*testing.T) string{
		"datacite": func(t *testing.T) string { return write(t, WriteDataCiteXML, r) },
		"dc":       func(t *testing.T) string { return write(t, WriteDublinCore, r) },
	} {
		t.Run(name, func(t *testing.T) {
			out := fn(t)
			for _, bad := range []string{"<script", "<img", "<b>", "<Sons>"} {
				if strings.Contains(out, bad) {
					t.Errorf("output contains raw %q", bad)
				}
			}
			var any struct {
				Title string `xml:"title"`
			}
			if name == "datacite" {
				p := parseDataCite(t, out)
				any.Title = p.Title
			} else if err := xml.Unmarshal([]byte(out), &any); err != nil {
				t.Fatal(err)
			}
			if got, want := any.Title, oneLine(r.Version.Metadata.Title); got != want {
				t.Errorf("title: got %q, want %q", got, want)
			}
		})
	}
}
