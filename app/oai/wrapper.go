package oai

import (
	"bytes"
	"encoding/xml"
	"io"

	"carrel/app/formats"
)

// DataCite's OAI wrapper, version 1.1 (https://schema.datacite.org/oai/oai-1.1/):
// the record's DataCite resource as the payload, with the symbol of the
// DataCite repository (formerly "datacentre") that registered it and the
// metadata schema version. DataCite's own OAI-PMH service and many
// aggregators (OpenAIRE among them) harvest this format.
const (
	oaiDataCiteNamespace = "http://schema.datacite.org/oai/oai-1.1/"
	oaiDataCiteSchema    = "http://schema.datacite.org/oai/oai-1.1/oai.xsd"
	// dataCiteSchemaVersion is the version of the kernel-4 resources
	// app/formats writes.
	dataCiteSchemaVersion = "4.6"
)

// writeOAIDataCite writes a record's DataCite resource inside the wrapper.
func (p *Provider) writeOAIDataCite(w io.Writer, r *formats.Record) error {
	var res bytes.Buffer
	if err := writeDataCite(&res, r); err != nil {
		return err
	}
	var b bytes.Buffer
	b.WriteString(`<oai_datacite xmlns="` + oaiDataCiteNamespace + `" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"` +
		` xsi:schemaLocation="` + oaiDataCiteNamespace + " " + oaiDataCiteSchema + `">` + "\n")
	b.WriteString("<schemaVersion>" + dataCiteSchemaVersion + "</schemaVersion>\n")
	b.WriteString("<datacentreSymbol>")
	xml.EscapeText(&b, []byte(p.cfg.DataCentreSymbol))
	b.WriteString("</datacentreSymbol>\n<payload>\n")
	b.Write(res.Bytes())
	b.WriteString("</payload>\n</oai_datacite>\n")
	_, err := w.Write(b.Bytes())
	return err
}
