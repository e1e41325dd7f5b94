package formats

import (
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"carrel/testenv"
)

// bibEntry is a BibTeX entry as parseBibTeX reads it.
type bibEntry struct {
	Type, Key string
	Fields    map[string]string
}

// parseBibTeX is an independent reader of the BibTeX this package writes:
// it counts braces as BibTeX does (a backslash does not protect a brace),
// accepts bare month macros, and decodes the LaTeX escapes to text.
func parseBibTeX(t *testing.T, s string) []bibEntry {
	t.Helper()
	var out []bibEntry
	for {
		at := strings.IndexByte(s, '@')
		if at < 0 {
			return out
		}
		s = s[at+1:]
		open := strings.IndexByte(s, '{')
		comma := strings.IndexByte(s, ',')
		if open < 0 || comma < open {
			t.Fatalf("bibtex: malformed entry head in %q", s)
		}
		e := bibEntry{Type: strings.ToLower(s[:open]), Key: strings.TrimSpace(s[open+1 : comma]), Fields: map[string]string{}}
		s = s[comma+1:]
		for {
			s = strings.TrimLeft(s, " \t\r\n,")
			if strings.HasPrefix(s, "}") {
				s = s[1:]
				break
			}
			eq := strings.IndexByte(s, '=')
			if eq < 0 {
				t.Fatalf("bibtex: no '=' in %q", s)
			}
			name := strings.ToLower(strings.TrimSpace(s[:eq]))
			s = strings.TrimLeft(s[eq+1:], " ")
			var val string
			if strings.HasPrefix(s, "{") {
				depth, i := 0, 0
				for ; i < len(s); i++ {
					if s[i] == '{' {
						depth++
					} else if s[i] == '}' {
						depth--
						if depth == 0 {
							break
						}
					}
				}
				if depth != 0 {
					t.Fatalf("bibtex: unbalanced braces in field %s", name)
				}
				val, s = s[1:i], s[i+1:]
			} else {
				end := strings.IndexAny(s, ",}")
				val, s = strings.TrimSpace(s[:end]), s[end:]
			}
			if _, dup := e.Fields[name]; dup {
				t.Errorf("bibtex: field %s appears twice", name)
			}
			e.Fields[name] = unLaTeX(val)
		}
		out = append(out, e)
	}
}

// unLaTeX decodes the escapes WriteBibTeX uses, in one pass.
func unLaTeX(s string) string {
	return strings.NewReplacer(`\textbackslash{}`, `\`, `\textbraceleft{}`, "{", `\textbraceright{}`, "}",
		`\textasciicircum{}`, "^", `\textasciitilde{}`, "~", `\%`, "%", `\&`, "&", `\$`, "$", `\#`, "#", `\_`, "_").Replace(s)
}

func TestBibTeXRoundTrip(t *testing.T) {
	recs := records()
	for _, name := range sortedNames(recs) {
		r := recs[name]
		t.Run(name, func(t *testing.T) {
			out := write(t, WriteBibTeX, r)
			entries := parseBibTeX(t, out)
			if len(entries) != 1 {
				t.Fatalf("got %d entries, want 1:\n%s", len(entries), out)
			}
			e := entries[0]
			title := strings.TrimSuffix(strings.TrimPrefix(e.Fields["title"], "{"), "}")
			got := map[string]string{"key": e.Key, "title": title, "year": e.Fields["year"], "doi": e.Fields["doi"]}
			want := map[string]string{"key": citationKey(r), "title": oneLine(r.title()), "year": r.year(), "doi": r.doi()}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("round trip:\n got %q\nwant %q\n%s", got, want, out)
			}
			var names []string
			for _, p := range r.people() {
				names = append(names, strings.Trim(unLaTeX(bibName(p)), "{}"))
			}
			if got, want := e.Fields["author"], strings.Join(names, " and "); unbrace(got) != unbrace(want) {
				t.Errorf("authors: got %q, want %q", got, want)
			}
		})
	}
}

func unbrace(s string) string { return strings.NewReplacer("{", "", "}", "").Replace(s) }

func TestBibTeXEscaping(t *testing.T) {
	tests := []struct{ in, want string }{
		{"50% & $5 #1 a_b", `50\% \& \$5 \#1 a\_b`},
		{"{x} \\ ^ ~", `\textbraceleft{}x\textbraceright{} \textbackslash{} \textasciicircum{} \textasciitilde{}`},
		{"Café Ørsted", "Café Ørsted"},
	}
	for _, tt := range tests {
		if got := bibEscape(tt.in); got != tt.want {
			t.Errorf("bibEscape(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, r := range []*Record{fullRecord(), unicodeRecord(), xssRecord()} {
		if got, want := citationKey(r), citationKey(r); got != want || strings.ContainsAny(got, " {},%#~\\\"") {
			t.Errorf("citation key %q is unstable or has characters BibTeX keys cannot hold", got)
		}
	}
	if got, want := citationKey(unicodeRecord()), "muller2024_1234v2"; got != want {
		t.Errorf("citation key: got %q, want %q", got, want)
	}
}

// risRef is a RIS reference as parseRIS reads it.
type risRef map[string][]string

// parseRIS is an independent RIS reader: "TG  - value" lines, one
// reference from TY to ER.
func parseRIS(t *testing.T, s string) []risRef {
	t.Helper()
	var out []risRef
	var cur risRef
	for _, line := range strings.Split(s, "\r\n") {
		if line == "" {
			continue
		}
		if len(line) < 6 || line[2:6] != "  - " {
			t.Fatalf("ris: malformed line %q", line)
		}
		tag, val := line[:2], line[6:]
		switch tag {
		case "TY":
			cur = risRef{"TY": {val}}
		case "ER":
			out = append(out, cur)
			cur = nil
		default:
			if cur == nil {
				t.Fatalf("ris: %s outside a reference", tag)
			}
			cur[tag] = append(cur[tag], val)
		}
	}
	return out
}

func TestRISRoundTrip(t *testing.T) {
	recs := records()
	for _, name := range sortedNames(recs) {
		r := recs[name]
		t.Run(name, func(t *testing.T) {
			out := write(t, WriteRIS, r)
			refs := parseRIS(t, out)
			if len(refs) != 1 {
				t.Fatalf("got %d references, want 1:\n%s", len(refs), out)
			}
			var authors []string
			for _, p := range r.people() {
				authors = append(authors, oneLine(p.inverted()))
			}
			got := risRef{"TY": refs[0]["TY"], "TI": refs[0]["TI"], "AU": refs[0]["AU"], "PY": refs[0]["PY"]}
			want := risRef{"TY": {kindOf(r.ItemType.ID).RIS}, "TI": {oneLine(r.title())}, "AU": authors, "PY": nil}
			if y := r.year(); y != "" {
				want["PY"] = []string{y}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("round trip:\n got %q\nwant %q", got, want)
			}
		})
	}
}

// mods is the part of bibutils' MODS output the tests compare.
type mods struct {
	Refs []struct {
		Title    string `xml:"titleInfo>title"`
		SubTitle string `xml:"titleInfo>subTitle"`
		Names    []struct {
			Parts []string `xml:"namePart"`
		} `xml:"name"`
		Year string   `xml:"originInfo>dateIssued"`
		IDs  []string `xml:"identifier"`
	} `xml:"mods"`
}

// TestBibutilsReadsOurOutput parses BibTeX and RIS with bibutils (bib2xml,
// ris2xml), an independent C implementation, and checks title, authors,
// year and DOI survive.
func TestBibutilsReadsOurOutput(t *testing.T) {
	for _, f := range []struct {
		tool  string
		write func(*testing.T, *Record) string
	}{
		{"bib2xml", func(t *testing.T, r *Record) string { return write(t, WriteBibTeX, r) }},
		{"ris2xml", func(t *testing.T, r *Record) string { return write(t, WriteRIS, r) }},
	} {
		for _, name := range []string{"full", "unicode", "xss"} {
			t.Run(f.tool+"/"+name, func(t *testing.T) {
				bin := testenv.Tool(t, f.tool, "bibutils")
				r := records()[name]
				in := filepath.Join(t.TempDir(), "in")
				if err := os.WriteFile(in, []byte(f.write(t, r)), 0o600); err != nil {
					t.Fatal(err)
				}
				out, err := exec.Command(bin, "-i", "utf8", "-o", "utf8", in).Output()
				if err != nil {
					t.Fatalf("%s: %v", f.tool, err)
				}
				var m mods
				if err := xml.Unmarshal([]byte(strings.TrimPrefix(string(out), "\ufeff")), &m); err != nil {
					t.Fatalf("reading MODS: %v\n%s", err, out)
				}
				if len(m.Refs) != 1 {
					t.Fatalf("got %d references, want 1", len(m.Refs))
				}
				ref := m.Refs[0]
				// bibutils splits titles at ": " and types straight double quotes.
				title := ref.Title
				if ref.SubTitle != "" {
					title += ": " + ref.SubTitle
				}
				quotes := strings.NewReplacer("”", `"`, "“", `"`)
				if got, want := quotes.Replace(title), quotes.Replace(oneLine(r.title())); got != want {
					t.Errorf("title: got %q, want %q", got, want)
				}
				if got, want := ref.Year, r.year(); !strings.HasPrefix(got, want) {
					t.Errorf("year: got %q, want %q", got, want)
				}
				if got, want := len(ref.Names), len(r.people()); got != want {
					t.Errorf("authors: got %d, want %d", got, want)
				}
				if got, want := strings.Join(ref.IDs, " "), r.doi(); !strings.Contains(got, want) {
					t.Errorf("identifiers %q lack DOI %q", got, want)
				}
			})
		}
	}
}
