package web

import (
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"

	"carrel/app"
)

// fieldView is one custom field of the item's group in the edit form,
// with its value as typed and what is wrong with it.
type fieldView struct {
	app.CustomField
	Key   string // the form's name for it, "cf-<id>"
	Value string
	Error string
}

// fieldKey is the form name of a custom field; names are the field's id
// because a field's own name may hold any character.
func fieldKey(f *app.CustomField) string { return "cf-" + strconv.FormatInt(f.ID, 10) }

// groupOf is the group the form's item is (or will be) in.
func groupOf(r *http.Request, p *editPage) int64 {
	if p.Item != nil {
		return p.Item.GroupID
	}
	return account(r.Context()).GroupID
}

// readCustomFields reads the group's custom fields from the posted form
// into f.Custom and md, checking each value; problems go to p.Errors under
// the field's key. A value for a field the group no longer has is kept.
func readCustomFields(r *http.Request, p *editPage, policy *app.GroupPolicy, md *app.Metadata) {
	f := &p.Form
	f.Custom = map[string]string{}
	values := maps.Clone(md.CustomFields)
	if values == nil {
		values = map[string]string{}
	}
	for i := range policy.Fields {
		cf := &policy.Fields[i]
		typed := r.PostForm.Get(fieldKey(cf))
		f.Custom[cf.Name] = typed
		clean, err := cf.CheckValue(typed)
		if err != nil {
			p.Errors[fieldKey(cf)] = app.ErrorMessage(err)
			continue
		}
		if clean == "" {
			delete(values, cf.Name)
		} else {
			values[cf.Name] = clean
		}
	}
	md.CustomFields = values
	if len(values) == 0 {
		md.CustomFields = nil
	}
}

// checkFormType refuses an item type the group does not allow, unless it
// is the one the item already has.
func checkFormType(p *editPage, policy *app.GroupPolicy) {
	if t := p.Form.ItemType; t != 0 && !policy.AllowsType(t) && (p.Item == nil || p.Item.Draft.ItemType != t) {
		p.Errors["item_type"] = "Your group does not offer this item type; choose one from the list."
	}
}

// fillGroupChoices limits the form's item types to those the group
// allows (keeping the item's own), lists its custom fields with their
// values, and adds missing mandatory fields to what publishing needs.
func fillGroupChoices(p *editPage, policy *app.GroupPolicy) {
	var types []app.ItemType
	for _, t := range p.Types {
		if policy.AllowsType(t.ID) || t.ID == p.Form.ItemType {
			types = append(types, t)
		}
	}
	p.Types = types
	for _, cf := range policy.Fields {
		p.Fields = append(p.Fields, fieldView{CustomField: cf, Key: fieldKey(&cf), Value: p.Form.Custom[cf.Name],
			Error: p.Errors[fieldKey(&cf)]})
	}
	if p.Item != nil {
		p.Missing = append(p.Missing, policy.MissingFields(p.Item.Draft.CustomFields)...)
	}
	p.Embargo = policy.Embargo
	for _, m := range policy.Embargo.Periods {
		p.EmbargoPeriods = append(p.EmbargoPeriods, periodChoice{Months: m, Label: app.PeriodLabel(m)})
	}
}

// missingFieldErrors marks the mandatory fields a draft lacks, so that a
// refused publish shows them beside the fields.
func missingFieldErrors(p *editPage, policy *app.GroupPolicy) bool {
	missing := policy.MissingFields(p.Item.Draft.CustomFields)
	if len(missing) == 0 {
		return false
	}
	p.Errors = map[string]string{}
	for i := range policy.Fields {
		if slices.Contains(missing, policy.Fields[i].Name) {
			p.Errors[fieldKey(&policy.Fields[i])] = "Enter a value: it is needed before publishing."
		}
	}
	p.Error = "Before publishing, fill in the fields marked below and save."
	return true
}

// embargoFromForm reads the workspace's embargo control: a period from
// the group's choices when it offers some, else a date (empty: permanent).
func embargoFromForm(r *http.Request, policy *app.GroupPolicy) (app.Embargo, error) {
	e := app.Embargo{Type: app.EmbargoType(r.PostFormValue("embargo_type")), Reason: r.PostFormValue("embargo_reason")}
	if e.Type == app.EmbargoNone {
		return e, nil
	}
	if policy.Embargo.Periods == nil {
		var err error
		e.Until, err = formDate(r, "embargo_until")
		return e, err
	}
	months, err := strconv.Atoi(r.PostFormValue("embargo_period"))
	if err != nil || !slices.Contains(policy.Embargo.Periods, months) {
		return e, app.Errorf(app.EUNPROCESSABLE, "Choose an embargo period from the list: %s.", policy.Embargo.Choices())
	}
	if months > 0 {
		e.Until = time.Now().UTC().AddDate(0, months, 0).Truncate(24 * time.Hour)
	}
	return e, nil
}

// customValues lists an item's custom field values for its landing page:
// its group's fields in their order, then values of fields the group no
// longer has, by name.
func (s *Server) customValues(r *http.Request, groupID int64, values map[string]string) ([]customValue, error) {
	policy, err := s.cat.GroupPolicy(r.Context(), groupID)
	if err != nil {
		return nil, err
	}
	var out []customValue
	for _, f := range policy.Fields {
		if v := values[f.Name]; v != "" {
			out = append(out, customValue{Name: f.Name, Value: v, Type: f.Type})
		}
	}
	for _, name := range slices.Sorted(maps.Keys(values)) {
		if policy.Field(name) == nil && values[name] != "" {
			out = append(out, customValue{Name: name, Value: values[name], Type: app.FieldText})
		}
	}
	return out, nil
}
