package formats

import (
	"bytes"
	"io"
	"strings"
)

// WriteRIS writes the record as one RIS reference with CRLF line ends. Each
// value is put on one line (line breaks and control characters become
// spaces), so no value can start a tag of its own.
func WriteRIS(w io.Writer, r *Record) error {
	if err := r.check(); err != nil {
		return err
	}
	k := kindOf(r.ItemType.ID)
	var b bytes.Buffer
	tag := func(t, v string) {
		if v = oneLine(v); v != "" {
			b.WriteString(t + "  - " + v + "\r\n")
		}
	}
	tag("TY", k.RIS)
	tag("TI", r.title())
	for _, p := range r.people() {
		tag("AU", p.inverted())
	}
	tag("PY", r.year())
	if t := r.published(); !t.IsZero() {
		tag("DA", t.Format("2006/01/02/"))
	}
	tag("PB", r.Publisher)
	tag("M3", r.typeName())
	if r.Version.Number > 0 {
		tag("ET", "Version "+itoa(r.Version.Number))
	}
	tag("DO", r.doi())
	tag("UR", r.LandingURL)
	for _, kw := range r.keywords() {
		tag("KW", kw)
	}
	for _, c := range r.Categories {
		tag("KW", c.Title)
	}
	tag("LA", r.language())
	tag("AB", strings.ReplaceAll(r.abstract(), "\n", " "))
	b.WriteString("ER  - \r\n")
	_, err := w.Write(b.Bytes())
	return err
}
