// Package formats writes the metadata of one published version in the
// formats the world reads it in: DataCite XML and JSON, Dublin Core for
// OAI-PMH, schema.org JSON-LD, BibTeX, RIS, CSL-JSON and an APA citation.
//
// Every writer has the form WriteX(w io.Writer, r *Record) error and reads
// only the Record, so a format never needs the catalog. The crosswalk from
// Carrel's fields to each format's elements is docs/metadata-crosswalk.md.
package formats

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"carrel/app"
)

// Record is everything a writer needs about one published version, resolved
// (names, not ids).
type Record struct {
	Item     *app.Item
	Version  *app.Version
	ItemType app.ItemType
	License  app.License
	// Categories are the version's categories, resolved from their ids.
	Categories []app.Category
	// LandingURL is the public page of the version: https://host/articles/<slug>/<id>.
	LandingURL string
	// VersionDOI identifies this version; ConceptDOI all versions of the item.
	VersionDOI, ConceptDOI string
	// HasVersions are the version DOIs of a record that describes the
	// concept DOI itself (VersionDOI set to the concept, ConceptDOI empty);
	// each becomes a HasVersion relation.
	HasVersions []string
	// Publisher is the institution's name, from config.
	Publisher string
	// Language is the BCP 47 language of the content; when empty the
	// version's own metadata language is used.
	Language string
	// Affiliations holds each author's affiliation by position in the
	// version's author list ("" or missing when unknown), because
	// app.Author has no affiliation of its own yet.
	Affiliations []string
	// Files are the version's public files with their download links.
	Files []FileLink
}

// FileLink is a public file of a version and where to download it.
type FileLink struct {
	Name     string
	Size     int64
	MimeType string
	URL      string
}

// check reports a record that no writer can describe.
func (r *Record) check() error {
	switch {
	case r == nil || r.Item == nil || r.Version == nil:
		return app.Errorf(app.EINVALID, "a metadata record needs an item and a version")
	case strings.TrimSpace(r.Version.Metadata.Title) == "":
		return app.Errorf(app.EINVALID, "a metadata record needs a title")
	}
	return nil
}

func (r *Record) meta() *app.Metadata { return &r.Version.Metadata }

// published is when this version was published; its year is the
// publication year every format cites.
func (r *Record) published() time.Time {
	if !r.Version.Published.IsZero() {
		return r.Version.Published.UTC()
	}
	return r.Item.Published.UTC()
}

// firstPublished is when the item's first version was published.
func (r *Record) firstPublished() time.Time {
	if !r.Item.Published.IsZero() {
		return r.Item.Published.UTC()
	}
	return r.published()
}

func (r *Record) year() string {
	if t := r.published(); !t.IsZero() {
		return strconv.Itoa(t.Year())
	}
	return ""
}

// date is the version's publication date as YYYY-MM-DD, "" when unknown.
func (r *Record) date() string {
	if t := r.published(); !t.IsZero() {
		return t.Format(time.DateOnly)
	}
	return ""
}

// updated is the date of this version when it is later than the first
// publication, "" otherwise.
func (r *Record) updated() string {
	first, this := r.firstPublished(), r.published()
	if this.IsZero() || first.IsZero() || !this.After(first) || this.Format(time.DateOnly) == first.Format(time.DateOnly) {
		return ""
	}
	return this.Format(time.DateOnly)
}

func (r *Record) language() string {
	if r.Language != "" {
		return r.Language
	}
	return r.meta().Language
}

func (r *Record) title() string { return strings.TrimSpace(r.meta().Title) }

// abstract is the description as plain text.
func (r *Record) abstract() string { return PlainText(r.meta().Description) }

// doi is the version DOI, else the item's own DOI field.
func (r *Record) doi() string {
	if r.VersionDOI != "" {
		return bareDOI(r.VersionDOI)
	}
	return bareDOI(r.meta().DOI)
}

// conceptDOI is the DOI of all versions: ConceptDOI, or else what the
// version DOI is a version of when it is named <concept>.v<N> (Carrel's and
// Figshare's scheme); "" for a record of the concept itself.
func (r *Record) conceptDOI() string {
	if r.ConceptDOI != "" || len(r.HasVersions) > 0 {
		return bareDOI(r.ConceptDOI)
	}
	if c, ok := app.ConceptOf(r.doi(), r.Version.Number); ok {
		return c
	}
	return ""
}

func (r *Record) affiliation(i int) string {
	if i < len(r.Affiliations) {
		return strings.TrimSpace(r.Affiliations[i])
	}
	return ""
}

// keywords are the non-empty keywords, trimmed.
func (r *Record) keywords() []string {
	var out []string
	for _, k := range r.meta().Keywords {
		if k = strings.TrimSpace(k); k != "" {
			out = append(out, k)
		}
	}
	return out
}

// totalSize is the sum of the public files' sizes.
func (r *Record) totalSize() int64 {
	var n int64
	for _, f := range r.Files {
		n += f.Size
	}
	return n
}

// mimeTypes are the files' distinct MIME types, sorted.
func (r *Record) mimeTypes() []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range r.Files {
		if f.MimeType != "" && !seen[f.MimeType] {
			seen[f.MimeType] = true
			out = append(out, f.MimeType)
		}
	}
	sort.Strings(out)
	return out
}

// typeName is the item type's name for people, e.g. "Journal contribution".
func (r *Record) typeName() string {
	n := r.ItemType.Name
	if n == "" {
		return "Item"
	}
	return strings.ToUpper(n[:1]) + n[1:]
}

// person is an author's name split for formats that want family and given
// names apart.
type person struct {
	Full, Given, Family, ORCID, Affiliation string
}

// people returns the version's authors with names split: the first and
// last names when given, else the full name split at its last word.
func (r *Record) people() []person {
	var out []person
	for i, a := range r.meta().Authors {
		p := person{Full: strings.TrimSpace(a.FullName), Given: strings.TrimSpace(a.FirstName),
			Family: strings.TrimSpace(a.LastName), Affiliation: r.affiliation(i)}
		if p.Family == "" && p.Given == "" {
			p.Given, p.Family = app.SplitName(p.Full)
		}
		if p.Full == "" {
			p.Full = strings.TrimSpace(p.Given + " " + p.Family)
		}
		if p.Full == "" {
			continue
		}
		if a.ORCID != "" && app.ValidORCID(a.ORCID) {
			p.ORCID = app.NormalizeORCID(a.ORCID)
		}
		out = append(out, p)
	}
	return out
}

// inverted is "Family, Given", or the full name when it does not split.
func (p person) inverted() string {
	switch {
	case p.Family == "":
		return p.Full
	case p.Given == "":
		return p.Family
	}
	return p.Family + ", " + p.Given
}

// bareDOI strips resolver prefixes: "https://doi.org/10.1/x" -> "10.1/x".
func bareDOI(s string) string {
	s = strings.TrimSpace(s)
	for _, p := range []string{"https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:"} {
		if len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) {
			return s[len(p):]
		}
	}
	return s
}

// isDOI reports whether s (with or without a resolver prefix) is a DOI.
func isDOI(s string) bool {
	d := bareDOI(s)
	return strings.HasPrefix(d, "10.") && strings.Contains(d, "/") && !strings.ContainsAny(d, " \t\n")
}

// doiURL is the resolver URL of a bare DOI.
func doiURL(d string) string { return "https://doi.org/" + d }

// isURL reports whether s is an absolute http(s) URL without spaces.
func isURL(s string) bool {
	return (strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")) && !strings.ContainsAny(s, " \t\n<>\"")
}
