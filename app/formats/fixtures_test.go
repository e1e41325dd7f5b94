package formats

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"carrel/app"

	"carrel/testenv"
)

// xssTitle and xssHTML are hostile inputs every format must neutralise.
const (
	xssTitle = `<script>alert("x")</script> & </title>]]>`
	xssHTML  = `<p>Hello <img src=x onerror=alert(1)> <script>alert(2)</script>&lt;b&gt;bold&lt;/b&gt;</p>`
)

func minimalRecord() *Record {
	return &Record{
		Item:     &app.Item{ID: 42, Status: app.StatusPublished, Version: 1},
		Version:  &app.Version{ItemID: 42, Number: 1, Metadata: app.Metadata{Title: "Minimal"}},
		ItemType: app.ItemType{ID: 3, Name: "dataset"},
	}
}

func fullRecord() *Record {
	first := time.Date(2023, 3, 14, 9, 26, 53, 0, time.UTC)
	return &Record{
		Item: &app.Item{ID: 1234, Status: app.StatusPublished, Version: 2, Published: first},
		Version: &app.Version{ItemID: 1234, Number: 2, Published: time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC),
			Metadata: app.Metadata{
				Title:       "Soil carbon {flux} measurements: 50% & more_data #1",
				Description: "<p>First paragraph with <b>bold</b>.</p><p>Second&nbsp;paragraph &amp; more.</p>",
				ItemType:    3,
				Authors: []app.Author{
					{FullName: "Jane Q. Smith", FirstName: "Jane Q.", LastName: "Smith", ORCID: "0000-0002-1825-0097"},
					{FullName: "Jean-Paul van der Berg", FirstName: "Jean-Paul", LastName: "van der Berg"},
					{FullName: "Research Group Alpha"},
				},
				Keywords:   []string{"soil", " carbon ", ""},
				License:    1,
				References: []string{"https://doi.org/10.5555/ref.1", "https://example.org/paper", "Smith 2020, unpublished"},
				Funding:    "Supported by <i>the Foundation</i>.",
				FundingList: []app.Funding{{Title: "Soil futures", GrantCode: "DP123", Funder: "Australian Research Council",
					URL: "https://dataportal.arc.gov.au/DP123"}, {Title: "No funder named"}},
				RelatedMaterials: []app.RelatedMaterial{
					{Identifier: "10.1000/xyz123", IdentifierType: "doi", Relation: "IsSupplementTo", Title: "The paper"},
					{Identifier: "https://github.com/example/code", IdentifierType: "URL", Relation: "isderivedfrom"},
					{Identifier: "not an id", IdentifierType: "Nonsense", Relation: "Bogus"},
				},
				Handle:      "20.500.12345/678",
				ResourceDOI: "10.1000/published.article",
				Timeline:    app.Timeline{PublisherAcceptance: "2023-01-10"},
				Language:    "en",
			}},
		ItemType: app.ItemType{ID: 3, Name: "dataset"},
		License:  app.License{ID: 1, Name: "CC BY 4.0", URL: "https://creativecommons.org/licenses/by/4.0/", SPDX: "CC-BY-4.0"},
		Categories: []app.Category{{ID: 410604, ParentID: 4106, Title: "Soil chemistry and soil carbon sequestration",
			SourceID: "410604", TaxonomyID: 1}, {ID: 9, Title: "Local topic", TaxonomyID: 7}},
		LandingURL:   "https://repo.example.edu/articles/dataset/Soil_carbon/1234",
		VersionDOI:   "10.5555/carrel.1234.v2",
		ConceptDOI:   "https://doi.org/10.5555/carrel.1234",
		Publisher:    "Example University",
		Affiliations: []string{"Example University", ""},
		Files: []FileLink{{Name: "data.csv", Size: 1000, MimeType: "text/csv", URL: "https://repo.example.edu/ndownloader/files/1"},
			{Name: "readme.txt", Size: 24, MimeType: "text/plain", URL: "https://repo.example.edu/ndownloader/files/2"}},
	}
}

func unicodeRecord() *Record {
	r := fullRecord()
	m := &r.Version.Metadata
	m.Title = "Ünïcödé: Ελληνικά, 日本語, emoji 🧪, Ørsted’s “quotes” — é\u0301"
	m.Authors = []app.Author{{FullName: "Jörg Müller", FirstName: "Jörg", LastName: "Müller"},
		{FullName: "Zoë Ñúñez-Łukasz", FirstName: "Zoë", LastName: "Ñúñez-Łukasz"}, {FullName: "李 小龍"}}
	m.Keywords = []string{"Bodenkohlenstoff", "土壌"}
	m.Language = "de"
	r.Language = ""
	return r
}

func xssRecord() *Record {
	r := fullRecord()
	m := &r.Version.Metadata
	m.Title = xssTitle + "\nER  - \nTY  - JOUR\n}, evil = {x"
	m.Description = xssHTML
	m.Authors = []app.Author{{FullName: `Eve <img src=x> "Mallory"`, FirstName: `Eve <img src=x>`, LastName: `"Mallory"`}}
	m.Keywords = []string{"<b>k</b>", "a\nKW  - injected"}
	r.Publisher = "Pub & <Sons>"
	return r
}

// records are the records every writer is tested with.
func records() map[string]*Record {
	return map[string]*Record{"minimal": minimalRecord(), "full": fullRecord(), "unicode": unicodeRecord(), "xss": xssRecord()}
}

// itemTypes reads the seed item types, so every type Carrel ships is tested.
func itemTypes(t *testing.T) []app.ItemType {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "catalog", "seed", "item_types.json"))
	if err != nil {
		t.Fatalf("reading seed item types: %v", err)
	}
	var types []app.ItemType
	if err := json.Unmarshal(data, &types); err != nil {
		t.Fatalf("parsing seed item types: %v", err)
	}
	return types
}

// write runs a writer and returns its output.
func write(t *testing.T, fn func(io.Writer, *Record) error, r *Record) string {
	t.Helper()
	var b bytes.Buffer
	if err := fn(&b, r); err != nil {
		t.Fatalf("write: %v", err)
	}
	return b.String()
}

// xmllint validates doc against the schema at reference-relative path xsd.
func xmllint(t *testing.T, xsd, doc string) {
	t.Helper()
	lint := testenv.Tool(t, "xmllint", "libxml2-utils")
	f := filepath.Join(t.TempDir(), "doc.xml")
	if err := os.WriteFile(f, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(lint, "--noout", "--nonet", "--schema", filepath.Join(testenv.Reference(t), xsd), f).CombinedOutput()
	if err != nil {
		t.Errorf("xmllint rejects the document: %v\n%s\n--- document ---\n%s", err, out, doc)
	}
}

// oaiEnvelope wraps an oai_dc payload in a minimal OAI-PMH GetRecord response.
func oaiEnvelope(payload string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">
<responseDate>2024-06-01T00:00:00Z</responseDate>
<request verb="GetRecord" identifier="oai:repo.example.edu:article/1234" metadataPrefix="oai_dc">https://repo.example.edu/v2/oai</request>
<GetRecord><record><header><identifier>oai:repo.example.edu:article/1234</identifier><datestamp>2024-06-01T00:00:00Z</datestamp></header>
<metadata>` + payload + `</metadata></record></GetRecord></OAI-PMH>
`
}

// sortedNames returns the keys of records in a fixed order.
func sortedNames(m map[string]*Record) []string {
	names := []string{"minimal", "full", "unicode", "xss"}
	for n := range m {
		if !strings.Contains(strings.Join(names, ","), n) {
			names = append(names, n)
		}
	}
	return names
}
