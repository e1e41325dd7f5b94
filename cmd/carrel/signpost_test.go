package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"carrel/testenv"
)

// TestSignposting checks a public landing page's Link header, its linkset
// in both formats, the embedded schema.org description, content
// negotiation on the item URL, and that a draft answers none of it.
func TestSignposting(t *testing.T) {
	s := startServer(t)
	tok := s.account("depositor@example.edu", false)
	item := s.createItem(t, tok, "Soil moisture 2024")
	fid := s.upload(t, tok, item, "readings.csv", []byte("site,moisture\nA,0.31\n"), nil)
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/reserve_doi", item), tok, nil).want(t, 200)
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", item), tok, nil).want(t, 201)
	page := fmt.Sprintf("/articles/Soil_moisture_2024/%d", item)
	vdoi := fmt.Sprintf("10.5072/carrel.%d.v1", item)

	res := s.do("GET", page, "", nil).want(t, 200)
	link := res.Header.Get("Link")
	for _, want := range []string{
		`<https://doi.org/` + vdoi + `>; rel="cite-as"`,
		`/metadata/datacite-xml>; rel="describedby"; type="application/vnd.datacite.datacite+xml"`,
		`/metadata/schema-org>; rel="describedby"; type="application/ld+json"; profile="https://schema.org"`,
		`/metadata/bibtex>; rel="describedby"; type="application/x-bibtex"`,
		fmt.Sprintf(`/v2/file/download/%d>; rel="item"; type="text/csv"`, fid),
		`<https://orcid.org/0000-0002-1825-0097>; rel="author"`,
		`rel="license"`,
		`<https://schema.org/Dataset>; rel="type"`,
		`<https://schema.org/AboutPage>; rel="type"`,
		page + `/linkset>; rel="linkset"; type="application/linkset+json"`,
	} {
		if !strings.Contains(link, want) {
			t.Errorf("Link header lacks %s\n%s", want, link)
		}
	}
	if v := res.Header.Get("Vary"); !strings.Contains(v, "Accept") {
		t.Errorf("Vary %q", v)
	}
	body := string(res.Body)
	start := strings.Index(body, `<script type="application/ld+json">`)
	end := strings.Index(body[max(start, 0):], "</script>")
	if start < 0 || end < 0 {
		t.Fatal("landing page has no JSON-LD")
	}
	var ld map[string]any
	if err := json.Unmarshal([]byte(body[start+len(`<script type="application/ld+json">`):start+end]), &ld); err != nil {
		t.Fatalf("embedded JSON-LD: %v", err)
	}
	if ld["@type"] != "Dataset" || ld["@id"] != "https://doi.org/"+vdoi {
		t.Errorf("JSON-LD @type %v @id %v", ld["@type"], ld["@id"])
	}

	// Every describedby link serves its type.
	for _, l := range strings.Split(link, ", ") {
		if !strings.Contains(l, `rel="describedby"`) {
			continue
		}
		href := l[1:strings.Index(l, ">")]
		typ := strings.Split(strings.Split(l, `type="`)[1], `"`)[0]
		r := s.do("GET", href, "", nil).want(t, 200)
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, typ) {
			t.Errorf("%s: Content-Type %q, want %s", href, ct, typ)
		}
	}

	// Content negotiation on the item URL.
	for accept, want := range map[string]string{
		"application/vnd.datacite.datacite+xml":                           `<identifier identifierType="DOI">` + vdoi,
		"application/x-bibtex":                                            "@misc{",
		"application/ld+json":                                             `"@context"`,
		"application/x-research-info-systems":                             "TY  - DATA",
		"application/vnd.citationstyles.csl+json":                         `"type": "dataset"`,
		"application/vnd.datacite.datacite+json":                          `"doi": "` + vdoi,
		"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8": "<!doctype html>",
		"*/*":                                   "<!doctype html>",
		"application/x-bibtex;q=0.5, text/html": "<!doctype html>",
	} {
		r := s.do("GET", page, "", nil, "Accept", accept).want(t, 200)
		if !strings.Contains(string(r.Body), want) {
			t.Errorf("Accept %s: body lacks %q: %.300s", accept, want, r.Body)
		}
		if !strings.Contains(r.Header.Get("Vary"), "Accept") {
			t.Errorf("Accept %s: no Vary: Accept", accept)
		}
	}
	dc := s.do("GET", page, "", nil, "Accept", "application/vnd.datacite.datacite+xml")
	f := filepath.Join(t.TempDir(), "dc.xml")
	os.WriteFile(f, dc.Body, 0o600)
	xsd := filepath.Join(testenv.Reference(t), "xsd", "datacite-4.6", "metadata.xsd")
	if out, err := exec.Command(testenv.Tool(t, "xmllint", "libxml2-utils"), "--noout", "--nonet", "--schema", xsd, f).CombinedOutput(); err != nil {
		t.Errorf("negotiated DataCite XML fails the schema: %s", out)
	}

	// The linkset, in JSON and as text.
	var ls struct {
		Linkset []map[string]json.RawMessage `json:"linkset"`
	}
	r := s.do("GET", page+"/linkset", "", nil).want(t, 200)
	if ct := r.Header.Get("Content-Type"); ct != "application/linkset+json" {
		t.Errorf("linkset Content-Type %q", ct)
	}
	r.JSON(t, &ls)
	if len(ls.Linkset) < 2 || !strings.Contains(string(ls.Linkset[0]["cite-as"]), vdoi) {
		t.Fatalf("linkset: %s", r.Body)
	}
	if c := string(ls.Linkset[1]["collection"]); !strings.Contains(c, page) {
		t.Errorf("file's collection link %s", c)
	}
	r = s.do("GET", page+"/linkset", "", nil, "Accept", "application/linkset").want(t, 200)
	if !strings.Contains(string(r.Body), `rel="cite-as"; anchor="`) {
		t.Errorf("text linkset: %s", r.Body)
	}

	// The file download points back at its landing page.
	r = s.do("GET", fmt.Sprintf("/v2/file/download/%d", fid), "", nil).want(t, 200)
	if l := r.Header.Get("Link"); !strings.Contains(l, page+`>; rel="collection"; type="text/html"`) {
		t.Errorf("file download Link %q", l)
	}

	// A draft has no signposts, metadata or linkset, even for its owner's
	// browser, and is not negotiated into existence.
	draft := s.createItem(t, tok, "Unpublished")
	dpage := fmt.Sprintf("/articles/Unpublished/%d", draft)
	for _, path := range []string{dpage + "/linkset", dpage + "/metadata/bibtex", dpage + "/versions/1/metadata/datacite-xml"} {
		s.do("GET", path, "", nil).want(t, 404)
	}
	s.do("GET", dpage, "", nil, "Accept", "application/x-bibtex").want(t, 404)
	if l := s.do("GET", page+"/metadata/nonsense", "", nil).want(t, 404).Header.Get("Link"); l != "" {
		t.Errorf("unknown format has Link %q", l)
	}

	// Embargoes: under a file embargo the metadata stays signposted and
	// negotiable but no file is listed; under a whole-item embargo only the
	// stub page exists and none of the machine-readable views.
	for _, typ := range []string{"file", "article"} {
		id := s.createItem(t, tok, "Embargoed "+typ)
		s.upload(t, tok, id, "secret.csv", []byte("a,b\n1,2\n"), nil)
		s.do("PUT", fmt.Sprintf("/v2/account/articles/%d/embargo", id), tok, map[string]any{"is_embargoed": true, "embargo_date": "0",
			"embargo_type": typ, "embargo_title": "Under embargo", "embargo_reason": "patent", "embargo_options": []any{}}).want(t, 205)
		s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", id), tok, nil).want(t, 201)
		epage := fmt.Sprintf("/articles/Embargoed_%s/%d", typ, id)
		res := s.do("GET", epage, "", nil).want(t, 200)
		ls := s.do("GET", epage+"/linkset", "", nil)
		bib := s.do("GET", epage, "", nil, "Accept", "application/vnd.datacite.datacite+xml")
		if typ == "article" {
			ls.want(t, 404)
			bib.want(t, 404)
			if l := res.Header.Get("Link"); l != "" || strings.Contains(string(res.Body), "application/ld+json") {
				t.Errorf("whole-item embargo is signposted: %q", l)
			}
			continue
		}
		ls.want(t, 200)
		bib.want(t, 200)
		for what, text := range map[string]string{"Link": res.Header.Get("Link"), "linkset": string(ls.Body), "DataCite XML": string(bib.Body)} {
			if strings.Contains(text, "/v2/file/download/") || strings.Contains(text, "secret.csv") {
				t.Errorf("file embargo: the %s lists the embargoed file:\n%s", what, text)
			}
		}
		if !strings.Contains(res.Header.Get("Link"), `rel="cite-as"`) {
			t.Errorf("file embargo: metadata is not signposted")
		}
	}
}
