package web

import (
	"fmt"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"carrel/app"
)

// itemForm is the edit form exactly as typed, so that a form refused by
// validation comes back with nothing lost.
type itemForm struct {
	Title       string
	Description string
	ItemType    int
	Authors     string // one per line: "Full Name" or "Full Name | ORCID iD"
	Categories  []int64
	License     int
	Keywords    string // comma-separated
	References  string // one per line
	Funding     string
	Custom      map[string]string // custom field values by field name
}

// editPage is the data of the create and edit form.
type editPage struct {
	Item       *app.Item // nil when creating
	Form       itemForm
	Errors     map[string]string // by field name
	Error      string            // about the whole form
	Saved      bool
	Types      []app.ItemType
	Licenses   []app.License
	Categories []catGroup
	Files      []fileRow
	Missing    []string
	PageURL    string
	Status     string
	// Review is the item's open review, or its latest decided one.
	Review       *app.Review
	Thread       []commentView
	ReviewNeeded bool // publishing goes through review
	Submitted    bool
	// Access section: the private links and the embargo date as the form
	// shows it.
	Links        []linkRow
	EmbargoUntil string
	// The group's custom fields, and its embargo options with the periods
	// the embargo control offers (none: a date).
	Fields         []fieldView
	Embargo        app.EmbargoPolicy
	EmbargoPeriods []periodChoice
}

// formOf shows stored metadata in the form.
func formOf(md *app.Metadata) itemForm {
	f := itemForm{Title: md.Title, Description: md.Description, ItemType: md.ItemType, Categories: md.Categories,
		License: md.License, Keywords: strings.Join(md.Keywords, ", "), References: strings.Join(md.References, "\n"),
		Funding: md.Funding, Custom: maps.Clone(md.CustomFields)}
	var lines []string
	for _, a := range md.Authors {
		line := a.FullName
		if a.ORCID != "" {
			line += " | " + a.ORCID
		}
		lines = append(lines, line)
	}
	f.Authors = strings.Join(lines, "\n")
	return f
}

// readForm reads and validates the posted form into p.Form and p.Errors,
// and returns base with the form's fields applied. Fields the form does not
// show (funding list, related materials, DOI, values of custom fields the
// group no longer has) keep their stored values. The item's group decides
// the item types offered and the custom fields read.
func (s *Server) readForm(w http.ResponseWriter, r *http.Request, p *editPage, base app.Metadata) (app.Metadata, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		p.Error = "The form could not be read; it may be too large."
		return base, false
	}
	f := &p.Form
	pf := r.PostForm
	f.Title, f.Description = strings.TrimSpace(pf.Get("title")), pf.Get("description")
	f.Authors, f.Keywords, f.References, f.Funding = pf.Get("authors"), pf.Get("keywords"), pf.Get("references"), pf.Get("funding")
	f.ItemType, _ = strconv.Atoi(pf.Get("item_type"))
	f.License, _ = strconv.Atoi(pf.Get("license"))
	f.Categories = nil
	for _, c := range pf["categories"] {
		if id, err := strconv.ParseInt(c, 10, 64); err == nil {
			f.Categories = append(f.Categories, id)
		}
	}
	p.Errors = map[string]string{}
	v, err := s.vocab(r.Context())
	if err != nil {
		p.Error = "Internal error"
		return base, false
	}
	policy, err := s.cat.GroupPolicy(r.Context(), groupOf(r, p))
	if err != nil {
		p.Error = "Internal error"
		return base, false
	}
	md := base
	readCustomFields(r, p, policy, &md)
	checkFormType(p, policy)
	md.Title, md.Description, md.ItemType, md.License, md.Funding = f.Title, f.Description, f.ItemType, f.License, strings.TrimSpace(f.Funding)
	md.Categories, md.Keywords, md.References = f.Categories, nil, nil
	switch n := utf8.RuneCountInString(f.Title); {
	case n == 0:
		p.Errors["title"] = "Enter a title."
	case n > app.MaxTitleLen:
		p.Errors["title"] = fmt.Sprintf("The title must be at most %d characters; it has %d.", app.MaxTitleLen, n)
	}
	if len(f.Description) > app.MaxDescriptionLen {
		p.Errors["description"] = fmt.Sprintf("The description must be at most %d bytes.", app.MaxDescriptionLen)
	}
	if _, ok := v.typeByID[f.ItemType]; f.ItemType != 0 && !ok {
		p.Errors["item_type"] = "Choose an item type from the list."
	}
	if _, ok := v.licByID[f.License]; f.License != 0 && !ok {
		p.Errors["license"] = "Choose a license from the list."
	}
	for _, id := range f.Categories {
		if _, ok := v.catByID[id]; !ok {
			p.Errors["categories"] = "Choose categories from the list."
		}
	}
	md.Authors = nil
	for i, line := range strings.Split(f.Authors, "\n") {
		name, orcid, _ := strings.Cut(line, "|")
		name, orcid = strings.Join(strings.Fields(name), " "), strings.TrimSpace(orcid)
		if name == "" && orcid == "" {
			continue
		}
		if name == "" {
			p.Errors["authors"] = fmt.Sprintf("Line %d: give the author's name before the ORCID iD.", i+1)
			continue
		}
		if orcid != "" && !app.ValidORCID(orcid) {
			p.Errors["authors"] = fmt.Sprintf("Line %d: %q is not a valid ORCID iD (like 0000-0002-1825-0097).", i+1, orcid)
			continue
		}
		md.Authors = append(md.Authors, authorFor(base.Authors, name, orcid))
	}
	for k := range strings.SplitSeq(f.Keywords, ",") {
		if k = strings.TrimSpace(k); k != "" {
			if len(k) > app.MaxShortTextLen {
				p.Errors["keywords"] = fmt.Sprintf("Each keyword must be at most %d bytes.", app.MaxShortTextLen)
			}
			md.Keywords = append(md.Keywords, k)
		}
	}
	for ref := range strings.SplitSeq(f.References, "\n") {
		if ref = strings.TrimSpace(ref); ref != "" {
			md.References = append(md.References, ref)
		}
	}
	if len(p.Errors) == 0 {
		if err := md.Validate(); err != nil {
			p.Error = app.ErrorMessage(err)
		}
	}
	if len(p.Errors) > 0 && p.Error == "" {
		p.Error = "Please correct the fields marked below."
	}
	return md, len(p.Errors) == 0 && p.Error == ""
}

// authorFor keeps the stored identity of an author who was already on the
// item, so that editing the list does not make new author records.
func authorFor(known []app.Author, name, orcid string) app.Author {
	orcid = app.NormalizeORCID(orcid)
	for _, a := range known {
		if a.FullName == name && app.NormalizeORCID(a.ORCID) == orcid {
			return a
		}
	}
	first, last := app.SplitName(name)
	return app.Author{FullName: name, FirstName: first, LastName: last, ORCID: orcid}
}
