package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"carrel/app"
)

// personRow is an account in the people list, with its roles and group.
type personRow struct {
	app.Account
	Name  string
	Group string
	Roles []string
}

// peoplePage is the data of /admin/people.
type peoplePage struct {
	Query      string
	Rows       []personRow
	Page       int
	Prev, Next string
}

// personPage is the data of /admin/people/{id}.
type personPage struct {
	Person personRow
	Assign []app.RoleAssignment
	Groups []app.GroupUsage
	Roles  []app.Role
	Names  map[int64]string // group names by id
	Saved  bool
	Error  string
	IsSelf bool
	// ActAs says whether the administrator may act as this person, and
	// if not, why.
	ActAs   bool
	NoActAs string
}

const peoplePageSize = 50

func (s *Server) handleAdminPeople(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := peoplePage{Query: strings.TrimSpace(r.URL.Query().Get("q"))}
	var err error
	if p.Page, err = pageNumber(r); err != nil {
		s.fail(w, r, err)
		return
	}
	accounts, err := s.cat.ListAccounts(ctx, app.AccountFilter{Search: p.Query, Offset: (p.Page - 1) * peoplePageSize, Limit: peoplePageSize + 1})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	more := len(accounts) > peoplePageSize
	if more {
		accounts = accounts[:peoplePageSize]
	}
	names, err := s.groupNames(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, a := range accounts {
		row, err := s.personRow(ctx, a, names)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.Rows = append(p.Rows, row)
	}
	p.Prev, p.Next = pager(r, p.Page, more)
	s.render(w, r, http.StatusOK, "admin_people", view{Title: "People", Page: p})
}

func (s *Server) groupNames(ctx context.Context) (map[int64]string, error) {
	groups, err := s.cat.Groups(ctx)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{0: ""}
	for _, g := range groups {
		names[g.ID] = g.Name
	}
	return names, nil
}

func (s *Server) personRow(ctx context.Context, a app.Account, names map[int64]string) (personRow, error) {
	row := personRow{Account: a, Name: a.FullName(), Group: names[a.GroupID]}
	if a.Admin {
		row.Roles = append(row.Roles, "Administrator")
	}
	ras, err := s.cat.RoleAssignments(ctx, a.ID)
	if err != nil {
		return row, err
	}
	for _, ra := range ras {
		t := ra.Role.Title()
		if ra.GroupID != 0 {
			t += " of " + names[ra.GroupID]
		}
		row.Roles = append(row.Roles, t)
	}
	return row, nil
}

func (s *Server) handleAdminPerson(w http.ResponseWriter, r *http.Request) {
	s.renderPerson(w, r, http.StatusOK, "")
}

// renderPerson shows a person's page, with an error from a change that
// was refused, if any.
func (s *Server) renderPerson(w http.ResponseWriter, r *http.Request, status int, problem string) {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, app.Errorf(app.ENOTFOUND, "There is no page at this address."))
		return
	}
	a, err := s.cat.Account(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	names, err := s.groupNames(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := personPage{Names: names, Roles: app.AllRoles(), Saved: r.Method == http.MethodGet && r.URL.Query().Get("saved") != "",
		Error: problem, IsSelf: id == actor(ctx).AccountID}
	if p.Person, err = s.personRow(ctx, *a, names); err != nil {
		s.fail(w, r, err)
		return
	}
	if _, _, err := s.impersonable(ctx, actor(ctx), id); err == nil {
		p.ActAs = true
	} else if app.ErrorCode(err) == app.EINTERNAL {
		s.fail(w, r, err)
		return
	} else {
		p.NoActAs = app.ErrorMessage(err)
	}
	if p.Assign, err = s.cat.RoleAssignments(ctx, id); err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Groups, err = s.cat.GroupUsages(ctx); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "admin_person", view{Title: a.FullName(), Page: p})
}

// personID is the id of the existing account a person page is about;
// ENOTFOUND otherwise.
func (s *Server) personID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, app.Errorf(app.ENOTFOUND, "There is no page at this address.")
	}
	if _, err := s.cat.Account(r.Context(), id); err != nil {
		return 0, err
	}
	return id, nil
}

// handleAdminPersonAccess changes a person's group, quota and whether the
// account is active.
func (s *Server) handleAdminPersonAccess(w http.ResponseWriter, r *http.Request) {
	id, err := s.personID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	var to struct {
		GroupID, Quota int64
		Active         bool
	}
	if err := func() error {
		if to.GroupID, err = formInt(r.PostFormValue("group"), "group"); err != nil {
			return err
		}
		if to.Quota, err = parseBytes(r.PostFormValue("quota")); err != nil {
			return err
		}
		to.Active = r.PostFormValue("active") == "yes"
		if !to.Active && id == actor(r.Context()).AccountID {
			return app.Errorf(app.EUNPROCESSABLE, "You cannot deactivate your own account.")
		}
		return s.cat.UpdateAccountAccess(r.Context(), id, to.GroupID, to.Quota, to.Active, s.who(r))
	}(); err != nil {
		s.personProblem(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/people/"+strconv.FormatInt(id, 10)+"?saved=1", http.StatusSeeOther)
}

// handleAdminPersonRole gives or takes away a role.
func (s *Server) handleAdminPersonRole(w http.ResponseWriter, r *http.Request) {
	id, err := s.personID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := func() error {
		role, err := app.ParseRole(r.PostFormValue("role"))
		if err != nil {
			return err
		}
		ra := app.RoleAssignment{AccountID: id, Role: role}
		if ra.GroupID, err = formInt(r.PostFormValue("group"), "group"); err != nil {
			return err
		}
		switch r.PostFormValue("action") {
		case "assign":
			return s.cat.AssignRole(r.Context(), ra, s.who(r))
		case "revoke":
			if role == app.RoleAdministrator && id == actor(r.Context()).AccountID {
				return app.Errorf(app.EUNPROCESSABLE, "You cannot take away your own administrator role.")
			}
			return s.cat.RevokeRole(r.Context(), ra, s.who(r))
		}
		return app.Errorf(app.EINVALID, "Choose to assign or revoke the role.")
	}(); err != nil {
		s.personProblem(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/people/"+strconv.FormatInt(id, 10)+"?saved=1", http.StatusSeeOther)
}

// personProblem shows the person's page again with why a change was
// refused; an unknown person or an internal error is an error page.
func (s *Server) personProblem(w http.ResponseWriter, r *http.Request, err error) {
	if app.ErrorCode(err) == app.EINTERNAL {
		s.fail(w, r, err)
		return
	}
	s.renderPerson(w, r, statusOf[app.ErrorCode(err)], app.ErrorMessage(err))
}

// formInt reads a non-negative whole number from a form; empty is 0.
func formInt(v, what string) (int64, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, app.Errorf(app.EINVALID, "The %s must be chosen from the list.", what)
	}
	return n, nil
}

// parseBytes reads a size such as "500", "20 GB" or "1.5TB" (decimal
// units); empty is 0.
func parseBytes(v string) (int64, error) {
	v = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(v), " ", ""))
	if v == "" {
		return 0, nil
	}
	mult := int64(1)
	for _, u := range []string{"KB", "MB", "GB", "TB", "PB"} {
		if strings.HasSuffix(v, u) {
			v, mult = strings.TrimSuffix(v, u), unitBytes(u)
			break
		}
	}
	v = strings.TrimSuffix(v, "B")
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || f*float64(mult) > 1<<62 {
		return 0, app.Errorf(app.EINVALID, "A quota is a number of bytes, such as 500000000 or 20 GB.")
	}
	return int64(f * float64(mult)), nil
}

// unitBytes is how many bytes a decimal unit (KB to PB) holds; 0 for
// anything else.
func unitBytes(unit string) int64 {
	switch unit {
	case "KB":
		return 1e3
	case "MB":
		return 1e6
	case "GB":
		return 1e9
	case "TB":
		return 1e12
	case "PB":
		return 1e15
	}
	return 0
}
