package oai

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"carrel/app"
	"carrel/app/formats"
)

// metadataFormat is one payload format: its prefix, schema and namespace,
// and the writer of its metadata element.
type metadataFormat struct {
	prefix, schema, namespace string
	write                     func(io.Writer, *formats.Record) error
}

// metadataFormats are the formats every record is available in.
func (p *Provider) metadataFormats() []metadataFormat {
	return []metadataFormat{
		{"oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd", formats.OAIDCNamespace, formats.WriteDublinCore},
		{"datacite", formats.DataCiteSchemaLocation, formats.DataCiteNamespace, writeDataCite},
		{"oai_datacite", oaiDataCiteSchema, oaiDataCiteNamespace, p.writeOAIDataCite},
	}
}

func (p *Provider) formatByPrefix(prefix string) (metadataFormat, bool) {
	for _, f := range p.metadataFormats() {
		if f.prefix == prefix {
			return f, true
		}
	}
	return metadataFormat{}, false
}

// writeDataCite writes a DataCite resource without its XML declaration, so
// that it can sit inside the response.
func writeDataCite(w io.Writer, r *formats.Record) error {
	var b bytes.Buffer
	if err := formats.WriteDataCiteXML(&b, r); err != nil {
		return err
	}
	_, err := w.Write(bytes.TrimPrefix(b.Bytes(), []byte(xml.Header)))
	return err
}

// identifier is the OAI identifier of an item.
func (p *Provider) identifier(id int64) string {
	return "oai:" + p.host + ":article/" + strconv.FormatInt(id, 10)
}

// itemID reads an item id from an OAI identifier; idDoesNotExist for an
// identifier that is not one of this repository's.
func (p *Provider) itemID(identifier string) (int64, error) {
	s, ok := strings.CutPrefix(identifier, "oai:"+p.host+":article/")
	id, err := strconv.ParseInt(s, 10, 64)
	if !ok || err != nil || id <= 0 || strconv.FormatInt(id, 10) != s {
		return 0, fail(idDoesNotExist, fmt.Sprintf("%q is not an identifier in this repository", identifier))
	}
	return id, nil
}

// datestamp is an item's latest publicly visible change: its latest
// version's publication, or its withdrawal. The catalog orders by the same.
func datestamp(l app.ListedItem) time.Time {
	if !l.Datestamp.IsZero() {
		return l.Datestamp
	}
	if l.Item.Status == app.StatusWithdrawn || l.Version == nil {
		return l.Item.Modified
	}
	return l.Version.Published
}

// setSpecs names the sets an item belongs to, as Figshare names them.
func setSpecs(l app.ListedItem) []string {
	var out []string
	if l.Item.GroupID != 0 {
		out = append(out, "portal_"+strconv.FormatInt(l.Item.GroupID, 10))
	}
	if l.Version != nil {
		if t := l.Version.Metadata.ItemType; t != 0 {
			out = append(out, "item_type_"+strconv.Itoa(t))
		}
		for _, c := range l.Version.Metadata.Categories {
			out = append(out, "category_"+strconv.FormatInt(c, 10))
		}
	}
	if !l.Item.Published.IsZero() {
		out = append(out, monthSet(l.Item.Published))
	}
	return out
}

func monthSet(t time.Time) string { return t.UTC().Format("month_year_01_2006") }

// hidden reports whether a harvest may carry no metadata of the item: it
// was withdrawn, or is under a whole-item embargo. Its header is marked
// deleted, as Figshare does, until the embargo lifts.
func (p *Provider) hidden(l app.ListedItem) bool {
	return app.PublicView(app.Actor{}, l.Item, p.cfg.Now()) < app.ViewMetadata
}

// writeHeader writes an item's header; a withdrawn or embargoed item's is
// marked deleted.
func (p *Provider) writeHeader(b *bytes.Buffer, l app.ListedItem) {
	if p.hidden(l) {
		b.WriteString(`<header status="deleted">` + "\n")
	} else {
		b.WriteString("<header>\n")
	}
	element(b, "identifier", p.identifier(l.Item.ID))
	element(b, "datestamp", stamp(datestamp(l)))
	for _, s := range setSpecs(l) {
		element(b, "setSpec", s)
	}
	b.WriteString("</header>\n")
}

// writeRecord writes an item's record: its header and, unless it is
// withdrawn, its latest version in format f.
func (p *Provider) writeRecord(ctx context.Context, b *bytes.Buffer, l app.ListedItem, f metadataFormat) error {
	b.WriteString("<record>\n")
	p.writeHeader(b, l)
	if !p.hidden(l) {
		rec, err := p.record(ctx, l)
		if err != nil {
			return err
		}
		b.WriteString("<metadata>\n")
		if err := f.write(b, rec); err != nil {
			return app.Internal(err, fmt.Sprintf("write %s of item %d", f.prefix, l.Item.ID))
		}
		b.WriteString("</metadata>\n")
	}
	b.WriteString("</record>\n")
	return nil
}

// record resolves an item's latest version into what the format writers read.
func (p *Provider) record(ctx context.Context, l app.ListedItem) (*formats.Record, error) {
	v := l.Version
	if v == nil {
		return nil, app.Internal(fmt.Errorf("item %d has no version", l.Item.ID), "harvest record")
	}
	if v.Files == nil {
		full, err := p.cat.Version(ctx, l.Item.ID, v.Number)
		if err != nil {
			return nil, err
		}
		v = full
	}
	voc, err := p.vocabulary(ctx)
	if err != nil {
		return nil, err
	}
	m := &v.Metadata
	rec := &formats.Record{Item: l.Item, Version: v, ItemType: voc.types[m.ItemType], License: voc.licenses[m.License],
		Publisher: p.cfg.Publisher, LandingURL: p.cfg.BaseURL + app.LandingPath(m.Title, l.Item.ID)}
	for _, c := range m.Categories {
		if cat, ok := voc.categories[c]; ok {
			rec.Categories = append(rec.Categories, cat)
		}
	}
	if !app.OpenToAll(l.Item, p.cfg.Now()) {
		return rec, nil // confidential, or files under embargo: metadata only
	}
	for _, f := range v.Files {
		rec.Files = append(rec.Files, formats.FileLink{Name: f.Name, Size: f.Size, MimeType: f.MimeType,
			URL: p.cfg.BaseURL + "/v2/file/download/" + strconv.FormatInt(f.ID, 10)})
	}
	return rec, nil
}

// VersionRecord resolves one published version of a public or withdrawn
// item for writers outside OAI-PMH, such as DOI registration. ENOTFOUND for
// drafts, unknown items and unknown versions alike.
func (p *Provider) VersionRecord(ctx context.Context, itemID int64, number int) (*formats.Record, error) {
	l, err := p.cat.HarvestItem(ctx, itemID)
	if err != nil {
		return nil, err
	}
	if l.Version == nil || l.Version.Number != number {
		if l.Version, err = p.cat.Version(ctx, itemID, number); err != nil {
			return nil, err
		}
	}
	return p.record(ctx, l)
}
