package api

import (
	"fmt"
	"net/http"

	"carrel/app"
)

func (s *Server) handlePublicProjects(w http.ResponseWriter, r *http.Request) {
	f, err := publicFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pf := app.ProjectFilter{GroupID: f.GroupID, PublishedSince: f.PublishedSince,
		ModifiedSince: f.ModifiedSince, Order: f.Order, Desc: f.Desc, Offset: f.Offset, Limit: f.Limit, After: f.After}
	rows, err := s.cat.ListProjects(r.Context(), pf)
	setProjectCursor(w, pf, rows)
	s.writeProjects(w, r, rows, err, false)
}

// setProjectCursor gives a full page of a project listing its X-Cursor.
func setProjectCursor(w http.ResponseWriter, f app.ProjectFilter, rows []app.Project) {
	if len(rows) == 0 {
		return
	}
	last := rows[len(rows)-1]
	key := last.Created // the catalog's order when none is asked for
	switch f.Order {
	case "published_date":
		key = last.Published
	case "modified_date":
		key = last.Modified
	}
	setCursor(w, f.Order, f.Desc, app.ListPosition{Key: app.TimeKey(key), ID: last.ID}, len(rows), f.Limit)
}

// writeProjects answers a project listing; own listings carry the caller's
// role in each project.
func (s *Server) writeProjects(w http.ResponseWriter, r *http.Request, rows []app.Project, err error, own bool) {
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]projectJSON, 0, len(rows))
	for i := range rows {
		p := &rows[i]
		if !own {
			out = append(out, s.shortProject(r, p, ""))
			continue
		}
		if p.AccountID != actor(r.Context()).AccountID {
			if p, err = s.cat.Project(r.Context(), p.ID); err != nil { // the members, for the caller's role
				s.fail(w, r, err)
				return
			}
		}
		out = append(out, s.shortProject(r, p, app.ProjectRole(actor(r.Context()), p)))
	}
	s.writeJSON(w, http.StatusOK, out)
}

func (s *Server) handlePublicProjectSearch(w http.ResponseWriter, r *http.Request) {
	s.searchProjects(w, r, 0)
}

func (s *Server) handleOwnProjectSearch(w http.ResponseWriter, r *http.Request) {
	s.searchProjects(w, r, actor(r.Context()).AccountID)
}

// searchProjects answers Figshare's ProjectsSearch over published
// projects, or over the caller's own.
func (s *Server) searchProjects(w http.ResponseWriter, r *http.Request, member int64) {
	var in collectionSearch
	if err := s.decode(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.DOI != "" || in.Handle != "" || in.ResourceDOI != "" {
		s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "doi, handle and resource_doi do not apply to projects"))
		return
	}
	cf, err := in.filter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := app.ProjectFilter{MemberID: member, GroupID: cf.GroupID, PublishedSince: cf.PublishedSince, ModifiedSince: cf.ModifiedSince,
		Text: cf.Text, Order: cf.Order, Desc: cf.Desc, Offset: cf.Offset, Limit: cf.Limit, After: cf.After}
	rows, err := s.cat.ListProjects(r.Context(), f)
	setProjectCursor(w, f, rows)
	s.writeProjects(w, r, rows, err, member != 0)
}

func (s *Server) handlePublicProject(w http.ResponseWriter, r *http.Request) {
	p, err := s.project(r, app.CanSeeProject)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	j, err := s.completeProject(r, p, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, j)
}

// projectMembers loads a project's items that the caller is shown: on
// the public side only public items, on the members' side every item.
func (s *Server) projectMembers(r *http.Request, p *app.Project, private bool) ([]*app.Item, error) {
	ids, err := s.cat.ProjectItems(r.Context(), p.ID)
	if err != nil {
		return nil, err
	}
	if !private {
		return s.visibleMembers(r.Context(), ids)
	}
	var out []*app.Item
	for _, id := range ids {
		it, err := s.cat.Item(r.Context(), id)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, nil
}

func (s *Server) handlePublicProjectArticles(w http.ResponseWriter, r *http.Request) {
	off, lim, err := paging(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.project(r, app.CanSeeProject)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items, err := s.projectMembers(r, p, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out, err := s.memberArticles(r, items, off, lim, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleOwnProjects(w http.ResponseWriter, r *http.Request) {
	off, lim, err := paging(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := app.ProjectFilter{MemberID: actor(r.Context()).AccountID, Offset: off, Limit: lim, Order: "created_date", Desc: true}
	if err := listOrder(r, &f.Order, &f.Desc); err != nil {
		s.fail(w, r, err)
		return
	}
	rows, err := s.cat.ListProjects(r.Context(), f)
	s.writeProjects(w, r, rows, err, true)
}

func (s *Server) handleProjectCreate(w http.ResponseWriter, r *http.Request) {
	var in projectInput
	if err := s.decode(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.Title == nil {
		s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "title is required"))
		return
	}
	var md app.ProjectMetadata
	if err := in.apply(&md); err != nil {
		s.fail(w, r, err)
		return
	}
	me := actor(r.Context())
	group, err := s.depositGroup(r, in.GroupID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.cat.CreateProject(r.Context(), me.AccountID, group, md)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc := fmt.Sprintf("%s/v2/account/projects/%d", s.base(r), p.ID)
	w.Header().Set("Location", loc)
	s.writeJSON(w, http.StatusCreated, map[string]any{"entity_id": p.ID, "location": loc})
}

func (s *Server) handleOwnProject(w http.ResponseWriter, r *http.Request) {
	p, err := s.project(r, app.CanSeeProjectPrivate)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	j, err := s.completeProject(r, p, app.ProjectRole(actor(r.Context()), p))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, j)
}

func (s *Server) handleProjectUpdate(w http.ResponseWriter, r *http.Request) {
	p, err := s.project(r, app.CanEditProject)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in projectInput
	if err := s.decode(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.GroupID != nil {
		s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "unknown field \"group_id\": a project's group is set when it is created"))
		return
	}
	md := p.Meta
	if err := in.apply(&md); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.cat.UpdateProject(r.Context(), p.ID, md); err != nil {
		s.fail(w, r, err)
		return
	}
	loc := fmt.Sprintf("%s/v2/account/projects/%d", s.base(r), p.ID)
	w.Header().Set("Location", loc)
	s.writeJSON(w, http.StatusResetContent, map[string]any{"location": loc, "warnings": []string{}})
}

func (s *Server) handleProjectDelete(w http.ResponseWriter, r *http.Request) {
	p, err := s.project(r, app.CanManageProject)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.cat.DeleteProject(r.Context(), p.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleProjectPublish(w http.ResponseWriter, r *http.Request) {
	p, err := s.project(r, app.CanManageProject)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.cat.PublishProject(r.Context(), p.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, map[string]string{"message": "Project published"})
}
