package api

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"carrel/app"
)

// noteJSON is Figshare's ProjectNote; the single-note view adds text
// (ProjectNotePrivate).
type noteJSON struct {
	ID           int64   `json:"id"`
	UserID       int64   `json:"user_id"`
	Abstract     string  `json:"abstract"`
	UserName     string  `json:"user_name"`
	CreatedDate  string  `json:"created_date"`
	ModifiedDate string  `json:"modified_date"`
	Text         *string `json:"text,omitempty"`
}

func noteOf(n *app.ProjectNote, full bool) noteJSON {
	abstract := []rune(strings.Join(strings.Fields(n.Text), " "))
	if len(abstract) > 200 {
		abstract = append(abstract[:199], '…')
	}
	j := noteJSON{ID: n.ID, UserID: n.AccountID, Abstract: string(abstract), UserName: n.UserName,
		CreatedDate: stamp(n.Created), ModifiedDate: stamp(n.Modified)}
	if full {
		j.Text = &n.Text
	}
	return j
}

func (s *Server) handleNotes(w http.ResponseWriter, r *http.Request) {
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
	notes, err := s.cat.ProjectNotes(r.Context(), p.ID, off, lim)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := []noteJSON{}
	for i := range notes {
		out = append(out, noteOf(&notes[i], false))
	}
	s.writeJSON(w, http.StatusOK, out)
}

// noteBody reads Figshare's ProjectNoteCreate.
func (s *Server) noteBody(w http.ResponseWriter, r *http.Request) (string, error) {
	var in struct {
		Text *string `json:"text"`
	}
	if err := s.decode(w, r, &in); err != nil {
		return "", err
	}
	if in.Text == nil {
		return "", app.Errorf(app.EUNPROCESSABLE, "text is required")
	}
	return *in.Text, nil
}

func (s *Server) handleNoteCreate(w http.ResponseWriter, r *http.Request) {
	p, err := s.project(r, app.CanEditProject)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	text, err := s.noteBody(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n, err := s.cat.CreateProjectNote(r.Context(), p.ID, actor(r.Context()).AccountID, text)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc := fmt.Sprintf("%s/v2/account/projects/%d/notes/%d", s.base(r), p.ID, n.ID)
	w.Header().Set("Location", loc)
	s.writeJSON(w, http.StatusCreated, map[string]string{"location": loc})
}

// note loads the note a request names in a project the caller may see.
// Changing it takes its author or the project's owner.
func (s *Server) note(r *http.Request, change bool) (*app.ProjectNote, error) {
	p, err := s.project(r, app.CanSeeProjectPrivate)
	if err != nil {
		return nil, err
	}
	nid, err := pathID(r, "nid")
	if err != nil {
		return nil, err
	}
	n, err := s.cat.ProjectNote(r.Context(), p.ID, nid)
	if err != nil {
		return nil, err
	}
	a := actor(r.Context())
	if change && !(app.CanEditProject(a, p) && (n.AccountID == a.AccountID || app.CanManageProject(a, p))) {
		return nil, app.Errorf(app.EFORBIDDEN, "only the note's author or the project's owner may change it")
	}
	return n, nil
}

func (s *Server) handleNote(w http.ResponseWriter, r *http.Request) {
	n, err := s.note(r, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, noteOf(n, true))
}

func (s *Server) handleNoteUpdate(w http.ResponseWriter, r *http.Request) {
	n, err := s.note(r, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	text, err := s.noteBody(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.cat.UpdateProjectNote(r.Context(), n.ProjectID, n.ID, text); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusResetContent)
}

func (s *Server) handleNoteDelete(w http.ResponseWriter, r *http.Request) {
	n, err := s.note(r, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.cat.DeleteProjectNote(r.Context(), n.ProjectID, n.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleCollaborators(w http.ResponseWriter, r *http.Request) {
	p, err := s.project(r, app.CanSeeProjectPrivate)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	j, err := s.completeProject(r, p, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, j.Collaborators)
}

// handleCollaboratorInvite adds an account, named by user_id or email, to
// the project with a role. Carrel sends no invitation mail: the account
// takes part at once and sees the project in its workspace.
func (s *Server) handleCollaboratorInvite(w http.ResponseWriter, r *http.Request) {
	p, err := s.project(r, app.CanManageProject)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in struct {
		RoleName *string `json:"role_name"`
		UserID   *int64  `json:"user_id"`
		Email    *string `json:"email"`
		Comment  string  `json:"comment"`
	}
	if err := s.decode(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.RoleName == nil || (*in.RoleName != app.ProjectCollaborator && *in.RoleName != app.ProjectViewer) {
		s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "role_name must be viewer or collaborator"))
		return
	}
	if (in.UserID == nil) == (in.Email == nil) {
		s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "name the collaborator by exactly one of user_id or email"))
		return
	}
	var acct *app.Account
	if in.UserID != nil {
		acct, err = s.cat.Account(r.Context(), *in.UserID)
	} else {
		acct, err = s.cat.AccountByEmail(r.Context(), strings.TrimSpace(*in.Email))
	}
	if app.ErrorCode(err) == app.ENOTFOUND || (err == nil && !acct.Active) {
		s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "no active account matches; the collaborator must have signed in to this repository once"))
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.cat.SetProjectMember(r.Context(), p.ID, acct.ID, *in.RoleName); err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusCreated, map[string]string{"message": fmt.Sprintf("%s takes part in the project as %s", acct.FullName(), *in.RoleName)})
}

func (s *Server) handleCollaboratorRemove(w http.ResponseWriter, r *http.Request) {
	p, err := s.project(r, app.CanManageProject)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	uid, err := pathID(r, "uid")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.cat.RemoveProjectMember(r.Context(), p.ID, uid); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// handleProjectLeave takes the caller out of a project. The owner cannot
// leave (Figshare's rule): a project always has an owner.
func (s *Server) handleProjectLeave(w http.ResponseWriter, r *http.Request) {
	p, err := s.project(r, app.CanSeeProjectPrivate)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	me := actor(r.Context()).AccountID
	if me == p.AccountID {
		s.fail(w, r, app.Errorf(app.EFORBIDDEN, "the owner cannot leave the project; delete it instead"))
		return
	}
	if !slices.ContainsFunc(p.Members, func(m app.ProjectMember) bool { return m.AccountID == me }) {
		s.fail(w, r, app.Errorf(app.EFORBIDDEN, "you are not a collaborator of project %d", p.ID))
		return
	}
	if err := s.cat.RemoveProjectMember(r.Context(), p.ID, me); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
