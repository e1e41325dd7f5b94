package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"net/http"

	"carrel/app"
	"carrel/app/formats"
)

// citeFormat is one citation format of the landing page's switcher.
type citeFormat struct {
	ID, Name, Ext, MimeType string
	write                   func(io.Writer, *formats.Record) error
}

// citeFormats lists the switcher's formats, APA first as the default.
func citeFormats() []citeFormat {
	return []citeFormat{
		{"apa", "APA", "txt", "text/plain", formats.WriteAPA},
		{"bibtex", "BibTeX", "bib", "application/x-bibtex", formats.WriteBibTeX},
		{"ris", "RIS", "ris", "application/x-research-info-systems", formats.WriteRIS},
	}
}

// citation is the citation box of a landing page.
type citation struct {
	Format      string
	Formats     []citeLink
	HTML        template.HTML // APA, formatted by formats.WriteAPAHTML (which escapes every field)
	Text        string        // BibTeX or RIS, shown as text
	DownloadURL string
}

// citeLink switches the citation box to another format.
type citeLink struct {
	ID, Name, URL string
	Current       bool
}

// record builds the formats package's view of a published version.
func (s *Server) record(r *http.Request, it *app.Item, ver *app.Version) (*formats.Record, error) {
	v, err := s.vocab(r.Context())
	if err != nil {
		return nil, err
	}
	md := &ver.Metadata
	rec := &formats.Record{Item: it, Version: ver, ItemType: v.typeByID[md.ItemType], License: v.licByID[md.License],
		Categories: v.cats(md.Categories), LandingURL: s.baseURL(r) + itemURL(md.Title, it.ID, 0),
		Publisher: s.cfg.Publisher, VersionDOI: md.DOI}
	if rec.Publisher == "" {
		rec.Publisher = s.cfg.SiteName
	}
	for _, f := range ver.Files {
		rec.Files = append(rec.Files, formats.FileLink{Name: f.Name, Size: f.Size, MimeType: f.MimeType,
			URL: fmt.Sprintf("%s/v2/file/download/%d", s.baseURL(r), f.ID)})
	}
	return rec, nil
}

// citationFor renders the citation box in the chosen format (APA if the
// choice is unknown). A failure leaves the box empty rather than the page.
func (s *Server) citationFor(r *http.Request, it *app.Item, ver *app.Version, format string) citation {
	c := citation{Format: "apa"}
	base := itemURL(ver.Metadata.Title, it.ID, 0)
	if ver.Number != it.Version {
		base = itemURL(ver.Metadata.Title, it.ID, ver.Number)
	}
	var chosen citeFormat
	for _, f := range citeFormats() {
		if f.ID == format {
			c.Format = f.ID
		}
	}
	for _, f := range citeFormats() {
		c.Formats = append(c.Formats, citeLink{ID: f.ID, Name: f.Name, URL: base + "?cite=" + f.ID + "#cite", Current: f.ID == c.Format})
		if f.ID == c.Format {
			chosen = f
		}
	}
	c.DownloadURL = fmt.Sprintf("%s/versions/%d/citation/%s", itemURL(ver.Metadata.Title, it.ID, 0), ver.Number, c.Format)
	rec, err := s.record(r, it, ver)
	if err != nil {
		s.log.Warn("citation", "req", requestID(r.Context()), "err", err)
		return c
	}
	var buf bytes.Buffer
	if c.Format == "apa" {
		err = formats.WriteAPAHTML(&buf, rec)
		c.HTML = template.HTML(buf.String())
	} else {
		err = chosen.write(&buf, rec)
		c.Text = buf.String()
	}
	if err != nil {
		s.log.Warn("citation", "req", requestID(r.Context()), "format", c.Format, "err", err)
		c.HTML, c.Text = "", ""
	}
	return c
}

// handleCitation serves one version's citation as a file for reference
// managers.
func (s *Server) handleCitation(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n, err := pathID(r, "v")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var chosen *citeFormat
	for _, f := range citeFormats() {
		if f.ID == r.PathValue("format") {
			chosen = &f
		}
	}
	it, err := s.cat.Item(r.Context(), id)
	if err == nil && (chosen == nil || !app.CanSeePublicMetadata(actor(r.Context()), it)) {
		err = app.Errorf(app.ENOTFOUND, "not found")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ver, err := s.cat.Version(r.Context(), id, int(n))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rec, err := s.record(r, it, ver)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := chosen.write(&buf, rec); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", chosen.MimeType+"; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s_v%d.%s"`, app.Slug(ver.Metadata.Title), ver.Number, chosen.Ext))
	w.Write(buf.Bytes())
}
