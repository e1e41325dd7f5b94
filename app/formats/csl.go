package formats

import (
	"encoding/json"
	"io"
	"strconv"
	"strings"
)

// cslName is a CSL-JSON name: family and given, or a literal that must not
// be split.
type cslName struct {
	Family  string `json:"family,omitempty"`
	Given   string `json:"given,omitempty"`
	Literal string `json:"literal,omitempty"`
}

type cslDate struct {
	DateParts [][]int `json:"date-parts"`
}

type cslItem struct {
	ID        string    `json:"id"`
	Type      string    `json:"type"`
	Title     string    `json:"title"`
	Author    []cslName `json:"author,omitempty"`
	Issued    *cslDate  `json:"issued,omitempty"`
	Publisher string    `json:"publisher,omitempty"`
	Genre     string    `json:"genre,omitempty"`
	Version   string    `json:"version,omitempty"`
	DOI       string    `json:"DOI,omitempty"`
	URL       string    `json:"URL,omitempty"`
	Keyword   string    `json:"keyword,omitempty"`
	Language  string    `json:"language,omitempty"`
	Abstract  string    `json:"abstract,omitempty"`
	License   string    `json:"license,omitempty"`
}

// WriteCSLJSON writes the record as a CSL-JSON array of one item, the input
// of citeproc processors (Zotero, Pandoc, citeproc-js). Its id is the same
// stable key as the BibTeX entry's.
func WriteCSLJSON(w io.Writer, r *Record) error {
	if err := r.check(); err != nil {
		return err
	}
	k := kindOf(r.ItemType.ID)
	it := cslItem{ID: citationKey(r), Type: k.CSL, Title: oneLine(r.title()), Publisher: oneLine(r.Publisher),
		Genre: r.typeName(), Version: strconv.Itoa(r.Version.Number), DOI: r.doi(), URL: r.LandingURL,
		Keyword: strings.Join(r.keywords(), ", "), Language: oneLine(r.language()), Abstract: r.abstract(),
		License: r.License.URL}
	for _, p := range r.people() {
		if p.Family == "" || p.Given == "" {
			it.Author = append(it.Author, cslName{Literal: oneLine(p.Full)})
		} else {
			it.Author = append(it.Author, cslName{Family: oneLine(p.Family), Given: oneLine(p.Given)})
		}
	}
	if t := r.published(); !t.IsZero() {
		it.Issued = &cslDate{DateParts: [][]int{{t.Year(), int(t.Month()), t.Day()}}}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode([]cslItem{it})
}

func itoa(n int) string { return strconv.Itoa(n) }
