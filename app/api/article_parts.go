package api

import (
	"fmt"
	"net/http"

	"carrel/app"
)

// The authors and categories of a draft as sub-resources, as Figshare
// exposes them: list, add, replace, remove one.

func (s *Server) handleAuthorsList(w http.ResponseWriter, r *http.Request) {
	it, err := s.ownItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := []authorJSON{}
	for _, a := range it.Draft.Authors {
		out = append(out, authorOf(a))
	}
	s.writeJSON(w, http.StatusOK, out)
}

func authorOf(a app.Author) authorJSON {
	return authorJSON{ID: a.ID, FullName: a.FullName, FirstName: a.FirstName, LastName: a.LastName,
		IsActive: a.AccountID != 0, URLName: a.URLName(), ORCID: a.ORCID}
}

// handleAuthorsSet adds (POST) or replaces (PUT) the draft's authors.
func (s *Server) handleAuthorsSet(w http.ResponseWriter, r *http.Request) {
	s.editDraft(w, r, func(md *app.Metadata, body *draftPart) error { return setAuthors(r, md, body) })
}

func (s *Server) handleAuthorDelete(w http.ResponseWriter, r *http.Request) {
	aid, err := pathID(r, "aid")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.editDraft(w, r, func(md *app.Metadata, _ *draftPart) error { return removeAuthor(md, aid, "item") })
}

func (s *Server) handleCategoriesList(w http.ResponseWriter, r *http.Request) {
	it, err := s.ownItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.vocab(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := []app.Category{}
	for _, id := range it.Draft.Categories {
		if c, ok := v.categories[id]; ok {
			out = append(out, c)
		}
	}
	s.writeJSON(w, http.StatusOK, out)
}

// handleCategoriesSet adds (POST) or replaces (PUT) the draft's categories.
func (s *Server) handleCategoriesSet(w http.ResponseWriter, r *http.Request) {
	s.editDraft(w, r, func(md *app.Metadata, body *draftPart) error { return setCategories(r, md, body) })
}

func (s *Server) handleCategoryDelete(w http.ResponseWriter, r *http.Request) {
	cid, err := pathID(r, "cid")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.editDraft(w, r, func(md *app.Metadata, _ *draftPart) error { return removeCategory(md, cid, "item") })
}

// draftPart is the body of the sub-resource endpoints.
type draftPart struct {
	Authors    *[]authorInput `json:"authors"`
	Categories *[]int64       `json:"categories"`
}

// editDraft loads the caller's draft, decodes the body (for POST and PUT),
// lets change edit the metadata, and stores it. POST and PUT answer 205
// with the item's location, DELETE 204, as Figshare's document specifies.
func (s *Server) editDraft(w http.ResponseWriter, r *http.Request, change func(*app.Metadata, *draftPart) error) {
	editDraftAs(s, w, r, change)
}

// editDraftAs is editDraft for a body of type T.
func editDraftAs[T any](s *Server, w http.ResponseWriter, r *http.Request, change func(*app.Metadata, *T) error) {
	it, err := s.ownItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var body T
	if r.Method != http.MethodDelete {
		if err := s.decode(w, r, &body); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	md := it.Draft
	md.Authors = append([]app.Author{}, md.Authors...)
	if err := change(&md, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.cat.UpdateDraft(r.Context(), it.ID, md); err != nil {
		s.fail(w, r, err)
		return
	}
	loc := fmt.Sprintf("%s/v2/account/articles/%d", s.base(r), it.ID)
	switch r.Method {
	case http.MethodPost, http.MethodPut:
		w.Header().Set("Location", loc)
		s.writeJSON(w, http.StatusResetContent, map[string]any{"location": loc, "warnings": []string{}})
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

// handleUnpublish withdraws a published item with a public reason.
func (s *Server) handleUnpublish(w http.ResponseWriter, r *http.Request) {
	it, err := s.ownItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !app.CanWithdraw(actor(r.Context()), it) {
		s.fail(w, r, app.Errorf(app.EFORBIDDEN, "only an administrator can withdraw a published item; ask your repository's curators"))
		return
	}
	var body struct {
		Reason string `json:"reason"`
	}
	if err := s.decode(w, r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.cat.Withdraw(r.Context(), it.ID, body.Reason, s.who(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
