package formats

import (
	"bytes"
	"io"
	"strconv"
	"strings"
	"unicode"
)

// WriteBibTeX writes the record as one BibTeX entry. Values are in braces
// and UTF-8 (biber and bibtex8 read it; accents stay as written); LaTeX's
// special characters are escaped, and literal braces become
// \textbraceleft{} and \textbraceright{} because BibTeX counts braces even
// after a backslash. The title is double-braced to keep its capitals.
func WriteBibTeX(w io.Writer, r *Record) error {
	if err := r.check(); err != nil {
		return err
	}
	k := kindOf(r.ItemType.ID)
	var b bytes.Buffer
	b.WriteString("@" + k.BibTeX + "{" + citationKey(r) + ",\n")
	field := func(name, value string) {
		if value = oneLine(value); value != "" {
			b.WriteString("  " + name + " = {" + bibEscape(value) + "},\n")
		}
	}
	var names []string
	for _, p := range r.people() {
		names = append(names, bibName(p))
	}
	if len(names) > 0 {
		b.WriteString("  author = {" + strings.Join(names, " and ") + "},\n")
	}
	b.WriteString("  title = {{" + bibEscape(oneLine(r.title())) + "}},\n")
	field("year", r.year())
	if t := r.published(); !t.IsZero() {
		b.WriteString("  month = " + strings.ToLower(t.Month().String()[:3]) + ",\n")
	}
	switch k.BibTeX {
	case "phdthesis":
		field("school", r.Publisher)
	case "techreport":
		field("institution", r.Publisher)
	default:
		field("publisher", r.Publisher)
	}
	if k.BibTeX == "misc" {
		field("howpublished", r.typeName())
	}
	field("version", strconv.Itoa(r.Version.Number))
	field("doi", r.doi())
	field("url", r.LandingURL)
	field("keywords", strings.Join(r.keywords(), ", "))
	field("language", r.language())
	field("copyright", r.License.Name)
	field("abstract", r.abstract())
	b.WriteString("}\n")
	_, err := w.Write(b.Bytes())
	return err
}

// bibName is an author as BibTeX parses names: "Family, Given", with the
// whole name braced when it cannot be split, so BibTeX keeps it as one
// family name (institutions, mononyms).
func bibName(p person) string {
	if p.Family == "" || p.Given == "" {
		return "{" + bibEscape(oneLine(p.Full)) + "}"
	}
	fam := bibEscape(oneLine(p.Family))
	if strings.Contains(p.Family, " ") || strings.Contains(strings.ToLower(p.Family), " and ") {
		fam = "{" + fam + "}"
	}
	given := bibEscape(oneLine(p.Given))
	if strings.Contains(" "+strings.ToLower(p.Given)+" ", " and ") {
		given = "{" + given + "}"
	}
	return fam + ", " + given
}

// bibEscape escapes LaTeX's special characters in a value.
func bibEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\':
			b.WriteString(`\textbackslash{}`)
		case '{':
			b.WriteString(`\textbraceleft{}`)
		case '}':
			b.WriteString(`\textbraceright{}`)
		case '%', '&', '$', '#', '_':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '^':
			b.WriteString(`\textasciicircum{}`)
		case '~':
			b.WriteString(`\textasciitilde{}`)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// citationKey is stable for a version: the first author's family name in
// ASCII, the year, and the item id and version, e.g. "muller2024_1234v2".
func citationKey(r *Record) string {
	name := "anon"
	if ps := r.people(); len(ps) > 0 {
		n := ps[0].Family
		if n == "" {
			n = ps[0].Full
		}
		if a := asciiLetters(n); a != "" {
			name = a
		}
	}
	return name + r.year() + "_" + strconv.FormatInt(r.Item.ID, 10) + "v" + strconv.Itoa(r.Version.Number)
}

// Latin letters with diacritics and their base letters, rune for rune, for
// citation keys; other non-ASCII letters are left out of keys.
const (
	accented = "àáâãäåāăąçćčďèéêëēėęěìíîïīįñńňòóôõöōőùúûüūůűųýÿžźżśšşťţŕřğ"
	unmarked = "aaaaaaaaacccdeeeeeeeeiiiiiinnnooooooouuuuuuuuyyzzzsssttrrg"
)

// asciiLetters keeps the ASCII letters of s, lower case, after removing
// common diacritics (ü -> u).
func asciiLetters(s string) string {
	marks, bases := []rune(accented), []rune(unmarked)
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		for i, m := range marks {
			if r == m {
				r = bases[i]
				break
			}
		}
		if r < unicode.MaxASCII && unicode.IsLetter(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}
