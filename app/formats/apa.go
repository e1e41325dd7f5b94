package formats

import (
	"html"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// WriteAPA writes an APA 7 reference for the version as plain text, e.g.
// "Smith, J., & Doe, J. A. (2024). Title (Version 2) [Data set]. Publisher.
// https://doi.org/10.1234/abc".
func WriteAPA(w io.Writer, r *Record) error {
	if err := r.check(); err != nil {
		return err
	}
	_, err := io.WriteString(w, apa(r, false))
	return err
}

// WriteAPAHTML writes the same reference as an HTML fragment: every piece of
// metadata is HTML-escaped, the title is in <i>, and the link is an <a> to
// the DOI or landing page.
func WriteAPAHTML(w io.Writer, r *Record) error {
	if err := r.check(); err != nil {
		return err
	}
	_, err := io.WriteString(w, apa(r, true))
	return err
}

func apa(r *Record, asHTML bool) string {
	esc := func(s string) string { return s }
	if asHTML {
		esc = html.EscapeString
	}
	var parts []string
	title := esc(oneLine(r.title()))
	if asHTML {
		title = "<i>" + title + "</i>"
	}
	if r.Version.Number > 1 {
		title += " (Version " + itoa(r.Version.Number) + ")"
	}
	if d := apaDescriptor(r.ItemType.ID, r.typeName()); d != "" {
		title += " [" + esc(d) + "]"
	}
	year := "(n.d.)."
	if y := r.year(); y != "" {
		year = "(" + y + ")."
	}
	if names := apaAuthors(r.people()); names != "" {
		parts = append(parts, esc(names), year, endSentence(title))
	} else { // no author: the title takes the author's place
		parts = append(parts, endSentence(title), year)
	}
	if p := oneLine(r.Publisher); p != "" {
		parts = append(parts, esc(endSentence(p)))
	}
	link := r.LandingURL
	if d := r.doi(); d != "" {
		link = doiURL(d)
	}
	if isURL(link) {
		if asHTML {
			parts = append(parts, `<a href="`+esc(link)+`">`+esc(link)+`</a>`)
		} else {
			parts = append(parts, link)
		}
	}
	return strings.Join(parts, " ")
}

// apaDescriptor is the bracketed description APA gives non-article works.
func apaDescriptor(itemType int, typeName string) string {
	switch itemType {
	case 3, 4:
		return "Data set"
	case 9:
		return "Computer software"
	case 2:
		return "Video"
	case 5:
		return "Poster"
	case 7:
		return "Presentation slides"
	case 6, 13, 15, 25:
		return ""
	}
	return typeName
}

// apaAuthors lists authors as APA 7 does: "Family, G. G." joined by commas
// with "&" before the last; more than 20 keep the first 19, "…", the last.
func apaAuthors(ps []person) string {
	var names []string
	for _, p := range ps {
		names = append(names, apaName(p))
	}
	switch n := len(names); {
	case n == 0:
		return ""
	case n == 1:
		return names[0]
	case n == 2:
		return names[0] + ", & " + names[1]
	case n > 20:
		return strings.Join(names[:19], ", ") + ", … " + names[n-1]
	default:
		return strings.Join(names[:n-1], ", ") + ", & " + names[n-1]
	}
}

func apaName(p person) string {
	if p.Family == "" || p.Given == "" {
		return oneLine(p.Full)
	}
	return oneLine(p.Family) + ", " + initials(p.Given)
}

// initials turns given names into initials: "Jean-Paul Ann" -> "J.-P. A.".
func initials(given string) string {
	var words []string
	for _, w := range strings.Fields(given) {
		var hy []string
		for _, part := range strings.Split(w, "-") {
			if r, _ := utf8.DecodeRuneInString(part); r != utf8.RuneError && unicode.IsLetter(r) {
				hy = append(hy, string(unicode.ToUpper(r))+".")
			}
		}
		if len(hy) > 0 {
			words = append(words, strings.Join(hy, "-"))
		}
	}
	return strings.Join(words, " ")
}

// endSentence adds a full stop unless s already ends with punctuation.
func endSentence(s string) string {
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "!") {
		return s
	}
	return s + "."
}
