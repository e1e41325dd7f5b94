package api

import (
	"context"
	"net/http"
	"strings"

	"carrel/app"
)

// InstitutionCatalog is what the institution and account operations need.
type InstitutionCatalog interface {
	CreateAccount(ctx context.Context, a *app.Account, passwordHash string) error
	AccountByEmail(ctx context.Context, email string) (*app.Account, error)
	AccountUsage(ctx context.Context, accountID int64) (total, public int64, err error)
	// QuotaRequests lists an account's requests for more storage (made
	// on the web pages; Figshare's API has no endpoint for them).
	QuotaRequests(ctx context.Context, f app.QuotaRequestFilter) ([]app.QuotaRequest, error)
	ListAccounts(ctx context.Context, f app.AccountFilter) ([]app.Account, error)
	UpdateAccountAccess(ctx context.Context, id, groupID, quota int64, active bool, who app.AuditEntry) error
	Groups(ctx context.Context) ([]app.Group, error)
	RoleAssignments(ctx context.Context, accountID int64) ([]app.RoleAssignment, error)
	AssignRole(ctx context.Context, ra app.RoleAssignment, who app.AuditEntry) error
	RevokeRole(ctx context.Context, ra app.RoleAssignment, who app.AuditEntry) error
	Audit(ctx context.Context, e *app.AuditEntry) error
}

// institutionID is the one institution a Carrel serves.
const institutionID = 1

// accountJSON is Figshare's Account (and, trimmed, its ShortAccount).
type accountJSON struct {
	ID                  int64   `json:"id"`
	FirstName           string  `json:"first_name"`
	LastName            string  `json:"last_name"`
	Email               string  `json:"email"`
	Active              int     `json:"active"`
	InstitutionID       int64   `json:"institution_id"`
	InstitutionUserID   string  `json:"institution_user_id"`
	Quota               int64   `json:"quota"`
	UsedQuota           int64   `json:"used_quota"`
	UserID              int64   `json:"user_id"`
	ORCID               string  `json:"orcid_id"`
	SymplecticUserID    string  `json:"symplectic_user_id"`
	UsedQuotaPrivate    *int64  `json:"used_quota_private,omitempty"`
	UsedQuotaPublic     *int64  `json:"used_quota_public,omitempty"`
	GroupID             *int64  `json:"group_id,omitempty"`
	CreatedDate         *string `json:"created_date,omitempty"`
	ModifiedDate        *string `json:"modified_date,omitempty"`
	PendingQuotaRequest *bool   `json:"pending_quota_request,omitempty"`
	MaximumFileSize     *int64  `json:"maximum_file_size,omitempty"`
}

// accountOf renders an account; full adds the fields of Figshare's
// Account beyond its ShortAccount.
func (s *Server) accountOf(ctx context.Context, a *app.Account, full bool) (accountJSON, error) {
	total, public, err := s.cat.AccountUsage(ctx, a.ID)
	if err != nil {
		return accountJSON{}, err
	}
	quota := a.Quota
	if quota == 0 {
		quota = s.cfg.DefaultQuota
	}
	j := accountJSON{ID: a.ID, FirstName: a.FirstName, LastName: a.LastName, Email: a.Email, InstitutionID: institutionID,
		Quota: quota, UsedQuota: total, UserID: a.ID, ORCID: a.ORCID}
	if a.Active {
		j.Active = 1
	}
	if full {
		waiting, err := s.cat.QuotaRequests(ctx, app.QuotaRequestFilter{AccountID: a.ID, Status: app.QuotaPending, Limit: 1})
		if err != nil {
			return accountJSON{}, err
		}
		private, created, pending, max, group := total-public, stamp(a.Created), len(waiting) > 0, s.cfg.MaxFileSize, a.GroupID
		j.UsedQuotaPrivate, j.UsedQuotaPublic, j.GroupID = &private, &public, &group
		j.CreatedDate, j.ModifiedDate, j.PendingQuotaRequest, j.MaximumFileSize = &created, &created, &pending, &max
	}
	return j, nil
}

func (s *Server) handleAccount(w http.ResponseWriter, r *http.Request) {
	a, err := s.cat.Account(r.Context(), actor(r.Context()).AccountID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	j, err := s.accountOf(r.Context(), a, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, j)
}

func (s *Server) handleInstitution(w http.ResponseWriter, r *http.Request) {
	name := s.cfg.Publisher
	if name == "" {
		name = "Carrel"
	}
	domain := r.Host
	if i := strings.LastIndexByte(domain, ':'); i > 0 {
		domain = domain[:i]
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"id": institutionID, "name": name, "domain": domain})
}

func (s *Server) handleInstitutionGroups(w http.ResponseWriter, r *http.Request) {
	groups, err := s.cat.Groups(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]map[string]any, 0, len(groups))
	for _, g := range groups {
		out = append(out, map[string]any{"id": g.ID, "name": g.Name, "resource_id": g.ResourceID, "parent_id": g.ParentID,
			"association_criteria": g.ResourceID, "upload_access": "All Users"})
	}
	s.writeJSON(w, http.StatusOK, out)
}

func roleJSON(r app.Role) map[string]any {
	category := "group"
	if r == app.RoleAdministrator {
		category = "institution"
	}
	return map[string]any{"id": r.RoleID(), "name": r.Title(), "category": category, "description": roleDescriptions()[r]}
}

func roleDescriptions() map[app.Role]string {
	return map[app.Role]string{
		app.RoleAdministrator: "Everything, everywhere: every item, account, group and role.",
		app.RoleGroupAdmin:    "Manages the group's items, people and roles, and those of its subgroups.",
		app.RoleReviewer:      "Reads and reviews the group's unpublished, embargoed and confidential items.",
		app.RoleReporter:      "Reads the group's reports and statistics.",
		app.RoleDepositor:     "Deposits items into the group.",
	}
}

func (s *Server) handleInstitutionRoles(w http.ResponseWriter, r *http.Request) {
	out := []map[string]any{}
	for _, role := range app.AllRoles() {
		out = append(out, roleJSON(role))
	}
	s.writeJSON(w, http.StatusOK, out)
}

// institutionAdmin lets through administrators and group administrators;
// the operation is unknown (404) to everyone else.
func (s *Server) institutionAdmin(h http.HandlerFunc) http.HandlerFunc {
	return s.authed(func(w http.ResponseWriter, r *http.Request) {
		a := actor(r.Context())
		if groups, all := a.GroupsWith(app.RoleGroupAdmin); !all && len(groups) == 0 {
			s.fail(w, r, app.Errorf(app.ENOTFOUND, "no such endpoint: %s %s", r.Method, r.URL.Path))
			return
		}
		h(w, r)
	})
}

// managedAccount loads the account in the path if the caller may manage
// it: administrators any, group administrators those of their groups.
func (s *Server) managedAccount(r *http.Request) (*app.Account, error) {
	id, err := pathID(r, "aid")
	if err != nil {
		return nil, err
	}
	a, err := s.cat.Account(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !app.CanManageGroup(actor(r.Context()), a.GroupID) {
		return nil, app.Errorf(app.ENOTFOUND, "account %d not found", id)
	}
	return a, nil
}

// accountScope limits a listing to the accounts the caller manages.
func accountScope(a app.Actor, f *app.AccountFilter) {
	if groups, all := a.GroupsWith(app.RoleGroupAdmin); !all {
		f.GroupIDs = append([]int64{}, groups...)
	}
}

func (s *Server) listAccounts(w http.ResponseWriter, r *http.Request, f app.AccountFilter) {
	accountScope(actor(r.Context()), &f)
	list, err := s.cat.ListAccounts(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]accountJSON, 0, len(list))
	for i := range list {
		j, err := s.accountOf(r.Context(), &list[i], false)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		out = append(out, j)
	}
	s.writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleAccountsList(w http.ResponseWriter, r *http.Request) {
	var f app.AccountFilter
	var err error
	if f.Offset, f.Limit, err = paging(r); err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	if v := q.Get("is_active"); v != "" {
		active := v == "1" || v == "true"
		f.Active = &active
	}
	f.Email = q.Get("email")
	if f.MinID, err = queryInt(r, "id_gte"); err != nil {
		s.fail(w, r, err)
		return
	}
	if f.MaxID, err = queryInt(r, "id_lte"); err != nil {
		s.fail(w, r, err)
		return
	}
	if q.Get("institution_user_id") != "" {
		s.writeJSON(w, http.StatusOK, []accountJSON{}) // Carrel keeps no institution user ids
		return
	}
	s.listAccounts(w, r, f)
}

func (s *Server) handleAccountsSearch(w http.ResponseWriter, r *http.Request) {
	var in struct {
		SearchFor         string `json:"search_for"`
		IsActive          *int   `json:"is_active"`
		InstitutionUserID string `json:"institution_user_id"`
		Email             string `json:"email"`
		bodyPaging
	}
	if err := s.decode(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	f := app.AccountFilter{Search: in.SearchFor, Email: in.Email}
	if in.IsActive != nil {
		active := *in.IsActive == 1
		f.Active = &active
	}
	var err error
	if f.Offset, f.Limit, err = in.window(); err != nil {
		s.fail(w, r, err)
		return
	}
	s.listAccounts(w, r, f)
}

func (s *Server) handleInstitutionAccount(w http.ResponseWriter, r *http.Request) {
	a, err := s.managedAccount(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	j, err := s.accountOf(r.Context(), a, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, j)
}

func (s *Server) handleInstitutionUser(w http.ResponseWriter, r *http.Request) {
	a, err := s.managedAccount(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"id": a.ID, "first_name": a.FirstName, "last_name": a.LastName,
		"name": a.FullName(), "is_active": a.Active, "url_name": app.Slug(a.FullName()), "is_public": true,
		"job_title": "", "orcid_id": a.ORCID})
}
