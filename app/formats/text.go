package formats

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

// PlainText turns a description's sanitised HTML into plain text: tags are
// dropped (script and style with their content), block ends and <br> become
// line breaks, entities are decoded, runs of spaces collapse and at most one
// blank line separates paragraphs. Characters XML 1.0 cannot carry are
// removed, so the result is safe to put in any format after that format's
// own escaping.
func PlainText(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		lt := strings.IndexByte(s, '<')
		if lt < 0 {
			b.WriteString(html.UnescapeString(s))
			break
		}
		b.WriteString(html.UnescapeString(s[:lt]))
		s = s[lt:]
		gt := strings.IndexByte(s, '>')
		if gt < 0 || !startsTag(s[1:]) { // "1 < 2" is text
			b.WriteByte('<')
			s = s[1:]
			continue
		}
		name, closing := tagName(s[1:gt])
		s = s[gt+1:]
		if !closing && (name == "script" || name == "style") {
			end := strings.Index(strings.ToLower(s), "</"+name)
			if end < 0 {
				s = ""
				continue
			}
			s = s[end:]
			continue
		}
		switch name {
		case "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "ul", "ol", "table":
			b.WriteString("\n\n") // a paragraph break; tidy keeps one
		case "br":
			b.WriteByte('\n')
		case "li", "tr":
			if !closing {
				b.WriteByte('\n')
			}
		case "td", "th":
			b.WriteByte(' ')
		}
	}
	return tidy(b.String())
}

// startsTag reports whether the text after a '<' begins a tag, a closing
// tag, a comment or a declaration.
func startsTag(s string) bool {
	if s == "" {
		return false
	}
	c := s[0]
	return c == '/' || c == '!' || c == '?' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// tagName returns the lower-case element name of a tag's inside ("p
// class=x", "/p", "br/") and whether it closes an element.
func tagName(in string) (string, bool) {
	closing := strings.HasPrefix(in, "/")
	in = strings.TrimPrefix(in, "/")
	end := strings.IndexFunc(in, func(r rune) bool { return unicode.IsSpace(r) || r == '/' })
	if end >= 0 {
		in = in[:end]
	}
	return strings.ToLower(in), closing
}

// tidy collapses spaces within lines, trims lines, keeps at most one empty
// line between paragraphs and drops characters invalid in XML 1.0.
func tidy(s string) string {
	s = xmlSafe(s)
	var lines []string
	blank := false
	for _, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		line = strings.Join(strings.Fields(line), " ")
		if line == "" {
			blank = len(lines) > 0
			continue
		}
		if blank {
			lines = append(lines, "")
			blank = false
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// oneLine is s as plain text on a single line, for fields that cannot hold
// line breaks (titles, names, RIS and BibTeX values).
func oneLine(s string) string {
	return strings.Join(strings.Fields(xmlSafe(s)), " ")
}

// xmlSafe drops characters that XML 1.0 forbids (most C0 controls, lone
// surrogates, U+FFFE/U+FFFF) and invalid UTF-8, which no format here wants.
func xmlSafe(s string) string {
	ok := true
	for _, r := range s {
		if !xmlChar(r) {
			ok = false
			break
		}
	}
	if ok && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r != utf8.RuneError && xmlChar(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func xmlChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' ||
		(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}
