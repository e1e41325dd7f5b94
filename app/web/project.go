package web

import (
	"context"
	"html/template"
	"net/http"

	"carrel/app"
)

// ProjectCatalog is what the project pages need of the catalog.
type ProjectCatalog interface {
	Project(ctx context.Context, id int64) (*app.Project, error)
	ProjectItems(ctx context.Context, projectID int64) ([]int64, error)
}

// projectPage is the data of a project's page.
type projectPage struct {
	Project     *app.Project
	Owner       string
	Private     bool // shown to a member before it is published
	Role        string
	Items       []memberRow
	Description template.HTML
}

func (s *Server) handleProject(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.cat.Project(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a := actor(ctx)
	if !app.CanSeeProject(a, p) && !app.CanSeeProjectPrivate(a, p) {
		s.fail(w, r, app.Errorf(app.ENOTFOUND, "project %d not found", id))
		return
	}
	if r.PathValue("slug") != app.Slug(p.Meta.Title) {
		http.Redirect(w, r, app.ProjectPath(p.Meta.Title, p.ID), http.StatusMovedPermanently)
		return
	}
	page := &projectPage{Project: p, Private: !p.IsPublic(), Role: app.ProjectRole(a, p), Description: s.description(p.Meta.Description)}
	if owner, err := s.cat.Account(ctx, p.AccountID); err == nil {
		page.Owner = owner.FullName()
	} else if app.ErrorCode(err) != app.ENOTFOUND {
		s.fail(w, r, err)
		return
	}
	ids, err := s.cat.ProjectItems(ctx, p.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, iid := range ids {
		it, err := s.cat.Item(ctx, iid)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		// Members see the project's drafts only in their workspace; this
		// page lists what the public may see, plus the viewer's own drafts.
		row, ok, err := s.memberRow(ctx, a, it, true)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if ok {
			page.Items = append(page.Items, row)
		}
	}
	meta := []metaTag{{"robots", "noindex"}}
	if p.IsPublic() {
		meta = []metaTag{{"citation_title", p.Meta.Title}}
	}
	s.render(w, r, http.StatusOK, "project", view{Title: p.Meta.Title, Meta: meta, Canonical: s.baseURL(r) + app.ProjectPath(p.Meta.Title, p.ID), Page: page})
}
