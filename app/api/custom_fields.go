package api

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"carrel/app"
)

// GroupSettingsCatalog is what per-group item types, custom fields and
// embargo options need of the catalog.
type GroupSettingsCatalog interface {
	// GroupPolicy is a group's settings, own or inherited; ENOTFOUND for
	// a missing group.
	GroupPolicy(ctx context.Context, groupID int64) (*app.GroupPolicy, error)
	// CustomField returns one field; ENOTFOUND if none.
	CustomField(ctx context.Context, id int64) (*app.CustomField, error)
	// SetCustomFieldOptions replaces a dropdown's options; ECONFLICT for a
	// field of another type, EUNPROCESSABLE for a bad list.
	SetCustomFieldOptions(ctx context.Context, id int64, options []string, who app.AuditEntry) error
}

func (s *Server) customFieldRoutes() {
	s.handle("GET /v2/account/institution/custom_fields", s.authed(s.handleCustomFieldsList))
	s.handle("GET /v2/account/groups/{group_id}/metadata/item", s.authed(s.handleGroupCustomFields))
	s.handle("POST /v2/account/institution/custom_fields/{custom_field_id}/items/upload", s.authed(s.handleCustomFieldUpload))
}

// shortCustomFieldJSON is Figshare's ShortCustomField.
type shortCustomFieldJSON struct {
	ID          int64          `json:"id"`
	Name        string         `json:"name"`
	FieldType   string         `json:"field_type"`
	Settings    map[string]any `json:"settings"`
	Order       int            `json:"order"`
	IsMandatory bool           `json:"is_mandatory"`
}

// fieldSettings is the field's settings object as Figshare shows it: the
// choices of a dropdown.
func fieldSettings(f *app.CustomField) map[string]any {
	if f.Type == app.FieldDropdown {
		return map[string]any{"options": f.Options}
	}
	return map[string]any{}
}

// handleCustomFieldsList lists the custom fields of the caller's group, or
// of the group_id asked for. Field definitions are not secret (landing
// pages show them), so any signed-in account may read any group's.
func (s *Server) handleCustomFieldsList(w http.ResponseWriter, r *http.Request) {
	group := int64(-1)
	if v := r.URL.Query().Get("group_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			s.fail(w, r, app.Errorf(app.EINVALID, "group_id must be a positive integer"))
			return
		}
		group = id
	}
	if group < 0 {
		acct, err := s.cat.Account(r.Context(), actor(r.Context()).AccountID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		group = acct.GroupID
	}
	p, err := s.cat.GroupPolicy(r.Context(), group)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]shortCustomFieldJSON, 0, len(p.Fields))
	for _, f := range p.Fields {
		out = append(out, shortCustomFieldJSON{ID: f.ID, Name: f.Name, FieldType: string(f.Type), Settings: fieldSettings(&f),
			Order: f.Order, IsMandatory: f.Mandatory})
	}
	s.writeJSON(w, http.StatusOK, out)
}

// handleGroupCustomFields lists a group's custom fields as Figshare's
// CustomArticleField, with empty values: the form a new item fills in.
func (s *Server) handleGroupCustomFields(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "group_id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.cat.GroupPolicy(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, customFieldsOf(p, nil))
}

// customFieldsOf renders an item's custom field values: every field of
// its group in order (empty when it has no value), then values of fields
// the group no longer defines, as text.
func customFieldsOf(p *app.GroupPolicy, values map[string]string) []customFieldJSON {
	out := []customFieldJSON{}
	for _, f := range p.Fields {
		out = append(out, customFieldJSON{Name: f.Name, Value: values[f.Name], FieldType: string(f.Type),
			Settings: fieldSettings(&f), Order: f.Order, IsMandatory: f.Mandatory})
	}
	for _, name := range slices.Sorted(maps.Keys(values)) {
		if p.Field(name) == nil {
			out = append(out, customFieldJSON{Name: name, Value: values[name], FieldType: string(app.FieldText),
				Settings: map[string]any{}, Order: len(out) + 1})
		}
	}
	return out
}

// articleCustomFields renders an item's custom fields with its group's
// definitions. Should the group's settings not load, the values are shown
// as text (and the failure logged) rather than failing the whole record.
func (s *Server) articleCustomFields(r *http.Request, groupID int64, values map[string]string) []customFieldJSON {
	p, err := s.cat.GroupPolicy(r.Context(), groupID)
	if err != nil {
		s.log.Error("custom fields: group settings did not load", "req", requestID(r.Context()), "group", groupID, "err", err)
		p = &app.GroupPolicy{GroupID: groupID}
	}
	return customFieldsOf(p, values)
}

// handleCustomFieldUpload replaces a dropdown field's options with the
// first column of an uploaded CSV (multipart field external_file), one
// option per row. Administrators and the administrators of the field's
// group may do it; others get 403.
func (s *Server) handleCustomFieldUpload(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "custom_field_id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := s.cat.CustomField(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !app.CanManageGroup(actor(r.Context()), f.GroupID) {
		s.fail(w, r, app.Errorf(app.EFORBIDDEN, "only an administrator of group %d may change its custom fields", f.GroupID))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
	file, _, err := r.FormFile("external_file")
	if err != nil {
		s.fail(w, r, app.Errorf(app.EINVALID, "send the options as a CSV file in the multipart/form-data field external_file"))
		return
	}
	defer file.Close()
	options, err := csvOptions(file)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.cat.SetCustomFieldOptions(r.Context(), id, options, s.who(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"code": 200, "message": "OK"})
}

// csvOptions reads the first column of every row of a CSV file.
// EUNPROCESSABLE names the line of a malformed row.
func csvOptions(in io.Reader) ([]string, error) {
	cr := csv.NewReader(in)
	cr.FieldsPerRecord = -1
	var out []string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, app.Errorf(app.EUNPROCESSABLE, "the CSV file is malformed at line %d: %v", pe.Line, pe.Err)
			}
			return nil, app.Errorf(app.EINVALID, "the CSV file could not be read")
		}
		if len(rec) > 0 && strings.TrimSpace(rec[0]) != "" {
			out = append(out, rec[0])
		}
	}
}

// checkEmbargoPolicy holds an embargo set by a depositor to the options of
// the item's group; the group's administrators may set any embargo.
func (s *Server) checkEmbargoPolicy(r *http.Request, it *app.Item, e app.Embargo) error {
	if app.CanManageGroup(actor(r.Context()), it.GroupID) {
		return nil
	}
	p, err := s.cat.GroupPolicy(r.Context(), it.GroupID)
	if err != nil {
		return err
	}
	return p.Embargo.Check(e, time.Now())
}
