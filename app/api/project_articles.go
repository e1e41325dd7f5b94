package api

import (
	"fmt"
	"net/http"
	"slices"

	"carrel/app"
)

// The items of a project, as its members see them: every member sees every
// item's draft and files through these endpoints; each item is still
// edited through /v2/account/articles by whoever may edit it.

func (s *Server) handleProjectArticles(w http.ResponseWriter, r *http.Request) {
	off, lim, err := paging(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.project(r, app.CanSeeProjectPrivate)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items, err := s.projectMembers(r, p, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.vocab(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := []article{}
	for i := off; i < len(items) && len(out) < lim; i++ {
		it := items[i]
		out = append(out, s.shortArticle(r, v, it, &it.Draft, it.Published))
	}
	s.writeJSON(w, http.StatusOK, out)
}

// handleProjectArticleCreate creates a draft item in the project, owned by
// the caller (Figshare's ArticleProjectCreate body).
func (s *Server) handleProjectArticleCreate(w http.ResponseWriter, r *http.Request) {
	p, err := s.project(r, app.CanEditProject)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in articleInput
	if err := s.decode(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.GroupID != nil {
		s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "unknown field \"group_id\": items of a project are deposited in the project's group"))
		return
	}
	if in.Title == nil || *in.Title == "" {
		s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "title is required"))
		return
	}
	v, err := s.vocab(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var md app.Metadata
	if err := in.apply(&md, v); err != nil {
		s.fail(w, r, err)
		return
	}
	it, err := s.cat.CreateProjectItem(r.Context(), p.ID, actor(r.Context()).AccountID, p.GroupID, md)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc := fmt.Sprintf("%s/v2/account/projects/%d/articles/%d", s.base(r), p.ID, it.ID)
	w.Header().Set("Location", loc)
	s.writeJSON(w, http.StatusCreated, map[string]string{"location": loc})
}

// projectItem loads an item of a project whose private side the caller
// may see.
func (s *Server) projectItem(r *http.Request) (*app.Project, *app.Item, error) {
	p, err := s.project(r, app.CanSeeProjectPrivate)
	if err != nil {
		return nil, nil, err
	}
	aid, err := pathID(r, "aid")
	if err != nil {
		return nil, nil, err
	}
	ids, err := s.cat.ProjectItems(r.Context(), p.ID)
	if err != nil {
		return nil, nil, err
	}
	if !slices.Contains(ids, aid) {
		return nil, nil, app.Errorf(app.ENOTFOUND, "article %d is not in project %d", aid, p.ID)
	}
	it, err := s.cat.Item(r.Context(), aid)
	return p, it, err
}

func (s *Server) handleProjectArticle(w http.ResponseWriter, r *http.Request) {
	_, it, err := s.projectItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.vocab(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	files, err := s.cat.DraftFiles(r.Context(), it.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, s.completeArticle(r, v, it, nil, files))
}

// handleProjectArticleRemove takes an item out of the project: the
// project's editors and the item's owner may; the item stays with its owner.
func (s *Server) handleProjectArticleRemove(w http.ResponseWriter, r *http.Request) {
	p, it, err := s.projectItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a := actor(r.Context())
	if !app.CanEditProject(a, p) && !app.CanEdit(a, it) {
		s.fail(w, r, app.Errorf(app.EFORBIDDEN, "viewers cannot remove items from the project"))
		return
	}
	if err := s.cat.RemoveProjectItem(r.Context(), p.ID, it.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleProjectArticleFiles(w http.ResponseWriter, r *http.Request) {
	_, it, err := s.projectItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	files, err := s.cat.DraftFiles(r.Context(), it.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := []memberFileJSON{}
	for i := range files {
		j, err := s.memberFile(r, it, &files[i])
		if err != nil {
			s.fail(w, r, err)
			return
		}
		out = append(out, j)
	}
	s.writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleProjectArticleFile(w http.ResponseWriter, r *http.Request) {
	_, it, err := s.projectItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fid, err := pathID(r, "fid")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	files, err := s.cat.DraftFiles(r.Context(), it.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for i := range files {
		if files[i].ID == fid {
			j, err := s.memberFile(r, it, &files[i])
			if err != nil {
				s.fail(w, r, err)
				return
			}
			s.writeJSON(w, http.StatusOK, j)
			return
		}
	}
	s.fail(w, r, app.Errorf(app.ENOTFOUND, "file %d not found", fid))
}

// memberFileJSON is Figshare's PrivateFile as a project member sees it:
// the upload fields stay empty unless the member may edit the item, since
// the upload token lets its holder write the file's parts.
type memberFileJSON struct {
	fileJSON
	UploadURL   string `json:"upload_url"`
	UploadToken string `json:"upload_token"`
}

func (s *Server) memberFile(r *http.Request, it *app.Item, f *app.File) (memberFileJSON, error) {
	attached, err := s.cat.InPublishedVersion(r.Context(), f.ID)
	if err != nil {
		return memberFileJSON{}, err
	}
	j := memberFileJSON{fileJSON: s.privateFile(r, f, attached)}
	if app.CanEdit(actor(r.Context()), it) {
		j.UploadURL, j.UploadToken = j.fileJSON.UploadURL, j.fileJSON.UploadToken
	}
	return j, nil
}
