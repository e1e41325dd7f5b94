package oai

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"carrel/app"
	"carrel/app/catalog"

	"carrel/testenv"
)

var _ Catalog = (*catalog.DB)(nil)

const (
	testBase = "https://repo.example.edu"
	testKey  = "test-token-key-0123456789abcdef"
)

// harness is a catalog in a temp dir, a provider over it, a clock both
// share, and the validator every response goes through.
type harness struct {
	t     *testing.T
	db    *catalog.DB
	p     *Provider
	acct  *app.Account
	clock *testClock
	docs  *validator
}

// testClock is a settable clock that advances one second per reading, so
// that every publication gets its own datestamp.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) tick() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(time.Second)
	return c.now
}

func (c *testClock) read() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func newHarness(t *testing.T, pageSize int) *harness {
	t.Helper()
	docs := newValidator(t)
	db, err := catalog.Open(context.Background(), filepath.Join(t.TempDir(), "catalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for i := 1; i <= 9; i++ { // groups 1-9, which items are deposited in
		if err := db.CreateGroup(context.Background(), &app.Group{Name: fmt.Sprintf("Group %d", i)}, app.AuditEntry{}); err != nil {
			t.Fatal(err)
		}
	}
	clock := &testClock{now: time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC)}
	db.SetClock(clock.tick)
	acct := &app.Account{Email: "depositor@example.edu", FirstName: "Ada", LastName: "Lovelace"}
	if err := db.CreateAccount(context.Background(), acct, ""); err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, db: db, acct: acct, clock: clock, docs: docs}
	h.p = h.provider(pageSize, testKey)
	return h
}

// provider makes a new Provider over the harness's catalog, as a restarted
// server would.
func (h *harness) provider(pageSize int, key string) *Provider {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return New(Config{BaseURL: testBase, RepositoryName: "Example Repository", AdminEmail: "repo@example.edu",
		Publisher: "Example University", DataCentreSymbol: "EXAMPLE.REPO", TokenKey: []byte(key), PageSize: pageSize, Now: h.clock.read}, h.db, log)
}

func metadata(title string) app.Metadata {
	return app.Metadata{Title: title, Authors: []app.Author{{FullName: "Ada Lovelace", ORCID: "0000-0002-1825-0097"}},
		License: 1, ItemType: 3, Categories: []int64{3001}, Keywords: []string{"soil"}, Description: "<p>About <b>soil</b>.</p>"}
}

// draft creates an unpublished item in group.
func (h *harness) draft(title string, group int64) *app.Item {
	h.t.Helper()
	it, err := h.db.CreateItem(context.Background(), h.acct.ID, group, metadata(title))
	if err != nil {
		h.t.Fatal(err)
	}
	return it
}

// published creates and publishes an item.
func (h *harness) published(title string, group int64) *app.Item {
	h.t.Helper()
	it := h.draft(title, group)
	if _, err := h.db.Publish(context.Background(), it.ID); err != nil {
		h.t.Fatal(err)
	}
	return it
}

// withdrawn creates, publishes and withdraws an item.
func (h *harness) withdrawn(title string) *app.Item {
	h.t.Helper()
	it := h.published(title, 0)
	if err := h.db.Withdraw(context.Background(), it.ID, "duplicate of another item", app.AuditEntry{}); err != nil {
		h.t.Fatal(err)
	}
	return it
}

func (h *harness) id(it *app.Item) string {
	return "oai:repo.example.edu:article/" + strconv.FormatInt(it.ID, 10)
}

// get sends a GET to /v2/oai with the raw query and returns the parsed,
// validated response.
func (h *harness) get(query string) *response {
	h.t.Helper()
	return h.do(h.p, httptest.NewRequest(http.MethodGet, "/v2/oai?"+query, nil))
}

func (h *harness) do(p *Provider, r *http.Request) *response {
	h.t.Helper()
	w := httptest.NewRecorder()
	p.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		h.t.Fatalf("%s %s: status %d: %s", r.Method, r.URL, w.Code, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); ct != "text/xml; charset=utf-8" {
		h.t.Errorf("content type %q", ct)
	}
	body := w.Body.String()
	h.docs.add(body)
	var res response
	if err := xml.Unmarshal([]byte(body), &res); err != nil {
		h.t.Fatalf("%s: %v\n%s", r.URL, err, body)
	}
	res.raw = body
	return &res
}

// response is the part of an OAI-PMH response the tests read.
type response struct {
	raw     string
	Request struct {
		Attrs []xml.Attr `xml:",any,attr"`
		URL   string     `xml:",chardata"`
	} `xml:"request"`
	Errors []struct {
		Code    string `xml:"code,attr"`
		Message string `xml:",chardata"`
	} `xml:"error"`
	Identify *struct {
		Name        string `xml:"repositoryName"`
		BaseURL     string `xml:"baseURL"`
		Earliest    string `xml:"earliestDatestamp"`
		Deleted     string `xml:"deletedRecord"`
		Granularity string `xml:"granularity"`
	} `xml:"Identify"`
	Formats []string `xml:"ListMetadataFormats>metadataFormat>metadataPrefix"`
	Sets    []struct {
		Spec string `xml:"setSpec"`
		Name string `xml:"setName"`
	} `xml:"ListSets>set"`
	Headers      []header `xml:"ListIdentifiers>header"`
	Records      []record `xml:"ListRecords>record"`
	Record       *record  `xml:"GetRecord>record"`
	IDToken      *token   `xml:"ListIdentifiers>resumptionToken"`
	RecordsToken *token   `xml:"ListRecords>resumptionToken"`
}

type header struct {
	Status     string   `xml:"status,attr"`
	Identifier string   `xml:"identifier"`
	Datestamp  string   `xml:"datestamp"`
	Sets       []string `xml:"setSpec"`
}

type record struct {
	Header   header `xml:"header"`
	Metadata *struct {
		Inner string `xml:",innerxml"`
	} `xml:"metadata"`
}

type token struct {
	Value   string `xml:",chardata"`
	Cursor  string `xml:"cursor,attr"`
	Size    string `xml:"completeListSize,attr"`
	Expires string `xml:"expirationDate,attr"`
}

// errorCode is the response's one error code, "" when there is none.
func (r *response) errorCode() string {
	switch len(r.Errors) {
	case 0:
		return ""
	case 1:
		return r.Errors[0].Code
	}
	return "several errors"
}

// token is the list's resumption token, nil when the response has none.
func (r *response) token() *token {
	if r.IDToken != nil {
		return r.IDToken
	}
	return r.RecordsToken
}

// validator collects every response and checks them all against the
// OAI-PMH schema with its payload schemas, in one xmllint run at cleanup.
type validator struct {
	mu   sync.Mutex
	dir  string
	n    int
	lint string
	xsd  string
}

func newValidator(t *testing.T) *validator {
	t.Helper()
	v := &validator{dir: t.TempDir(), lint: testenv.Tool(t, "xmllint", "libxml2-utils")}
	v.xsd = payloadSchemas(t, v.dir)
	t.Cleanup(func() { v.check(t) })
	return v
}

// payloadSchemas writes, into dir, one schema for xmllint that imports the
// reference's OAI-PMH envelope with its oai_dc and DataCite 4.6 payloads
// (../shared/reference/xsd/oai-pmh/oai-pmh-with-payloads.xsd) and DataCite's
// OAI wrapper (testdata/oai_datacite-1.1.xsd), and returns its path.
func payloadSchemas(t *testing.T, dir string) string {
	t.Helper()
	ref := testenv.Reference(t)
	wrapper, err := filepath.Abs(filepath.Join("testdata", "oai_datacite-1.1.xsd"))
	if err != nil {
		t.Fatal(err)
	}
	xsd := `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:import namespace="http://www.openarchives.org/OAI/2.0/" schemaLocation="` + filepath.Join(ref, "xsd", "oai-pmh", "OAI-PMH.xsd") + `"/>
  <xs:import namespace="http://www.openarchives.org/OAI/2.0/oai_dc/" schemaLocation="` + filepath.Join(ref, "xsd", "oai-pmh", "oai_dc.xsd") + `"/>
  <xs:import namespace="http://datacite.org/schema/kernel-4" schemaLocation="` + filepath.Join(ref, "xsd", "datacite-4.6", "metadata.xsd") + `"/>
  <xs:import namespace="` + oaiDataCiteNamespace + `" schemaLocation="` + wrapper + `"/>
</xs:schema>
`
	path := filepath.Join(dir, "schemas.xsd")
	if err := os.WriteFile(path, []byte(xsd), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func (v *validator) add(doc string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.n++
	os.WriteFile(filepath.Join(v.dir, strconv.Itoa(v.n)+".xml"), []byte(doc), 0o600)
}

func (v *validator) check(t *testing.T) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.n == 0 {
		return
	}
	args := []string{"--noout", "--nonet", "--schema", v.xsd}
	for i := 1; i <= v.n; i++ {
		args = append(args, filepath.Join(v.dir, strconv.Itoa(i)+".xml"))
	}
	out, err := exec.Command(v.lint, args...).CombinedOutput()
	if err != nil {
		t.Errorf("xmllint rejects responses: %v\n%s", err, out)
		for _, line := range strings.Split(string(out), "\n") {
			if name, _, ok := strings.Cut(line, ":"); ok && strings.HasSuffix(name, ".xml") {
				body, _ := os.ReadFile(name)
				t.Logf("--- %s ---\n%s", name, body)
				break
			}
		}
	}
}
