package web

import (
	"net/http"
	"strconv"
	"strings"

	"carrel/app"
)

// groupsPage is the data of /admin/groups and /admin/groups/{id}.
type groupsPage struct {
	Groups []app.GroupUsage
	Group  *app.GroupUsage // the group being edited, on its page
	Form   groupForm
	Saved  bool
	Error  string
	// Settings are the group's item types, custom fields and embargo
	// options, on its page.
	Settings groupSettings
}

// groupForm is what the create and edit forms hold.
type groupForm struct {
	Name, ResourceID, Quota string
	ParentID                int64
}

func (s *Server) handleAdminGroups(w http.ResponseWriter, r *http.Request) {
	s.renderGroups(w, r, http.StatusOK, 0, groupForm{}, "")
}

// renderGroups shows the group tree (id 0) or one group's page, with the
// form as typed and why it was refused, if it was; extra adjusts the page
// before it is shown.
func (s *Server) renderGroups(w http.ResponseWriter, r *http.Request, status int, id int64, form groupForm, problem string, extra ...func(*groupsPage)) {
	list, err := s.cat.GroupUsages(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := groupsPage{Groups: list, Form: form, Error: problem, Saved: r.Method == http.MethodGet && r.URL.Query().Get("saved") != ""}
	title := "Groups"
	if id != 0 {
		for i := range list {
			if list[i].ID == id {
				p.Group = &list[i]
			}
		}
		if p.Group == nil {
			s.fail(w, r, app.Errorf(app.ENOTFOUND, "There is no page at this address."))
			return
		}
		title = p.Group.Name
		if problem == "" {
			g := p.Group
			p.Form = groupForm{Name: g.Name, ResourceID: g.ResourceID, ParentID: g.ParentID}
			if g.Quota > 0 {
				p.Form.Quota = strconv.FormatInt(g.Quota, 10)
			}
		}
		for _, fn := range extra {
			fn(&p)
		}
		if err := s.fillGroupSettings(r, &p); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, status, "admin_groups", view{Title: title, Page: p})
}

func (s *Server) handleAdminGroup(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(w, r, app.Errorf(app.ENOTFOUND, "There is no page at this address."))
		return
	}
	s.renderGroups(w, r, http.StatusOK, id, groupForm{}, "")
}

// handleAdminGroupSave creates a group (POST /admin/groups) or changes
// one (POST /admin/groups/{id}).
func (s *Server) handleAdminGroupSave(w http.ResponseWriter, r *http.Request) {
	var id int64
	if v := r.PathValue("id"); v != "" {
		var err error
		if id, err = strconv.ParseInt(v, 10, 64); err != nil || id <= 0 {
			s.fail(w, r, app.Errorf(app.ENOTFOUND, "There is no page at this address."))
			return
		}
		if _, err := s.cat.Group(r.Context(), id); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	form := groupForm{Name: r.PostFormValue("name"), ResourceID: strings.TrimSpace(r.PostFormValue("resource_id")),
		Quota: strings.TrimSpace(r.PostFormValue("quota"))}
	g := &app.Group{ID: id, Name: form.Name, ResourceID: form.ResourceID}
	err := func() error {
		var err error
		if g.ParentID, err = formInt(r.PostFormValue("parent"), "parent group"); err != nil {
			return err
		}
		form.ParentID = g.ParentID
		if g.Quota, err = parseBytes(form.Quota); err != nil {
			return err
		}
		if id == 0 {
			return s.cat.CreateGroup(r.Context(), g, s.who(r))
		}
		return s.cat.UpdateGroup(r.Context(), g, s.who(r))
	}()
	if err != nil {
		if app.ErrorCode(err) == app.EINTERNAL {
			s.fail(w, r, err)
			return
		}
		s.renderGroups(w, r, statusOf[app.ErrorCode(err)], id, form, app.ErrorMessage(err))
		return
	}
	http.Redirect(w, r, "/admin/groups/"+strconv.FormatInt(g.ID, 10)+"?saved=1", http.StatusSeeOther)
}

// handleAdminGroupReview switches review before publication on or off.
func (s *Server) handleAdminGroupReview(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(w, r, app.Errorf(app.ENOTFOUND, "There is no page at this address."))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	var on bool
	switch r.PostFormValue("review") {
	case "on":
		on = true
	case "off":
	default:
		s.renderGroups(w, r, http.StatusBadRequest, id, groupForm{}, "Choose to switch review on or off.")
		return
	}
	if err := s.cat.SetGroupReview(r.Context(), id, on, s.who(r)); err != nil {
		if app.ErrorCode(err) == app.EINVALID {
			err = app.Errorf(app.ENOTFOUND, "There is no page at this address.")
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/groups/"+strconv.FormatInt(id, 10)+"?saved=1", http.StatusSeeOther)
}
