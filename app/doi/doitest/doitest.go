// Package doitest runs a stand-in for DataCite's REST API on loopback for
// tests. It checks every request the way DataCite documents it (basic auth,
// the JSON:API media type and body, the base64 xml attribute, state
// events), validates each DataCite XML payload against the 4.6 schema with
// xmllint, and keeps the DOIs it holds, so tests can see what DataCite
// would hold. It can be taken down (503) to test outages.
package doitest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"carrel/testenv"
)

// DOI is what the stand-in holds for one DOI.
type DOI struct {
	State   string // draft, registered or findable
	URL     string
	XML     []byte
	Creates int // accepted POSTs: more than one would be a duplicate
	Updates int // accepted PUTs
}

// Server is a running stand-in.
type Server struct {
	URL                    string
	Repository, Password   string
	Prefix                 string
	t                      testing.TB
	xmllint, xsd           string
	mu                     sync.Mutex
	dois                   map[string]*DOI
	down                   bool
	problems               []string
	requests, refusedWhile int
}

// Start runs a stand-in accepting DOIs under prefix for the given account.
func Start(t testing.TB, repository, password, prefix string) *Server {
	t.Helper()
	s := &Server{Repository: repository, Password: password, Prefix: prefix, t: t, dois: map[string]*DOI{},
		xmllint: testenv.Tool(t, "xmllint", "libxml2-utils"),
		xsd:     filepath.Join(testenv.Reference(t), "xsd", "datacite-4.6", "metadata.xsd")}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// SetDown makes every request fail with 503 (down) or be served again.
func (s *Server) SetDown(down bool) {
	s.mu.Lock()
	s.down = down
	s.mu.Unlock()
}

// Get returns a copy of what the stand-in holds for doi, and whether it
// holds it.
func (s *Server) Get(doi string) (DOI, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.dois[strings.ToUpper(doi)]
	if !ok {
		return DOI{}, false
	}
	return *d, true
}

// Count is the number of DOIs held.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.dois)
}

// Refused is the number of requests answered 503 while down.
func (s *Server) Refused() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refusedWhile
}

// Problems lists every request that broke DataCite's rules; a correct
// client causes none.
func (s *Server) Problems() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string{}, s.problems...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	if s.down {
		s.refusedWhile++
		http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
		return
	}
	status, msg := s.handle(r)
	w.Header().Set("Content-Type", "application/vnd.api+json")
	if status >= 400 {
		if status != http.StatusUnprocessableEntity || !strings.Contains(msg, "already been taken") {
			s.problems = append(s.problems, fmt.Sprintf("%s %s: %d %s", r.Method, r.URL.Path, status, msg))
		}
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]string{{"status": fmt.Sprint(status), "title": msg}}})
		return
	}
	w.WriteHeader(status)
	io.WriteString(w, `{"data":{"type":"dois"}}`)
}

type body struct {
	Data struct {
		Type       string `json:"type"`
		ID         string `json:"id"`
		Attributes struct {
			DOI   string `json:"doi"`
			Event string `json:"event"`
			URL   string `json:"url"`
			XML   string `json:"xml"`
		} `json:"attributes"`
	} `json:"data"`
}

// handle checks one request and applies it, answering a status and, for
// errors, a message.
func (s *Server) handle(r *http.Request) (int, string) {
	user, pass, ok := r.BasicAuth()
	if !ok || user != s.Repository || pass != s.Password {
		return http.StatusUnauthorized, "Bad credentials."
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/vnd.api+json") {
		return http.StatusUnsupportedMediaType, "Content-Type must be application/vnd.api+json, not " + ct
	}
	var b body
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(&b); err != nil {
		return http.StatusBadRequest, "body is not JSON: " + err.Error()
	}
	a := b.Data.Attributes
	switch {
	case b.Data.Type != "dois":
		return http.StatusBadRequest, fmt.Sprintf("data.type must be \"dois\", not %q", b.Data.Type)
	case !strings.HasPrefix(strings.ToUpper(a.DOI), strings.ToUpper(s.Prefix)+"/"):
		return http.StatusForbidden, fmt.Sprintf("DOI %q is not under this repository's prefix %s", a.DOI, s.Prefix)
	}
	key := strings.ToUpper(a.DOI)
	held, exists := s.dois[key]
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/dois":
		if exists {
			return http.StatusUnprocessableEntity, "This DOI has already been taken"
		}
		held = &DOI{State: "draft"}
	case r.Method == http.MethodPut && strings.EqualFold(strings.TrimPrefix(r.URL.Path, "/dois/"), a.DOI):
		if !exists {
			return http.StatusNotFound, "The resource you are looking for doesn't exist."
		}
		if b.Data.ID != "" && !strings.EqualFold(b.Data.ID, a.DOI) {
			return http.StatusBadRequest, "data.id differs from the DOI"
		}
		cp := *held
		held = &cp
	default:
		return http.StatusNotFound, "no route " + r.Method + " " + r.URL.Path
	}
	if a.URL != "" {
		held.URL = a.URL
	}
	if a.XML != "" {
		x, err := base64.StdEncoding.DecodeString(a.XML)
		if err != nil {
			return http.StatusBadRequest, "xml is not base64: " + err.Error()
		}
		if msg := s.validate(x, a.DOI); msg != "" {
			return http.StatusUnprocessableEntity, msg
		}
		held.XML = x
	}
	switch a.Event {
	case "":
	case "publish":
		if held.URL == "" || held.XML == nil {
			return http.StatusUnprocessableEntity, "a findable DOI needs a url and metadata"
		}
		held.State = "findable"
	case "register":
		if held.State == "findable" {
			return http.StatusUnprocessableEntity, "a findable DOI cannot be registered again"
		}
		held.State = "registered"
	case "hide":
		if held.State != "findable" {
			return http.StatusUnprocessableEntity, "only a findable DOI can be hidden"
		}
		held.State = "registered"
	default:
		return http.StatusUnprocessableEntity, fmt.Sprintf("unknown event %q", a.Event)
	}
	s.dois[key] = held
	if r.Method == http.MethodPost {
		held.Creates++
		return http.StatusCreated, ""
	}
	held.Updates++
	return http.StatusOK, ""
}

// validate checks a DataCite XML payload against the 4.6 schema and that
// its identifier is the DOI; "" when it passes.
func (s *Server) validate(x []byte, doi string) string {
	f := filepath.Join(s.t.TempDir(), "payload.xml")
	if err := os.WriteFile(f, x, 0o600); err != nil {
		return err.Error()
	}
	out, err := exec.Command(s.xmllint, "--noout", "--nonet", "--schema", s.xsd, f).CombinedOutput()
	if err != nil {
		return "metadata fails the DataCite 4.6 schema: " + string(out)
	}
	var res struct {
		Identifier struct {
			Type  string `xml:"identifierType,attr"`
			Value string `xml:",chardata"`
		} `xml:"identifier"`
	}
	if err := xml.NewDecoder(bytes.NewReader(x)).Decode(&res); err != nil {
		return "metadata does not parse: " + err.Error()
	}
	if res.Identifier.Type != "DOI" || !strings.EqualFold(res.Identifier.Value, doi) {
		return fmt.Sprintf("metadata identifier %s %q is not the DOI %q", res.Identifier.Type, res.Identifier.Value, doi)
	}
	return ""
}
