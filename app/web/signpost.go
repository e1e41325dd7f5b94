package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strings"

	"carrel/app"
	"carrel/app/formats"
)

// metadataFormat is a machine-readable description of a version, served at
// its metadata URL and by content negotiation on the landing page.
type metadataFormat struct {
	ID, MimeType, Profile string
	write                 func(io.Writer, *formats.Record) error
}

// metadataFormats are the formats a public version is described in.
func metadataFormats() []metadataFormat {
	return []metadataFormat{
		{"datacite-xml", "application/vnd.datacite.datacite+xml", "http://datacite.org/schema/kernel-4", formats.WriteDataCiteXML},
		{"datacite-json", "application/vnd.datacite.datacite+json", "", formats.WriteDataCiteJSON},
		{"schema-org", "application/ld+json", "https://schema.org", formats.WriteSchemaOrg},
		{"csl-json", "application/vnd.citationstyles.csl+json", "", formats.WriteCSLJSON},
		{"bibtex", "application/x-bibtex", "", formats.WriteBibTeX},
		{"ris", "application/x-research-info-systems", "", formats.WriteRIS},
	}
}

// signpost is one typed link of FAIR Signposting.
type signpost struct {
	Href, Rel, Type, Profile string
}

// metadataPath is where one version's metadata is served in a format.
func metadataPath(title string, id int64, v int, format string) string {
	return itemURL(title, id, v) + "/metadata/" + format
}

// publicRecord loads a version the actor may see publicly (the latest when
// v is 0) as a format record. ENOTFOUND for anything whose metadata is not
// public: drafts, and items under a whole-item embargo.
func (s *Server) publicRecord(r *http.Request, id int64, v int) (*app.Item, *formats.Record, error) {
	it, err := s.cat.Item(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	if !app.CanSeePublicMetadata(actor(r.Context()), it) {
		return nil, nil, app.Errorf(app.ENOTFOUND, "item %d not found", id)
	}
	n := v
	if n == 0 {
		n = it.Version
	}
	ver, err := s.cat.Version(r.Context(), id, n)
	if err != nil {
		return nil, nil, err
	}
	rec, err := s.publicView(r, it, ver, v != 0)
	return it, rec, err
}

// publicView is a public version as a format record: a tombstone's files,
// and files whose download is not allowed, are left out; the landing URL is
// the version's own page when versioned, else the item's.
func (s *Server) publicView(r *http.Request, it *app.Item, ver *app.Version, versioned bool) (*formats.Record, error) {
	shown := *ver
	if !app.CanDownloadPublic(actor(r.Context()), it) || ver.Metadata.DownloadDisabled {
		shown.Files = nil
	}
	rec, err := s.record(r, it, &shown)
	if err != nil {
		return nil, err
	}
	if versioned {
		rec.LandingURL = s.baseURL(r) + itemURL(ver.Metadata.Title, it.ID, ver.Number)
	}
	return rec, nil
}

// signposts are the typed links of a public version's landing page:
// cite-as, describedby for every metadata format, item for each file,
// author (ORCID), license and type.
func (s *Server) signposts(r *http.Request, rec *formats.Record) []signpost {
	base, md := s.baseURL(r), &rec.Version.Metadata
	cite := rec.LandingURL
	if md.DOI != "" {
		cite = "https://doi.org/" + strings.TrimPrefix(md.DOI, "https://doi.org/")
	}
	out := []signpost{{Href: cite, Rel: "cite-as"}}
	for _, f := range metadataFormats() {
		out = append(out, signpost{Href: base + metadataPath(md.Title, rec.Item.ID, rec.Version.Number, f.ID), Rel: "describedby",
			Type: f.MimeType, Profile: f.Profile})
	}
	for _, f := range rec.Files {
		out = append(out, signpost{Href: f.URL, Rel: "item", Type: baseType(f.MimeType)})
	}
	for _, a := range md.Authors {
		if app.ValidORCID(a.ORCID) {
			out = append(out, signpost{Href: "https://orcid.org/" + app.NormalizeORCID(a.ORCID), Rel: "author"})
		}
	}
	if rec.License.URL != "" {
		out = append(out, signpost{Href: rec.License.URL, Rel: "license"})
	}
	out = append(out, signpost{Href: "https://schema.org/" + formats.SchemaOrgType(rec), Rel: "type"},
		signpost{Href: "https://schema.org/AboutPage", Rel: "type"})
	return out
}

// baseType is a media type without its parameters, octet-stream if unknown.
func baseType(mime string) string {
	t, _, _ := strings.Cut(mime, ";")
	if t = strings.TrimSpace(t); t == "" {
		return "application/octet-stream"
	}
	return t
}

// maxHeaderLinks bounds the item and author links sent in the Link header;
// an item with more files or authors lists them all in its linkset.
const maxHeaderLinks = 20

// setLinkHeader sends a landing page's signposts as a Link header, and
// points at the full linkset.
func setLinkHeader(w http.ResponseWriter, links []signpost, linkset string) {
	count := map[string]int{}
	var parts []string
	for _, l := range links {
		if count[l.Rel]++; (l.Rel == "item" || l.Rel == "author") && count[l.Rel] > maxHeaderLinks {
			continue
		}
		parts = append(parts, l.header(""))
	}
	parts = append(parts, signpost{Href: linkset, Rel: "linkset", Type: "application/linkset"}.header(""),
		signpost{Href: linkset, Rel: "linkset", Type: "application/linkset+json"}.header(""))
	w.Header().Set("Link", strings.Join(parts, ", "))
}

// header is the link as a Link header value (RFC 8288), with an anchor
// when given.
func (l signpost) header(anchor string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<%s>; rel=%q", l.Href, l.Rel)
	if l.Type != "" {
		fmt.Fprintf(&b, "; type=%q", l.Type)
	}
	if l.Profile != "" {
		fmt.Fprintf(&b, "; profile=%q", l.Profile)
	}
	if anchor != "" {
		fmt.Fprintf(&b, "; anchor=%q", anchor)
	}
	return b.String()
}

// handleLinkset serves a version's signposts as an RFC 9264 linkset, in
// JSON (application/linkset+json, the default) or as Link header text
// (application/linkset): the landing page's links, each file's collection
// link back to it, and each metadata document's describes link.
func (s *Server) handleLinkset(w http.ResponseWriter, r *http.Request) {
	id, v, err := itemAndVersion(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, rec, err := s.publicRecord(r, id, v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	landing := rec.LandingURL
	type target struct {
		anchor string
		links  []signpost
	}
	sets := []target{{landing, s.signposts(r, rec)}}
	for _, f := range rec.Files {
		sets = append(sets, target{f.URL, []signpost{{Href: landing, Rel: "collection", Type: "text/html"}}})
	}
	for _, l := range sets[0].links {
		if l.Rel == "describedby" {
			sets = append(sets, target{l.Href, []signpost{{Href: landing, Rel: "describes", Type: "text/html"}}})
		}
	}
	w.Header().Set("Vary", "Accept")
	if negotiate(r.Header.Get("Accept"), []string{"application/linkset+json", "application/linkset"}) == "application/linkset" {
		var parts []string
		for _, t := range sets {
			for _, l := range t.links {
				parts = append(parts, l.header(t.anchor))
			}
		}
		w.Header().Set("Content-Type", "application/linkset")
		io.WriteString(w, strings.Join(parts, ",\n")+"\n")
		return
	}
	var doc []map[string]any
	for _, t := range sets {
		entry := map[string]any{"anchor": t.anchor}
		for _, l := range t.links {
			target := map[string]string{"href": l.Href}
			if l.Type != "" {
				target["type"] = l.Type
			}
			if l.Profile != "" {
				target["profile"] = l.Profile
			}
			list, _ := entry[l.Rel].([]map[string]string)
			entry[l.Rel] = append(list, target)
		}
		doc = append(doc, entry)
	}
	w.Header().Set("Content-Type", "application/linkset+json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(map[string]any{"linkset": doc})
}

// handleMetadata serves a version's metadata in one format.
func (s *Server) handleMetadata(w http.ResponseWriter, r *http.Request) {
	id, v, err := itemAndVersion(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, f := range metadataFormats() {
		if f.ID == r.PathValue("format") {
			s.serveMetadata(w, r, id, v, f)
			return
		}
	}
	s.fail(w, r, app.Errorf(app.ENOTFOUND, "no metadata format %q", r.PathValue("format")))
}

// serveMetadata writes a public version's metadata in format f.
func (s *Server) serveMetadata(w http.ResponseWriter, r *http.Request, id int64, v int, f metadataFormat) {
	_, rec, err := s.publicRecord(r, id, v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var b bytes.Buffer
	if err := f.write(&b, rec); err != nil {
		s.fail(w, r, err)
		return
	}
	links := []string{signpost{Href: rec.LandingURL, Rel: "describes", Type: "text/html"}.header("")}
	w.Header().Set("Link", strings.Join(links, ", "))
	w.Header().Set("Content-Type", f.MimeType+"; charset=utf-8")
	w.Header().Set("Vary", "Accept")
	w.Write(b.Bytes())
}

// itemAndVersion reads the item id and the version number (0 when the
// path names none).
func itemAndVersion(r *http.Request) (int64, int, error) {
	id, err := pathID(r, "id")
	if err != nil || r.PathValue("v") == "" {
		return id, 0, err
	}
	n, err := pathID(r, "v")
	return id, int(n), err
}

// negotiateMetadata reports the metadata format the request's Accept header
// prefers to HTML, if any.
func negotiateMetadata(r *http.Request) (metadataFormat, bool) {
	offers := []string{"text/html", "application/xhtml+xml"}
	for _, f := range metadataFormats() {
		offers = append(offers, f.MimeType)
	}
	chosen := negotiate(r.Header.Get("Accept"), offers)
	for _, f := range metadataFormats() {
		if f.MimeType == chosen {
			return f, true
		}
	}
	return metadataFormat{}, false
}

// signpostPage adds the signposts of a public landing page (version v of
// the item, 0 for the latest) to the response, and its schema.org
// description to the page.
func (s *Server) signpostPage(w http.ResponseWriter, r *http.Request, p *itemPage, id int64, v int) error {
	_, rec, err := s.publicRecord(r, id, v)
	if err != nil {
		return err
	}
	linkset := strings.TrimPrefix(rec.LandingURL, s.baseURL(r)) + "/linkset"
	setLinkHeader(w, s.signposts(r, rec), s.baseURL(r)+linkset)
	var b bytes.Buffer
	if err := formats.WriteSchemaOrg(&b, rec); err != nil {
		return err
	}
	p.JSONLD = template.JS(b.String()) // the writer escapes <, > and &, so the script element cannot be closed early
	return nil
}
