package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"carrel/app"
)

func (s *Server) handleAccountCreate(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Email             string `json:"email"`
		FirstName         string `json:"first_name"`
		LastName          string `json:"last_name"`
		GroupID           int64  `json:"group_id"`
		InstitutionUserID string `json:"institution_user_id"`
		SymplecticUserID  string `json:"symplectic_user_id"`
		Quota             int64  `json:"quota"`
		IsActive          *bool  `json:"is_active"`
	}
	if err := s.decode(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if !app.CanManageGroup(actor(r.Context()), in.GroupID) {
		s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "group_id %d is not a group you manage", in.GroupID))
		return
	}
	if in.Quota < 0 {
		s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "quota must not be negative"))
		return
	}
	a := &app.Account{Email: in.Email, FirstName: in.FirstName, LastName: in.LastName, Quota: in.Quota, GroupID: in.GroupID}
	if err := s.cat.CreateAccount(r.Context(), a, ""); err != nil {
		if app.ErrorCode(err) == app.EINVALID {
			err = app.Errorf(app.EUNPROCESSABLE, "%s", app.ErrorMessage(err))
		}
		s.fail(w, r, err)
		return
	}
	e := s.who(r)
	e.Action, e.Target, e.Detail = "account.create", fmt.Sprintf("account:%d", a.ID), fmt.Sprintf("email=%s group=%d", a.Email, a.GroupID)
	if err := s.cat.Audit(r.Context(), &e); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.IsActive != nil && !*in.IsActive {
		if err := s.cat.UpdateAccountAccess(r.Context(), a.ID, a.GroupID, a.Quota, false, s.who(r)); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.writeJSON(w, http.StatusCreated, map[string]int64{"account_id": a.ID})
}

func (s *Server) handleAccountUpdate(w http.ResponseWriter, r *http.Request) {
	a, err := s.managedAccount(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in struct {
		GroupID  *int64 `json:"group_id"`
		IsActive *bool  `json:"is_active"`
		Quota    *int64 `json:"quota"`
	}
	if err := s.decode(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.GroupID == nil || in.IsActive == nil {
		s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "group_id and is_active are required"))
		return
	}
	if !app.CanManageGroup(actor(r.Context()), *in.GroupID) {
		s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "group_id %d is not a group you manage", *in.GroupID))
		return
	}
	if a.ID == actor(r.Context()).AccountID && !*in.IsActive {
		s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "you cannot deactivate your own account"))
		return
	}
	quota := a.Quota
	if in.Quota != nil {
		quota = *in.Quota
	}
	if *in.IsActive != a.Active {
		// (De)activation ends the account's sessions at once and is
		// audited as such.
		e := s.who(r)
		if err := s.cat.SetAccountActive(r.Context(), a.ID, *in.IsActive, &e); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if *in.GroupID != a.GroupID || quota != a.Quota {
		if err := s.cat.UpdateAccountAccess(r.Context(), a.ID, *in.GroupID, quota, *in.IsActive, s.who(r)); err != nil {
			if app.ErrorCode(err) == app.EINVALID {
				err = app.Errorf(app.EUNPROCESSABLE, "%s", app.ErrorMessage(err))
			}
			s.fail(w, r, err)
			return
		}
	}
	s.writeJSON(w, http.StatusResetContent, map[string]string{"location": fmt.Sprintf("%s/v2/account/institution/accounts/%d", s.base(r), a.ID)})
}

// handleAccountRoles answers Figshare's AccountGroupRoles: for each group
// id (0 for institution-wide), the roles the account holds there.
func (s *Server) handleAccountRoles(w http.ResponseWriter, r *http.Request) {
	a, err := s.managedAccount(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ras, err := s.cat.RoleAssignments(r.Context(), a.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := map[string][]map[string]any{}
	for _, ra := range ras {
		k := strconv.FormatInt(ra.GroupID, 10)
		out[k] = append(out[k], roleJSON(ra.Role))
	}
	s.writeJSON(w, http.StatusOK, out)
}

// handleAccountRolesAdd reads Figshare's AccountGroupRolesCreate, {"group
// id": [role ids]}, and gives each role; all are checked before any is
// given.
func (s *Server) handleAccountRolesAdd(w http.ResponseWriter, r *http.Request) {
	a, err := s.managedAccount(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in map[string][]int
	if err := s.decode(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	var want []app.RoleAssignment
	for k, ids := range in {
		gid, err := strconv.ParseInt(k, 10, 64)
		if err != nil || gid < 0 {
			s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "%q is not a group id", k))
			return
		}
		for _, id := range ids {
			ra, err := s.roleAssignment(r.Context(), a.ID, gid, id)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			want = append(want, ra)
		}
	}
	for _, ra := range want {
		if err := s.cat.AssignRole(r.Context(), ra, s.who(r)); err != nil {
			if app.ErrorCode(err) == app.EINVALID {
				err = app.Errorf(app.EUNPROCESSABLE, "%s", app.ErrorMessage(err))
			}
			s.fail(w, r, err)
			return
		}
	}
	w.WriteHeader(http.StatusCreated)
}

// roleAssignment checks that the caller may give (or take) role id on the
// group: administrators any, group administrators group-scoped roles within
// their groups; never the administrator role but by an administrator.
func (s *Server) roleAssignment(ctx context.Context, accountID, groupID int64, roleID int) (app.RoleAssignment, error) {
	role, err := app.RoleByID(roleID)
	if err != nil {
		return app.RoleAssignment{}, app.Errorf(app.EUNPROCESSABLE, "role %d does not exist", roleID)
	}
	me := actor(ctx)
	if !app.CanManageGroup(me, groupID) || (role == app.RoleAdministrator && !me.Admin) {
		return app.RoleAssignment{}, app.Errorf(app.EUNPROCESSABLE, "you may not give %s on group %d", role.Title(), groupID)
	}
	ra := app.RoleAssignment{AccountID: accountID, Role: role, GroupID: groupID}
	if err := ra.Validate(); err != nil {
		return ra, app.Errorf(app.EUNPROCESSABLE, "%s", app.ErrorMessage(err))
	}
	return ra, nil
}

func (s *Server) handleAccountRoleDelete(w http.ResponseWriter, r *http.Request) {
	a, err := s.managedAccount(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	gid, err := strconv.ParseInt(r.PathValue("gid"), 10, 64)
	if err != nil || gid < 0 {
		s.fail(w, r, app.Errorf(app.ENOTFOUND, "group %q not found", r.PathValue("gid")))
		return
	}
	rid, err := strconv.Atoi(r.PathValue("rid"))
	if err != nil {
		s.fail(w, r, app.Errorf(app.ENOTFOUND, "role %q not found", r.PathValue("rid")))
		return
	}
	ra, err := s.roleAssignment(r.Context(), a.ID, gid, rid)
	if err != nil {
		s.fail(w, r, app.Errorf(app.ENOTFOUND, "%s", app.ErrorMessage(err)))
		return
	}
	if err := s.cat.RevokeRole(r.Context(), ra, s.who(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// institutionRoutes registers the account and institution operations.
func (s *Server) institutionRoutes() {
	s.handle("GET /v2/account", s.authed(s.handleAccount))
	s.handle("GET /v2/account/institution", s.authed(s.handleInstitution))
	s.handle("GET /v2/account/institution/groups", s.authed(s.handleInstitutionGroups))
	s.handle("GET /v2/account/institution/roles", s.authed(s.handleInstitutionRoles))
	s.handle("GET /v2/account/institution/articles", s.institutionAdmin(s.handleInstitutionArticles))
	s.handle("GET /v2/account/institution/accounts", s.institutionAdmin(s.handleAccountsList))
	s.handle("POST /v2/account/institution/accounts", s.institutionAdmin(s.handleAccountCreate))
	s.handle("POST /v2/account/institution/accounts/search", s.institutionAdmin(s.handleAccountsSearch))
	s.handle("GET /v2/account/institution/accounts/{aid}", s.institutionAdmin(s.handleInstitutionAccount))
	s.handle("PUT /v2/account/institution/accounts/{aid}", s.institutionAdmin(s.handleAccountUpdate))
	s.handle("GET /v2/account/institution/users/{aid}", s.institutionAdmin(s.handleInstitutionUser))
	s.handle("GET /v2/account/institution/roles/{aid}", s.institutionAdmin(s.handleAccountRoles))
	s.handle("POST /v2/account/institution/roles/{aid}", s.institutionAdmin(s.handleAccountRolesAdd))
	s.handle("DELETE /v2/account/institution/roles/{aid}/{gid}/{rid}", s.institutionAdmin(s.handleAccountRoleDelete))
}

// impersonate makes the request act as the account named by the
// impersonate query parameter, as Figshare lets institution administrators
// do: administrators for any account but another administrator's, group
// administrators for the accounts of their groups. Anyone else, or an
// account out of reach, gets 404. Every impersonated request is audited
// with both account ids.
func (s *Server) impersonate(r *http.Request, a app.Actor) (app.Actor, error) {
	id, err := strconv.ParseInt(r.URL.Query().Get("impersonate"), 10, 64)
	if err != nil || id <= 0 {
		return app.Actor{}, app.Errorf(app.EUNPROCESSABLE, "impersonate must be an account id")
	}
	notFound := app.Errorf(app.ENOTFOUND, "account %d not found", id)
	if a.Anonymous() {
		return app.Actor{}, app.Errorf(app.EUNAUTHORIZED, "authentication required to impersonate")
	}
	target, err := s.cat.Account(r.Context(), id)
	if app.ErrorCode(err) == app.ENOTFOUND {
		return app.Actor{}, notFound
	} else if err != nil {
		return app.Actor{}, err
	}
	as, err := s.cat.Actor(r.Context(), target)
	if err != nil {
		return app.Actor{}, err
	}
	// The administrator role may come from a role assignment rather than
	// the account's flag; either way the account is an administrator's.
	t := *target
	t.Admin = as.Admin
	if !app.CanImpersonate(a, &t, t.GroupID) {
		return app.Actor{}, notFound
	}
	as.Impersonator = a.AccountID
	e := app.AuditEntry{ActorID: a.AccountID, OnBehalf: target.ID, Action: "account.impersonate",
		Target: fmt.Sprintf("account:%d", target.ID), Address: s.clientAddress(r), Detail: r.Method + " " + r.URL.Path}
	if err := s.cat.Audit(r.Context(), &e); err != nil {
		return app.Actor{}, err
	}
	return as, nil
}
