package formats

import (
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"carrel/app"
)

func decode(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, s)
	}
}

func TestDataCiteJSON(t *testing.T) {
	var a struct {
		DOI             string `json:"doi"`
		Prefix          string `json:"prefix"`
		PublicationYear int    `json:"publicationYear"`
		Types           struct {
			General string `json:"resourceTypeGeneral"`
		} `json:"types"`
		Creators []struct {
			Name            string `json:"name"`
			NameIdentifiers []struct {
				NameIdentifier string `json:"nameIdentifier"`
			} `json:"nameIdentifiers"`
		} `json:"creators"`
		RightsList []struct {
			RightsIdentifier string `json:"rightsIdentifier"`
		} `json:"rightsList"`
		RelatedIdentifiers []json.RawMessage `json:"relatedIdentifiers"`
		Identifiers        []json.RawMessage `json:"identifiers"`
	}
	decode(t, write(t, WriteDataCiteJSON, fullRecord()), &a)
	got := []any{a.DOI, a.Prefix, a.PublicationYear, a.Types.General, a.Creators[0].Name,
		a.Creators[0].NameIdentifiers[0].NameIdentifier, a.RightsList[0].RightsIdentifier, len(a.RelatedIdentifiers), len(a.Identifiers)}
	want := []any{"10.5555/carrel.1234.v2", "10.5555", 2024, "Dataset", "Smith, Jane Q.",
		"https://orcid.org/0000-0002-1825-0097", "cc-by-4.0", 6, 2}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestSchemaOrg(t *testing.T) {
	tests := []struct {
		itemType          int
		wantType, wantWho string
	}{
		{3, "Dataset", "creator"}, {6, "ScholarlyArticle", "author"}, {9, "SoftwareSourceCode", "author"},
		{1, "ImageObject", "author"}, {8, "Thesis", "author"}, {27, "CreativeWork", "author"},
	}
	for _, tt := range tests {
		r := fullRecord()
		r.ItemType = app.ItemType{ID: tt.itemType, Name: "x"}
		var doc map[string]any
		decode(t, write(t, WriteSchemaOrg, r), &doc)
		if got := doc["@type"]; got != tt.wantType {
			t.Errorf("type %d: @type got %v, want %v", tt.itemType, got, tt.wantType)
		}
		if _, ok := doc[tt.wantWho]; !ok {
			t.Errorf("type %d: no %q", tt.itemType, tt.wantWho)
		}
		if got, want := doc["@id"], "https://doi.org/10.5555/carrel.1234.v2"; got != want {
			t.Errorf("@id: got %v, want %v", got, want)
		}
	}
}

func TestCSLJSON(t *testing.T) {
	var items []cslItem
	decode(t, write(t, WriteCSLJSON, fullRecord()), &items)
	if len(items) != 1 {
		t.Fatalf("got %d items, want 1", len(items))
	}
	it := items[0]
	got := []any{it.ID, it.Type, it.Author[0], it.Author[2], it.Issued.DateParts, it.DOI}
	want := []any{"smith2024_1234v2", "dataset", cslName{Family: "Smith", Given: "Jane Q."},
		cslName{Family: "Alpha", Given: "Research Group"}, [][]int{{2024, 6, 1}}, "10.5555/carrel.1234.v2"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v,\nwant %+v", got, want)
	}
}

// TestJSONEscapesXSS checks that no JSON output can close a <script> element
// it is embedded in, and that values read back unchanged.
func TestJSONEscapesXSS(t *testing.T) {
	r := xssRecord()
	for name, fn := range map[string]func(io.Writer, *Record) error{
		"datacite": WriteDataCiteJSON, "schema.org": WriteSchemaOrg, "csl": WriteCSLJSON,
	} {
		out := write(t, fn, r)
		if strings.Contains(out, "<") || strings.Contains(out, ">") {
			t.Errorf("%s: output contains a raw < or >", name)
		}
		if !strings.Contains(out, `\u003cscript\u003e`) {
			t.Errorf("%s: escaped title missing", name)
		}
		var v any
		decode(t, out, &v)
	}
}

func TestAPA(t *testing.T) {
	many := fullRecord()
	many.Version.Metadata.Authors = nil
	for i := 0; i < 22; i++ {
		many.Version.Metadata.Authors = append(many.Version.Metadata.Authors,
			app.Author{FirstName: "Ann", LastName: "A" + itoa(i), FullName: "Ann A" + itoa(i)})
	}
	noAuthor := minimalRecord()
	noAuthor.LandingURL = "https://repo.example.edu/articles/x/42"
	tests := []struct {
		name string
		r    *Record
		html bool
		want string
	}{
		{"full", fullRecord(), false, "Smith, J. Q., van der Berg, J.-P., & Alpha, R. G. (2024). " +
			"Soil carbon {flux} measurements: 50% & more_data #1 (Version 2) [Data set]. Example University. " +
			"https://doi.org/10.5555/carrel.1234.v2"},
		{"no author, no date", noAuthor, false, "Minimal [Data set]. (n.d.). https://repo.example.edu/articles/x/42"},
		{"xss html", xssRecord(), true, "&#34;Mallory&#34;, E. S. (2024). <i>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; " +
			"&lt;/title&gt;]]&gt; ER - TY - JOUR }, evil = {x</i> (Version 2) [Data set]. Pub &amp; &lt;Sons&gt;. " +
			`<a href="https://doi.org/10.5555/carrel.1234.v2">https://doi.org/10.5555/carrel.1234.v2</a>`},
	}
	for _, tt := range tests {
		fn := WriteAPA
		if tt.html {
			fn = WriteAPAHTML
		}
		if got := write(t, fn, tt.r); got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
	got := write(t, WriteAPA, many)
	if want := "A18, A., … A21, A. (2024)."; !strings.Contains(got, want) || strings.Contains(got, "A19,") {
		t.Errorf("21+ authors: got %q, want it to contain %q and not A19", got, want)
	}
}

func TestPlainText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain & simple", "plain & simple"},
		{"<p>One</p><p>Two<br>Three</p>", "One\n\nTwo\nThree"},
		{"a &lt;b&gt; &amp; &#233;", "a <b> & é"},
		{"x<script>alert(1)</script>y<style>p{}</style>z", "xyz"},
		{"<ul><li>a</li><li>b</li></ul>", "a\nb"},
		{"1 < 2 and 3 > 2", "1 < 2 and 3 > 2"},
		{"bad\x00\x07char", "badchar"},
		{"  spaced   out \n\n\n\n more ", "spaced out\n\nmore"},
	}
	for _, tt := range tests {
		if got := PlainText(tt.in); got != tt.want {
			t.Errorf("PlainText(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWritersRejectIncompleteRecords(t *testing.T) {
	writers := []func(io.Writer, *Record) error{WriteDataCiteXML, WriteDataCiteJSON, WriteDublinCore,
		WriteSchemaOrg, WriteBibTeX, WriteRIS, WriteCSLJSON, WriteAPA, WriteAPAHTML}
	noTitle := minimalRecord()
	noTitle.Version.Metadata.Title = " "
	for i, fn := range writers {
		for _, r := range []*Record{nil, {}, noTitle} {
			err := fn(io.Discard, r)
			var e *app.Error
			if !errors.As(err, &e) || e.Code != app.EINVALID {
				t.Errorf("writer %d: got %v, want an EINVALID error", i, err)
			}
		}
	}
}
