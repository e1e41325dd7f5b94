package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"carrel/app"
)

// ProjectWorkspace is what the project workspace needs of the catalog.
type ProjectWorkspace interface {
	ListProjects(ctx context.Context, f app.ProjectFilter) ([]app.Project, error)
	CreateProject(ctx context.Context, accountID, groupID int64, md app.ProjectMetadata) (*app.Project, error)
	PublishProject(ctx context.Context, id int64) error
	SetProjectMember(ctx context.Context, projectID, accountID int64, role string) error
	RemoveProjectMember(ctx context.Context, projectID, accountID int64) error
	CreateProjectItem(ctx context.Context, projectID, accountID, groupID int64, md app.Metadata) (*app.Item, error)
	CreateProjectNote(ctx context.Context, projectID, accountID int64, text string) (*app.ProjectNote, error)
	ProjectNotes(ctx context.Context, projectID int64, offset, limit int) ([]app.ProjectNote, error)
}

// myProject is one row of the project list.
type myProject struct {
	Title, Role, URL string
	Published        bool
}

// projectWorkspacePage is the members' page of a project.
type projectWorkspacePage struct {
	Project   *app.Project
	Owner     string
	Role      string
	CanEdit   bool
	CanManage bool
	Notes     []app.ProjectNote
	Items     []itemChoice
	PageURL   string
	Error     string
	Saved     bool
}

func (s *Server) handleMyProjects(w http.ResponseWriter, r *http.Request) {
	acct := account(r.Context())
	rows, err := s.cat.ListProjects(r.Context(), app.ProjectFilter{MemberID: acct.ID, Order: "modified_date", Desc: true, Limit: 500})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var out []myProject
	for i := range rows {
		p, err := s.cat.Project(r.Context(), rows[i].ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		out = append(out, myProject{Title: p.Meta.Title, Role: app.ProjectRole(actor(r.Context()), p), Published: p.IsPublic(),
			URL: fmt.Sprintf("/account/projects/%d", p.ID)})
	}
	s.render(w, r, http.StatusOK, "projects", view{Title: "My projects", Page: out})
}

func (s *Server) handleProjectCreate(w http.ResponseWriter, r *http.Request) {
	acct := account(r.Context())
	if err := s.parseSmallForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	md := app.ProjectMetadata{Title: strings.TrimSpace(r.PostForm.Get("title")), Description: r.PostForm.Get("description")}
	p, err := s.cat.CreateProject(r.Context(), acct.ID, acct.GroupID, md)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/account/projects/%d", p.ID), http.StatusSeeOther)
}

// parseSmallForm reads a short form; EINVALID if it cannot be read.
func (s *Server) parseSmallForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 256<<10)
	if err := r.ParseForm(); err != nil {
		return app.Errorf(app.EINVALID, "The form could not be read; it may be too large.")
	}
	return nil
}

// memberProject finds a project the signed-in account takes part in.
func (s *Server) memberProject(r *http.Request) (*app.Project, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	p, err := s.cat.Project(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !app.CanSeeProjectPrivate(actor(r.Context()), p) {
		return nil, app.Errorf(app.ENOTFOUND, "project %d not found", id)
	}
	return p, nil
}

func (s *Server) handleProjectWorkspace(w http.ResponseWriter, r *http.Request) {
	p, err := s.memberProject(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderProjectWorkspace(w, r, http.StatusOK, p, "")
}

func (s *Server) renderProjectWorkspace(w http.ResponseWriter, r *http.Request, status int, p *app.Project, problem string) {
	ctx := r.Context()
	a := actor(ctx)
	page := &projectWorkspacePage{Project: p, Role: app.ProjectRole(a, p), CanEdit: app.CanEditProject(a, p),
		CanManage: app.CanManageProject(a, p), PageURL: app.ProjectPath(p.Meta.Title, p.ID), Error: problem, Saved: r.URL.Query().Has("saved")}
	owner, err := s.cat.Account(ctx, p.AccountID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page.Owner = owner.FullName()
	if page.Notes, err = s.cat.ProjectNotes(ctx, p.ID, 0, 500); err != nil {
		s.fail(w, r, err)
		return
	}
	ids, err := s.cat.ProjectItems(ctx, p.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, id := range ids {
		it, err := s.cat.Item(ctx, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		page.Items = append(page.Items, itemChoice{ID: it.ID, Title: it.Draft.Title, Status: statusLabel(it), Checked: app.CanEdit(a, it)})
	}
	s.render(w, r, status, "project_workspace", view{Title: "Project: " + p.Meta.Title, Page: page})
}

// projectAction runs one change to a project that the signed-in member's
// role allows, then shows the project again; a refused change shows the
// reason on the page.
func (s *Server) projectAction(allowed func(app.Actor, *app.Project) bool, act func(r *http.Request, p *app.Project) (string, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := s.memberProject(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if !allowed(actor(r.Context()), p) {
			s.fail(w, r, app.Errorf(app.EFORBIDDEN, "Your role in this project does not allow this."))
			return
		}
		if err := s.parseSmallForm(w, r); err != nil {
			s.fail(w, r, err)
			return
		}
		next, err := act(r, p)
		switch code := app.ErrorCode(err); code {
		case "":
			http.Redirect(w, r, next, http.StatusSeeOther)
		case app.EINVALID, app.EUNPROCESSABLE, app.ECONFLICT, app.ENOTFOUND, app.EFORBIDDEN:
			s.renderProjectWorkspace(w, r, statusOf[code], p, app.ErrorMessage(err))
		default:
			s.fail(w, r, err)
		}
	}
}

func (s *Server) projectRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /account/projects", s.signedIn(s.handleMyProjects))
	m.HandleFunc("POST /account/projects", s.signedIn(s.handleProjectCreate))
	m.HandleFunc("GET /account/projects/{id}", s.signedIn(s.handleProjectWorkspace))
	back := func(p *app.Project) string { return fmt.Sprintf("/account/projects/%d?saved=1", p.ID) }
	m.HandleFunc("POST /account/projects/{id}/notes", s.signedIn(s.projectAction(app.CanEditProject, func(r *http.Request, p *app.Project) (string, error) {
		_, err := s.cat.CreateProjectNote(r.Context(), p.ID, account(r.Context()).ID, r.PostForm.Get("text"))
		return back(p), err
	})))
	m.HandleFunc("POST /account/projects/{id}/articles", s.signedIn(s.projectAction(app.CanEditProject, func(r *http.Request, p *app.Project) (string, error) {
		acct := account(r.Context())
		title := strings.TrimSpace(r.PostForm.Get("title"))
		if title == "" {
			return "", app.Errorf(app.EUNPROCESSABLE, "Enter a title for the new item.")
		}
		first, last := app.SplitName(acct.FullName())
		it, err := s.cat.CreateProjectItem(r.Context(), p.ID, acct.ID, p.GroupID, app.Metadata{Title: title,
			Authors: []app.Author{{FullName: acct.FullName(), FirstName: first, LastName: last, ORCID: acct.ORCID, AccountID: acct.ID}}})
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("/account/articles/%d", it.ID), nil
	})))
	m.HandleFunc("POST /account/projects/{id}/collaborators", s.signedIn(s.projectAction(app.CanManageProject, func(r *http.Request, p *app.Project) (string, error) {
		who, err := s.cat.AccountByEmail(r.Context(), strings.TrimSpace(r.PostForm.Get("email")))
		if app.ErrorCode(err) == app.ENOTFOUND || (err == nil && !who.Active) {
			return "", app.Errorf(app.EUNPROCESSABLE, "No account has that email; the person must sign in to this repository once first.")
		} else if err != nil {
			return "", err
		}
		return back(p), s.cat.SetProjectMember(r.Context(), p.ID, who.ID, r.PostForm.Get("role"))
	})))
	m.HandleFunc("POST /account/projects/{id}/publish", s.signedIn(s.projectAction(app.CanManageProject, func(r *http.Request, p *app.Project) (string, error) {
		return app.ProjectPath(p.Meta.Title, p.ID), s.cat.PublishProject(r.Context(), p.ID)
	})))
	m.HandleFunc("POST /account/projects/{id}/leave", s.signedIn(s.projectAction(app.CanSeeProjectPrivate, func(r *http.Request, p *app.Project) (string, error) {
		if account(r.Context()).ID == p.AccountID {
			return "", app.Errorf(app.EFORBIDDEN, "The owner cannot leave the project.")
		}
		return "/account/projects", s.cat.RemoveProjectMember(r.Context(), p.ID, account(r.Context()).ID)
	})))
}
