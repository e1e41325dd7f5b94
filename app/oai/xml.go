package oai

import (
	"bytes"
	"encoding/xml"
	"net/url"
	"sort"
	"time"
)

// The envelope every response shares.
const (
	oaiNamespace = "http://www.openarchives.org/OAI/2.0/"
	oaiSchema    = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
	// granularity is the finest datestamp granularity Carrel supports.
	granularity = "YYYY-MM-DDThh:mm:ssZ"
	stampLayout = "2006-01-02T15:04:05Z"
)

// requestAttributes are the arguments the request element may echo, in the
// schema's order.
func requestAttributes() []string {
	return []string{"verb", "identifier", "metadataPrefix", "from", "until", "set", "resumptionToken"}
}

// open writes the XML declaration, the OAI-PMH element, responseDate and
// the request element echoing args (none when args is nil).
func (p *Provider) open(b *bytes.Buffer, baseURL string, args url.Values) {
	b.WriteString(xml.Header)
	b.WriteString(`<OAI-PMH xmlns="` + oaiNamespace + `" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="` +
		oaiNamespace + " " + oaiSchema + `">` + "\n")
	b.WriteString("<responseDate>" + stamp(p.cfg.Now()) + "</responseDate>\n<request")
	for _, name := range requestAttributes() {
		if v, ok := args[name]; ok && len(v) == 1 {
			b.WriteString(" " + name + `="`)
			escape(b, v[0])
			b.WriteString(`"`)
		}
	}
	b.WriteString(">")
	escape(b, baseURL)
	b.WriteString("</request>\n")
}

// finish closes the OAI-PMH element and returns the document.
func finish(b *bytes.Buffer) []byte {
	b.WriteString("</OAI-PMH>\n")
	return b.Bytes()
}

// escape writes s as XML text or attribute content.
func escape(b *bytes.Buffer, s string) {
	_ = xml.EscapeText(b, []byte(s)) // writes to a bytes.Buffer, which never fails
}

// element writes <name>text</name> and a newline.
func element(b *bytes.Buffer, name, text string) {
	b.WriteString("<" + name + ">")
	escape(b, text)
	b.WriteString("</" + name + ">\n")
}

// stamp formats a datestamp at the granularity Carrel supports.
func stamp(t time.Time) string { return t.UTC().Format(stampLayout) }

// sortedKeys returns the argument names in order, so that the first bad
// argument reported is always the same.
func sortedKeys(args url.Values) []string {
	keys := make([]string, 0, len(args))
	for k := range args {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
