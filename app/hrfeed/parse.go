// Package hrfeed imports an institution's HR feed — Figshare's HRFeed XML,
// one <Record> per person — into Carrel's accounts: it creates, updates,
// deactivates and reactivates accounts and sets their group and quota.
// A feed is checked completely first; if any record has a problem, nothing
// is applied, and every problem is reported with its line.
package hrfeed

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"strconv"
	"strings"

	"carrel/app"
)

// Record is one person in the feed.
type Record struct {
	Line                                     int
	UniqueID, ORCID, FirstName, LastName     string
	Title, Initials, Suffix, Email, Criteria string
	Active                                   bool
	Quota                                    int64
	QuotaSet                                 bool
}

// fields are the elements a <Record> may hold.
var fields = map[string]bool{"UniqueID": true, "Orcid": true, "FirstName": true, "LastName": true, "Title": true,
	"Initials": true, "Suffix": true, "Email": true, "IsActive": true, "UserQuota": true, "UserAssociationCriteria": true}

// Parse reads a feed. Problems with single records are returned with their
// lines and parsing goes on, so that one run reports every problem; a file
// that is not well-formed XML stops at the first syntax error.
func Parse(r io.Reader) ([]Record, []app.FeedProblem) {
	var recs []Record
	var probs []app.FeedProblem
	problem := func(line int, format string, args ...any) {
		probs = append(probs, app.FeedProblem{Line: line, Message: fmt.Sprintf(format, args...)})
	}
	dec := xml.NewDecoder(r)
	depth, sawRoot := 0, false
	var cur *Record
	var field string
	var text strings.Builder
	seen := map[string]bool{}
	for {
		line, _ := dec.InputPos()
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				line = se.Line
			}
			problem(line, "the file is not well-formed XML: %v", strings.TrimPrefix(err.Error(), "XML syntax error on line "+strconv.Itoa(line)+": "))
			return recs, probs
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			line, _ = dec.InputPos()
			switch {
			case depth == 1:
				sawRoot = true
				if t.Name.Local != "HRFeed" {
					problem(line, "the root element is <%s>; an HR feed's is <HRFeed>", t.Name.Local)
					return recs, probs
				}
			case depth == 2 && t.Name.Local == "Record":
				cur, seen = &Record{Line: line}, map[string]bool{}
			case depth == 2:
				problem(line, "unexpected <%s> in <HRFeed>; only <Record> elements belong there", t.Name.Local)
			case depth == 3 && cur != nil:
				if !fields[t.Name.Local] {
					problem(line, "unknown field <%s> in a record", t.Name.Local)
				} else if seen[t.Name.Local] {
					problem(line, "<%s> appears twice in one record", t.Name.Local)
				}
				field, seen[t.Name.Local] = t.Name.Local, true
				text.Reset()
			default:
				problem(line, "unexpected <%s> inside <%s>", t.Name.Local, field)
			}
		case xml.CharData:
			if depth == 3 {
				text.Write(t)
			}
		case xml.EndElement:
			if depth == 3 && cur != nil {
				line, _ = dec.InputPos()
				if err := cur.set(field, strings.TrimSpace(text.String())); err != nil {
					problem(line, "%s", err)
				}
			}
			if depth == 2 && cur != nil {
				probs = append(probs, cur.check(seen)...)
				recs = append(recs, *cur)
				cur = nil
			}
			depth--
		}
	}
	if !sawRoot {
		problem(1, "the file is empty; an HR feed is an <HRFeed> element with <Record> elements")
	}
	return recs, probs
}

// set stores one field's text.
func (r *Record) set(field, v string) error {
	switch field {
	case "UniqueID":
		r.UniqueID = v
	case "Orcid":
		r.ORCID = v
		if v != "" && !app.ValidORCID(v) {
			return fmt.Errorf("the Orcid %q is not a valid ORCID iD", v)
		}
	case "FirstName":
		r.FirstName = v
	case "LastName":
		r.LastName = v
	case "Title":
		r.Title = v
	case "Initials":
		r.Initials = v
	case "Suffix":
		r.Suffix = v
	case "Email":
		r.Email = v
	case "IsActive":
		switch strings.ToLower(v) {
		case "y", "yes", "true", "1":
			r.Active = true
		case "n", "no", "false", "0":
			r.Active = false
		default:
			return fmt.Errorf("IsActive is %q; it must be Y or N", v)
		}
	case "UserQuota":
		if v == "" {
			return nil
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return fmt.Errorf("UserQuota %q is not a number of bytes", v)
		}
		r.Quota, r.QuotaSet = n, true
	case "UserAssociationCriteria":
		r.Criteria = v
	}
	return nil
}

// check reports what a whole record lacks.
func (r *Record) check(seen map[string]bool) []app.FeedProblem {
	var probs []app.FeedProblem
	add := func(format string, args ...any) {
		probs = append(probs, app.FeedProblem{Line: r.Line, Message: fmt.Sprintf(format, args...)})
	}
	if r.UniqueID == "" {
		add("the record has no UniqueID")
	} else if len(r.UniqueID) > 200 {
		add("UniqueID is longer than 200 characters")
	}
	if r.Email == "" {
		add("record %s has no Email", r.UniqueID)
	} else if a, err := mail.ParseAddress(r.Email); err != nil || a.Address != r.Email {
		add("record %s: Email %q is not a valid address", r.UniqueID, r.Email)
	}
	if r.FirstName == "" && r.LastName == "" {
		add("record %s has neither FirstName nor LastName", r.UniqueID)
	}
	if !seen["IsActive"] {
		add("record %s has no IsActive (Y or N)", r.UniqueID)
	}
	return probs
}
