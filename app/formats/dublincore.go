package formats

import (
	"bytes"
	"encoding/xml"
	"io"
)

// Namespaces of the oai_dc container and the Dublin Core elements.
const (
	OAIDCNamespace = "http://www.openarchives.org/OAI/2.0/oai_dc/"
	DCNamespace    = "http://purl.org/dc/elements/1.1/"
	oaiDCSchema    = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
)

// WriteDublinCore writes the record as an oai_dc:dc element, the payload of
// an OAI-PMH record's <metadata> for metadataPrefix oai_dc. It writes no
// XML declaration, so it can be placed inside a response as it is.
func WriteDublinCore(w io.Writer, r *Record) error {
	if err := r.check(); err != nil {
		return err
	}
	var b bytes.Buffer
	b.WriteString(`<oai_dc:dc xmlns:oai_dc="` + OAIDCNamespace + `" xmlns:dc="` + DCNamespace +
		`" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="` +
		OAIDCNamespace + " " + oaiDCSchema + `">` + "\n")
	el := func(name, value string) {
		if value == "" {
			return
		}
		b.WriteString("  <dc:" + name + ">")
		_ = xml.EscapeText(&b, []byte(value)) // writes to a bytes.Buffer, which never fails
		b.WriteString("</dc:" + name + ">\n")
	}
	m, k := r.meta(), kindOf(r.ItemType.ID)
	el("title", oneLine(r.title()))
	for _, p := range r.people() {
		el("creator", oneLine(p.inverted()))
	}
	for _, c := range r.Categories {
		el("subject", oneLine(c.Title))
	}
	for _, kw := range r.keywords() {
		el("subject", oneLine(kw))
	}
	el("description", r.abstract())
	el("publisher", oneLine(r.Publisher))
	el("date", r.date())
	el("type", k.DCMI)
	if r.ItemType.Name != "" {
		el("type", r.typeName())
	}
	for _, f := range r.mimeTypes() {
		el("format", f)
	}
	if d := r.doi(); d != "" {
		el("identifier", doiURL(d))
	}
	el("identifier", r.LandingURL)
	el("identifier", oneLine(m.Handle))
	el("language", oneLine(r.language()))
	for _, x := range r.relatedIDs() {
		if l := x.link(); l != "" {
			el("relation", l)
		} else {
			el("relation", x.Type+":"+x.ID)
		}
	}
	el("rights", oneLine(r.License.Name))
	el("rights", r.License.URL)
	b.WriteString("</oai_dc:dc>\n")
	_, err := w.Write(b.Bytes())
	return err
}
