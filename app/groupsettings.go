package app

import (
	"cmp"
	"fmt"
	"maps"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// FieldType is the kind of value a custom metadata field holds.
type FieldType string

// The custom field types, named as Figshare names them.
const (
	FieldText     FieldType = "text"
	FieldTextarea FieldType = "textarea"
	FieldDropdown FieldType = "dropdown"
	FieldURL      FieldType = "url"
	FieldEmail    FieldType = "email"
	FieldDate     FieldType = "date"
)

// FieldTypes lists the custom field types in the order forms offer them.
func FieldTypes() []FieldType {
	return []FieldType{FieldText, FieldTextarea, FieldDropdown, FieldURL, FieldEmail, FieldDate}
}

// Title is the field type's name for people.
func (t FieldType) Title() string {
	switch t {
	case FieldTextarea:
		return "Long text"
	case FieldDropdown:
		return "Choice from a list"
	case FieldURL:
		return "Web address (URL)"
	case FieldEmail:
		return "Email address"
	case FieldDate:
		return "Date"
	}
	return "Text"
}

// Limits on custom fields and their values.
const (
	MaxFieldNameLen    = 100
	MaxFieldOptions    = 1000
	MaxFieldOptionLen  = 200
	MaxTextareaValue   = 10_000
	MaxFieldsPerGroup  = 100
	MaxEmbargoMonths   = 1200
	embargoPeriodSlack = 24 * time.Hour
)

// CustomField is a metadata field a group adds to the records of the items
// deposited in it (and in its subgroups, unless they define their own).
// Values live in Metadata.CustomFields under the field's name.
type CustomField struct {
	ID        int64
	GroupID   int64
	Name      string
	Type      FieldType
	Options   []string // the choices of a dropdown; empty for other types
	Order     int      // 1-based position in the group's form
	Mandatory bool     // a value is needed before publishing or submitting
}

// Validate checks a field's definition before it is stored: a name, a
// known type, and for a dropdown at least one option. EUNPROCESSABLE names
// what is wrong.
func (f *CustomField) Validate() error {
	f.Name = strings.Join(strings.Fields(f.Name), " ")
	if f.Name == "" {
		return Errorf(EUNPROCESSABLE, "a custom field needs a name")
	}
	if utf8.RuneCountInString(f.Name) > MaxFieldNameLen || !utf8.ValidString(f.Name) {
		return Errorf(EUNPROCESSABLE, "a custom field name is at most %d characters of valid UTF-8", MaxFieldNameLen)
	}
	if !slices.Contains(FieldTypes(), f.Type) {
		return Errorf(EUNPROCESSABLE, "unknown custom field type %q: use one of text, textarea, dropdown, url, email, date", f.Type)
	}
	if f.Type != FieldDropdown {
		f.Options = nil
		return nil
	}
	opts, err := CleanOptions(f.Options)
	if err != nil {
		return err
	}
	f.Options = opts
	return nil
}

// CleanOptions trims a dropdown's options, drops blank ones and
// duplicates, and checks what is left: 1 to 1,000 options of at most 200
// characters.
func CleanOptions(in []string) ([]string, error) {
	var out []string
	for _, o := range in {
		o = strings.Join(strings.Fields(o), " ")
		if o == "" || slices.Contains(out, o) {
			continue
		}
		if utf8.RuneCountInString(o) > MaxFieldOptionLen || !utf8.ValidString(o) {
			return nil, Errorf(EUNPROCESSABLE, "a dropdown option is at most %d characters of valid UTF-8", MaxFieldOptionLen)
		}
		out = append(out, o)
	}
	if len(out) == 0 {
		return nil, Errorf(EUNPROCESSABLE, "a dropdown field needs at least one option")
	}
	if len(out) > MaxFieldOptions {
		return nil, Errorf(EUNPROCESSABLE, "a dropdown field has at most %d options", MaxFieldOptions)
	}
	return out, nil
}

// CheckValue checks a value typed for the field and returns it cleaned. An
// empty value is always accepted here; Mandatory is checked at publish.
// EUNPROCESSABLE says what is wrong in the depositor's words.
func (f *CustomField) CheckValue(v string) (string, error) {
	if f.Type != FieldTextarea {
		v = strings.TrimSpace(v)
	} else {
		// A browser sends a textarea's line ends as CRLF: store them as
		// the API receives them, with "\n".
		v = strings.ReplaceAll(v, "\r\n", "\n")
	}
	if strings.TrimSpace(v) == "" {
		return "", nil
	}
	if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
		return v, Errorf(EUNPROCESSABLE, "%s must be valid UTF-8 text", f.Name)
	}
	bad := func(format string, args ...any) (string, error) {
		return v, Errorf(EUNPROCESSABLE, "%s: "+format, append([]any{f.Name}, args...)...)
	}
	switch f.Type {
	case FieldText:
		if strings.ContainsAny(v, "\r\n") {
			return bad("must be one line")
		}
		if len(v) > MaxShortTextLen {
			return bad("must be at most %d bytes", MaxShortTextLen)
		}
	case FieldTextarea:
		if len(v) > MaxTextareaValue {
			return bad("must be at most %d bytes", MaxTextareaValue)
		}
	case FieldDropdown:
		if !slices.Contains(f.Options, v) {
			return bad("%q is not one of the choices", v)
		}
	case FieldURL:
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(v) > MaxShortTextLen {
			return bad("%q is not a web address starting with https:// or http://", v)
		}
	case FieldEmail:
		a, err := mail.ParseAddress(v)
		if err != nil || a.Address != v || a.Name != "" {
			return bad("%q is not an email address like name@example.edu", v)
		}
	case FieldDate:
		if _, err := time.Parse("2006-01-02", v); err != nil {
			return bad("%q is not a date like 2030-01-31", v)
		}
	}
	return v, nil
}

// GroupPolicy is what a group asks of the items deposited in it: the item
// types allowed, its custom fields and its embargo options, each the
// group's own setting or the nearest group above it that has one.
type GroupPolicy struct {
	GroupID     int64
	ItemTypes   []int // the allowed item type ids; nil = every type
	TypesFrom   int64 // the group that set ItemTypes; 0 = no group did
	Fields      []CustomField
	FieldsFrom  int64 // the group that defined Fields; 0 = none did
	Embargo     EmbargoPolicy
	EmbargoFrom int64 // the group that set Embargo; 0 = none did
}

// AllowsType reports whether depositors of the group may create items of
// the type.
func (p *GroupPolicy) AllowsType(t int) bool {
	return p.ItemTypes == nil || slices.Contains(p.ItemTypes, t)
}

// Field returns the group's field with a name, or nil.
func (p *GroupPolicy) Field(name string) *CustomField {
	for i := range p.Fields {
		if p.Fields[i].Name == name {
			return &p.Fields[i]
		}
	}
	return nil
}

// CheckFields checks the custom field values of next against the group's
// fields and cleans them in place (an emptied value is removed). A value
// unchanged from prev passes as it is, so that a field an administrator
// removed or changed later does not lock the items that hold a value for
// it. The error names the first problem; errs holds every problem by
// field name.
func (p *GroupPolicy) CheckFields(prev, next map[string]string) (errs map[string]string, err error) {
	errs = map[string]string{}
	var first error
	for _, name := range slices.Sorted(maps.Keys(next)) {
		v := next[name]
		if old, ok := prev[name]; ok && old == v {
			continue
		}
		f := p.Field(name)
		if f == nil {
			if strings.TrimSpace(v) == "" {
				delete(next, name)
				continue
			}
			e := Errorf(EUNPROCESSABLE, "custom field %q is not defined for group %d; see GET /v2/account/institution/custom_fields?group_id=%d", name, p.GroupID, p.GroupID)
			errs[name], first = ErrorMessage(e), cmp.Or[error](first, e)
			continue
		}
		clean, e := f.CheckValue(v)
		if e != nil {
			errs[name], first = ErrorMessage(e), cmp.Or[error](first, e)
			continue
		}
		if clean == "" {
			delete(next, name)
		} else {
			next[name] = clean
		}
	}
	return errs, first
}

// MissingFields names the group's mandatory fields that have no value.
func (p *GroupPolicy) MissingFields(values map[string]string) []string {
	var missing []string
	for _, f := range p.Fields {
		if f.Mandatory && strings.TrimSpace(values[f.Name]) == "" {
			missing = append(missing, f.Name)
		}
	}
	return missing
}

// EmbargoPolicy is the embargo choices a group offers its depositors.
type EmbargoPolicy struct {
	// Periods are the lengths offered, in months, with 0 for a permanent
	// embargo, shortest first; nil = any date, and permanent.
	Periods        []int
	ReasonRequired bool
}

// Validate cleans the periods (sorted, no duplicates, permanent last) and
// checks them: at least one, each 0 or 1 to 1,200 months.
func (e *EmbargoPolicy) Validate() error {
	if e.Periods == nil {
		return nil
	}
	var out []int
	permanent := false
	for _, m := range e.Periods {
		switch {
		case m == 0:
			permanent = true
		case m < 0 || m > MaxEmbargoMonths:
			return Errorf(EUNPROCESSABLE, "an embargo period is 1 to %d months, or permanent", MaxEmbargoMonths)
		case !slices.Contains(out, m):
			out = append(out, m)
		}
	}
	slices.Sort(out)
	if permanent {
		out = append(out, 0)
	}
	if len(out) == 0 {
		return Errorf(EUNPROCESSABLE, "choose at least one embargo period")
	}
	e.Periods = out
	return nil
}

// Check refuses an embargo the policy does not offer: a permanent one when
// permanent is not among the periods, one that lasts longer than the
// longest period (a day's slack for time zones), or one without a reason
// when a reason is required.
func (e EmbargoPolicy) Check(emb Embargo, now time.Time) error {
	if emb.Type == EmbargoNone {
		return nil
	}
	if e.ReasonRequired && strings.TrimSpace(emb.Reason) == "" {
		return Errorf(EUNPROCESSABLE, "your group asks for a reason for every embargo")
	}
	if e.Periods == nil {
		return nil
	}
	if emb.Until.IsZero() {
		if !slices.Contains(e.Periods, 0) {
			return Errorf(EUNPROCESSABLE, "your group does not offer permanent embargoes; choose one of: %s", e.Choices())
		}
		return nil
	}
	longest := slices.Max(e.Periods)
	if longest == 0 || emb.Until.After(now.AddDate(0, longest, 0).Add(embargoPeriodSlack)) {
		return Errorf(EUNPROCESSABLE, "an embargo in your group lasts at most: %s", e.Choices())
	}
	return nil
}

// Choices lists the periods for people: "6 months, 1 year, permanent".
func (e EmbargoPolicy) Choices() string {
	var out []string
	for _, m := range e.Periods {
		out = append(out, strings.ToLower(PeriodLabel(m)))
	}
	return strings.Join(out, ", ")
}

// PeriodLabel names an embargo period of months months (0 = permanent).
func PeriodLabel(months int) string {
	switch {
	case months == 0:
		return "Permanent"
	case months == 12:
		return "1 year"
	case months%12 == 0:
		return fmt.Sprintf("%d years", months/12)
	case months == 1:
		return "1 month"
	}
	return fmt.Sprintf("%d months", months)
}

// EmbargoPeriodChoices are the periods an administrator may offer.
func EmbargoPeriodChoices() []int { return []int{3, 6, 12, 24, 36, 60, 0} }
