package api

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"carrel/app"
)

// ProjectCatalog is what the project endpoints need of the catalog.
type ProjectCatalog interface {
	CreateProject(ctx context.Context, accountID, groupID int64, md app.ProjectMetadata) (*app.Project, error)
	Project(ctx context.Context, id int64) (*app.Project, error)
	UpdateProject(ctx context.Context, id int64, md app.ProjectMetadata) error
	DeleteProject(ctx context.Context, id int64) error
	PublishProject(ctx context.Context, id int64) error
	ListProjects(ctx context.Context, f app.ProjectFilter) ([]app.Project, error)
	SetProjectMember(ctx context.Context, projectID, accountID int64, role string) error
	RemoveProjectMember(ctx context.Context, projectID, accountID int64) error
	AccountByEmail(ctx context.Context, email string) (*app.Account, error)

	CreateProjectItem(ctx context.Context, projectID, accountID, groupID int64, md app.Metadata) (*app.Item, error)
	ProjectItems(ctx context.Context, projectID int64) ([]int64, error)
	RemoveProjectItem(ctx context.Context, projectID, itemID int64) error
	ProjectUsage(ctx context.Context, projectID int64) (used, public int64, err error)

	CreateProjectNote(ctx context.Context, projectID, accountID int64, text string) (*app.ProjectNote, error)
	ProjectNote(ctx context.Context, projectID, id int64) (*app.ProjectNote, error)
	ProjectNotes(ctx context.Context, projectID int64, offset, limit int) ([]app.ProjectNote, error)
	UpdateProjectNote(ctx context.Context, projectID, id int64, text string) error
	DeleteProjectNote(ctx context.Context, projectID, id int64) error
}

func (s *Server) projectRoutes() {
	s.handle("GET /v2/projects", s.handlePublicProjects)
	s.handle("POST /v2/projects/search", s.handlePublicProjectSearch)
	s.handle("GET /v2/projects/{id}", s.handlePublicProject)
	s.handle("GET /v2/projects/{id}/articles", s.handlePublicProjectArticles)

	s.handle("GET /v2/account/projects", s.authed(s.handleOwnProjects))
	s.handle("POST /v2/account/projects", s.authed(s.handleProjectCreate))
	s.handle("POST /v2/account/projects/search", s.authed(s.handleOwnProjectSearch))
	s.handle("GET /v2/account/projects/{id}", s.authed(s.handleOwnProject))
	s.handle("PUT /v2/account/projects/{id}", s.authed(s.handleProjectUpdate))
	s.handle("PATCH /v2/account/projects/{id}", s.authed(s.handleProjectUpdate))
	s.handle("DELETE /v2/account/projects/{id}", s.authed(s.handleProjectDelete))
	s.handle("POST /v2/account/projects/{id}/publish", s.authed(s.handleProjectPublish))
	s.handle("POST /v2/account/projects/{id}/leave", s.authed(s.handleProjectLeave))
	s.handle("GET /v2/account/projects/{id}/collaborators", s.authed(s.handleCollaborators))
	s.handle("POST /v2/account/projects/{id}/collaborators", s.authed(s.handleCollaboratorInvite))
	s.handle("DELETE /v2/account/projects/{id}/collaborators/{uid}", s.authed(s.handleCollaboratorRemove))
	s.handle("GET /v2/account/projects/{id}/notes", s.authed(s.handleNotes))
	s.handle("POST /v2/account/projects/{id}/notes", s.authed(s.handleNoteCreate))
	s.handle("GET /v2/account/projects/{id}/notes/{nid}", s.authed(s.handleNote))
	s.handle("PUT /v2/account/projects/{id}/notes/{nid}", s.authed(s.handleNoteUpdate))
	s.handle("DELETE /v2/account/projects/{id}/notes/{nid}", s.authed(s.handleNoteDelete))
	s.handle("GET /v2/account/projects/{id}/articles", s.authed(s.handleProjectArticles))
	s.handle("POST /v2/account/projects/{id}/articles", s.authed(s.handleProjectArticleCreate))
	s.handle("GET /v2/account/projects/{id}/articles/{aid}", s.authed(s.handleProjectArticle))
	s.handle("DELETE /v2/account/projects/{id}/articles/{aid}", s.authed(s.handleProjectArticleRemove))
	s.handle("GET /v2/account/projects/{id}/articles/{aid}/files", s.authed(s.handleProjectArticleFiles))
	s.handle("GET /v2/account/projects/{id}/articles/{aid}/files/{fid}", s.authed(s.handleProjectArticleFile))
}

// project loads the project a request names if allowed says the caller
// may act on it; otherwise it does not exist for the caller.
func (s *Server) project(r *http.Request, allowed func(app.Actor, *app.Project) bool) (*app.Project, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	p, err := s.cat.Project(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !allowed(actor(r.Context()), p) {
		if app.CanSeeProjectPrivate(actor(r.Context()), p) {
			return nil, app.Errorf(app.EFORBIDDEN, "your role in project %d does not allow this", id)
		}
		return nil, app.Errorf(app.ENOTFOUND, "project %d not found", id)
	}
	return p, nil
}

// projectJSON is Figshare's Project; the private listing adds role and
// storage (ProjectPrivate).
type projectJSON struct {
	URL           string  `json:"url"`
	ID            int64   `json:"id"`
	Title         string  `json:"title"`
	CreatedDate   string  `json:"created_date"`
	ModifiedDate  string  `json:"modified_date"`
	PublishedDate *string `json:"published_date"`
	Role          string  `json:"role,omitempty"`
	Storage       string  `json:"storage,omitempty"`
}

// projectComplete is Figshare's ProjectComplete; the members' view
// (ProjectCompletePrivate) fills the pointer fields.
type projectComplete struct {
	projectJSON
	Description      string            `json:"description"`
	Funding          string            `json:"funding"`
	FundingList      []fundingJSON     `json:"funding_list"`
	Collaborators    []collaborator    `json:"collaborators"`
	CustomFields     []customFieldJSON `json:"custom_fields"`
	FigshareURL      string            `json:"figshare_url"`
	AccountID        *int64            `json:"account_id,omitempty"`
	GroupID          *int64            `json:"group_id,omitempty"`
	Quota            *int64            `json:"quota,omitempty"`
	UsedQuota        *int64            `json:"used_quota,omitempty"`
	UsedQuotaPrivate *int64            `json:"used_quota_private,omitempty"`
	UsedQuotaPublic  *int64            `json:"used_quota_public,omitempty"`
}

// collaborator is Figshare's ProjectCollaborator (and Collaborator).
type collaborator struct {
	UserID   int64  `json:"user_id"`
	Name     string `json:"name"`
	RoleName string `json:"role_name"`
	Status   string `json:"status,omitempty"`
}

var roleNames = map[string]string{app.ProjectOwner: "Owner", app.ProjectCollaborator: "Collaborator", app.ProjectViewer: "Viewer"}

func (s *Server) shortProject(r *http.Request, p *app.Project, role string) projectJSON {
	j := projectJSON{URL: fmt.Sprintf("%s/v2/projects/%d", s.base(r), p.ID), ID: p.ID, Title: p.Meta.Title,
		CreatedDate: stamp(p.Created), ModifiedDate: stamp(p.Modified)}
	if role != "" {
		j.URL = fmt.Sprintf("%s/v2/account/projects/%d", s.base(r), p.ID)
		j.Role, j.Storage = roleNames[role], "individual"
	}
	if p.IsPublic() {
		d := stamp(p.Published)
		j.PublishedDate = &d
	}
	return j
}

// completeProject renders a project; role is the caller's role, "" for
// the public view.
func (s *Server) completeProject(r *http.Request, p *app.Project, role string) (projectComplete, error) {
	j := projectComplete{projectJSON: s.shortProject(r, p, role), Description: p.Meta.Description, Funding: p.Meta.Funding,
		FundingList: fundingOf(p.Meta.FundingList), FigshareURL: s.base(r) + app.ProjectPath(p.Meta.Title, p.ID)}
	owner, err := s.cat.Account(r.Context(), p.AccountID)
	if err != nil {
		return j, err
	}
	j.Collaborators = []collaborator{{UserID: owner.ID, Name: owner.FullName(), RoleName: "Owner", Status: "accepted"}}
	for _, m := range p.Members {
		j.Collaborators = append(j.Collaborators, collaborator{UserID: m.AccountID, Name: m.Name, RoleName: roleNames[m.Role], Status: "accepted"})
	}
	j.CustomFields = []customFieldJSON{}
	for i, name := range slices.Sorted(maps.Keys(p.Meta.CustomFields)) {
		j.CustomFields = append(j.CustomFields, customFieldJSON{Name: name, Value: p.Meta.CustomFields[name], FieldType: "text",
			Settings: map[string]any{}, Order: i + 1})
	}
	if role != "" {
		used, public, err := s.cat.ProjectUsage(r.Context(), p.ID)
		if err != nil {
			return j, err
		}
		private, quota := used-public, int64(0)
		j.AccountID, j.GroupID, j.Quota = &p.AccountID, &p.GroupID, &quota
		j.UsedQuota, j.UsedQuotaPublic, j.UsedQuotaPrivate = &used, &public, &private
	}
	return j, nil
}

// projectInput is Figshare's ProjectCreate/ProjectUpdate.
type projectInput struct {
	Title            *string             `json:"title"`
	Description      *string             `json:"description"`
	Funding          *string             `json:"funding"`
	FundingList      *[]app.Funding      `json:"funding_list"`
	GroupID          *int64              `json:"group_id"`
	CustomFields     *map[string]any     `json:"custom_fields"`
	CustomFieldsList *[]customFieldInput `json:"custom_fields_list"`
	Fields           map[string]any      `json:"fields"`
}

func (in *projectInput) apply(md *app.ProjectMetadata) error {
	if len(in.Fields) > 0 {
		return app.Errorf(app.EUNPROCESSABLE, "fields: item-type based metadata is not enabled in this repository; send the fields at the top level")
	}
	if in.Title != nil {
		md.Title = strings.TrimSpace(*in.Title)
	}
	if in.Description != nil {
		md.Description = *in.Description
	}
	if in.Funding != nil {
		md.Funding = strings.TrimSpace(*in.Funding)
	}
	if in.FundingList != nil {
		md.FundingList = *in.FundingList
	}
	if in.CustomFields != nil || in.CustomFieldsList != nil {
		md.CustomFields = map[string]string{}
		for k, v := range deref(in.CustomFields) {
			md.CustomFields[k] = customValue(v)
		}
		for _, f := range deref(in.CustomFieldsList) {
			md.CustomFields[f.Name] = customValue(f.Value)
		}
	}
	return md.Validate()
}
