package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"carrel/app"
)

// GroupSettingsCatalog is what the group pages need to change a group's
// item types, custom fields and embargo options; each change is audited
// as done by who.
type GroupSettingsCatalog interface {
	// GroupPolicy is a group's settings, own or inherited; ENOTFOUND for a
	// missing group.
	GroupPolicy(ctx context.Context, groupID int64) (*app.GroupPolicy, error)
	CustomFields(ctx context.Context, groupID int64) ([]app.CustomField, error)
	CustomField(ctx context.Context, id int64) (*app.CustomField, error)
	CreateCustomField(ctx context.Context, f *app.CustomField, who app.AuditEntry) error
	UpdateCustomField(ctx context.Context, f *app.CustomField, who app.AuditEntry) error
	MoveCustomField(ctx context.Context, id int64, delta int, who app.AuditEntry) error
	DeleteCustomField(ctx context.Context, id int64, who app.AuditEntry) error
	SetGroupItemTypes(ctx context.Context, groupID int64, types []int, who app.AuditEntry) error
	SetGroupEmbargoPolicy(ctx context.Context, groupID int64, e *app.EmbargoPolicy, who app.AuditEntry) error
}

func (s *Server) groupSettingsRoutes() {
	m := s.mux
	m.HandleFunc("POST /admin/groups/{id}/types", s.admin(s.handleAdminGroupTypes))
	m.HandleFunc("POST /admin/groups/{id}/embargo", s.admin(s.handleAdminGroupEmbargo))
	m.HandleFunc("POST /admin/groups/{id}/fields", s.admin(s.handleAdminFieldSave))
	m.HandleFunc("POST /admin/groups/{id}/fields/{fid}", s.admin(s.handleAdminFieldSave))
	m.HandleFunc("POST /admin/groups/{id}/fields/{fid}/move", s.admin(s.handleAdminFieldMove))
	m.HandleFunc("POST /admin/groups/{id}/fields/{fid}/delete", s.admin(s.handleAdminFieldDelete))
}

// groupSettings is the settings part of a group's page.
type groupSettings struct {
	Policy      *app.GroupPolicy
	OwnFields   []app.CustomField
	Inherited   string // the name of the group the fields come from, if not this one
	TypesFrom   string // likewise for the item types
	EmbargoFrom string // likewise for the embargo options
	Types       []typeChoice
	OwnTypes    bool
	Periods     []periodChoice
	OwnEmbargo  bool
	AnyDate     bool
	FieldTypes  []app.FieldType
	NewField    fieldForm // the add-a-field form as typed
}

type typeChoice struct {
	ID      int
	Name    string
	Allowed bool
}

type periodChoice struct {
	Months  int
	Label   string
	Offered bool
}

// fieldForm is a custom field's form as typed.
type fieldForm struct {
	Name, Type, Options string
	Mandatory           bool
}

// fillGroupSettings adds the settings of p.Group to its page.
func (s *Server) fillGroupSettings(r *http.Request, p *groupsPage) error {
	id := p.Group.ID
	policy, err := s.cat.GroupPolicy(r.Context(), id)
	if err != nil {
		return err
	}
	own, err := s.cat.CustomFields(r.Context(), id)
	if err != nil {
		return err
	}
	types, err := s.cat.ItemTypes(r.Context())
	if err != nil {
		return err
	}
	name := func(gid int64) string {
		if gid == id || gid == 0 {
			return ""
		}
		for _, g := range p.Groups {
			if g.ID == gid {
				return g.Name
			}
		}
		return strconv.FormatInt(gid, 10)
	}
	gs := &p.Settings
	gs.Policy, gs.OwnFields, gs.FieldTypes = policy, own, app.FieldTypes()
	gs.Inherited, gs.TypesFrom, gs.EmbargoFrom = name(policy.FieldsFrom), name(policy.TypesFrom), name(policy.EmbargoFrom)
	gs.OwnTypes, gs.OwnEmbargo = policy.TypesFrom == id, policy.EmbargoFrom == id
	gs.AnyDate = policy.Embargo.Periods == nil
	for _, t := range types {
		if t.Selectable {
			gs.Types = append(gs.Types, typeChoice{ID: t.ID, Name: t.Name, Allowed: policy.ItemTypes != nil && policy.AllowsType(t.ID)})
		}
	}
	for _, m := range app.EmbargoPeriodChoices() {
		gs.Periods = append(gs.Periods, periodChoice{Months: m, Label: app.PeriodLabel(m), Offered: slices.Contains(policy.Embargo.Periods, m)})
	}
	if gs.NewField.Type == "" {
		gs.NewField.Type = string(app.FieldText)
	}
	return nil
}

// groupID reads the {id} of a group page's address; ENOTFOUND if it is
// not a group's.
func (s *Server) groupID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, app.Errorf(app.ENOTFOUND, "There is no page at this address.")
	}
	if _, err := s.cat.Group(r.Context(), id); err != nil {
		return 0, err
	}
	return id, nil
}

// settingDone sends the browser back to the group's page, or shows the
// page again with what was refused (and, for a new field, the form as
// typed).
func (s *Server) settingDone(w http.ResponseWriter, r *http.Request, id int64, err error, typed *fieldForm) {
	if err == nil {
		http.Redirect(w, r, "/admin/groups/"+strconv.FormatInt(id, 10)+"?saved=1", http.StatusSeeOther)
		return
	}
	code := app.ErrorCode(err)
	if code == app.EINTERNAL || code == app.ENOTFOUND {
		s.fail(w, r, err)
		return
	}
	s.renderGroups(w, r, statusOf[code], id, groupForm{}, app.ErrorMessage(err), func(p *groupsPage) {
		if typed != nil {
			p.Settings.NewField = *typed
		}
	})
}

func (s *Server) handleAdminGroupTypes(w http.ResponseWriter, r *http.Request) {
	id, err := s.groupID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	var types []int
	switch r.PostFormValue("mode") {
	case "inherit":
	case "own":
		var ok bool
		if types, ok = formInts(r.PostForm["type"]); !ok {
			s.settingDone(w, r, id, app.Errorf(app.EUNPROCESSABLE, "Choose item types from the list."), nil)
			return
		}
	default:
		s.settingDone(w, r, id, app.Errorf(app.EINVALID, "Choose to inherit the item types or to allow only some."), nil)
		return
	}
	s.settingDone(w, r, id, s.cat.SetGroupItemTypes(r.Context(), id, types, s.who(r)), nil)
}

func (s *Server) handleAdminGroupEmbargo(w http.ResponseWriter, r *http.Request) {
	id, err := s.groupID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	var policy *app.EmbargoPolicy
	switch r.PostFormValue("mode") {
	case "inherit":
	case "any":
		policy = &app.EmbargoPolicy{ReasonRequired: r.PostFormValue("reason_required") == "on"}
	case "periods":
		periods, ok := formInts(r.PostForm["period"])
		if !ok {
			s.settingDone(w, r, id, app.Errorf(app.EUNPROCESSABLE, "Choose embargo periods from the list."), nil)
			return
		}
		policy = &app.EmbargoPolicy{Periods: periods, ReasonRequired: r.PostFormValue("reason_required") == "on"}
	default:
		s.settingDone(w, r, id, app.Errorf(app.EINVALID, "Choose how embargo periods are offered."), nil)
		return
	}
	s.settingDone(w, r, id, s.cat.SetGroupEmbargoPolicy(r.Context(), id, policy, s.who(r)), nil)
}

// handleAdminFieldSave adds a custom field (POST .../fields) or changes
// one (POST .../fields/{fid}).
func (s *Server) handleAdminFieldSave(w http.ResponseWriter, r *http.Request) {
	id, err := s.groupID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 256<<10)
	typed := fieldForm{Name: r.PostFormValue("name"), Type: r.PostFormValue("type"), Options: r.PostFormValue("options"),
		Mandatory: r.PostFormValue("mandatory") == "on"}
	f := &app.CustomField{GroupID: id, Name: typed.Name, Type: app.FieldType(typed.Type), Mandatory: typed.Mandatory}
	for line := range strings.SplitSeq(typed.Options, "\n") {
		f.Options = append(f.Options, line)
	}
	if r.PathValue("fid") == "" {
		s.settingDone(w, r, id, s.cat.CreateCustomField(r.Context(), f, s.who(r)), &typed)
		return
	}
	if f.ID, err = s.fieldOf(r, id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.settingDone(w, r, id, s.cat.UpdateCustomField(r.Context(), f, s.who(r)), nil)
}

// fieldOf reads the {fid} of the address: a field of group id, or
// ENOTFOUND.
func (s *Server) fieldOf(r *http.Request, groupID int64) (int64, error) {
	fid, err := strconv.ParseInt(r.PathValue("fid"), 10, 64)
	if err == nil && fid > 0 {
		f, err := s.cat.CustomField(r.Context(), fid)
		if err == nil && f.GroupID == groupID {
			return fid, nil
		}
	}
	return 0, app.Errorf(app.ENOTFOUND, "There is no page at this address.")
}

func (s *Server) handleAdminFieldMove(w http.ResponseWriter, r *http.Request) {
	id, err := s.groupID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fid, err := s.fieldOf(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	delta := 1
	switch r.PostFormValue("direction") {
	case "up":
		delta = -1
	case "down":
	default:
		s.settingDone(w, r, id, app.Errorf(app.EINVALID, "Choose to move the field up or down."), nil)
		return
	}
	s.settingDone(w, r, id, s.cat.MoveCustomField(r.Context(), fid, delta, s.who(r)), nil)
}

func (s *Server) handleAdminFieldDelete(w http.ResponseWriter, r *http.Request) {
	id, err := s.groupID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fid, err := s.fieldOf(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.settingDone(w, r, id, s.cat.DeleteCustomField(r.Context(), fid, s.who(r)), nil)
}

// formInts parses the values of a multi-choice form field; ok is false if
// any is not a number. No value gives an empty, non-nil list: a choice of
// nothing, not "inherit".
func formInts(values []string) (ns []int, ok bool) {
	ns = []int{}
	for _, v := range values {
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, false
		}
		ns = append(ns, n)
	}
	return ns, true
}
