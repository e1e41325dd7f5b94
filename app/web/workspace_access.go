package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"carrel/app"
	"carrel/app/auth"
)

// linkRow is a private link as the workspace lists it.
type linkRow struct {
	URL     string
	Token   string
	Expires time.Time
	Active  bool
}

// accessOf fills in the edit page's access section: the embargo, the
// confidentiality and the private links of the item.
func (s *Server) accessOf(r *http.Request, p *editPage) error {
	if p.Item == nil {
		return nil
	}
	links, err := s.cat.PrivateLinks(r.Context(), app.LinkArticle, p.Item.ID)
	if err != nil {
		return err
	}
	now := time.Now()
	for _, l := range links {
		p.Links = append(p.Links, linkRow{URL: s.baseURL(r) + "/s/" + l.Token, Token: l.Token, Expires: l.Expires, Active: l.Active(now)})
	}
	if !p.Item.Embargo.Until.IsZero() {
		p.EmbargoUntil = p.Item.Embargo.Until.UTC().Format("2006-01-02")
	}
	return nil
}

// accessDone sends the browser back to the edit page, or shows the error.
func (s *Server) accessDone(w http.ResponseWriter, r *http.Request, it *app.Item, err error) {
	if err != nil {
		p := &editPage{Item: it, Form: formOf(&it.Draft), Error: app.ErrorMessage(err)}
		s.renderEdit(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/account/articles/%d?saved=1#access", it.ID), http.StatusSeeOther)
}

// formDate reads an optional yyyy-mm-dd form field as the start of that
// day in UTC.
func formDate(r *http.Request, name string) (time.Time, error) {
	v := strings.TrimSpace(r.PostFormValue(name))
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse("2006-01-02", v)
	if err != nil {
		return t, app.Errorf(app.EUNPROCESSABLE, "%s must be a date like 2030-01-31", name)
	}
	if !t.After(time.Now()) {
		return t, app.Errorf(app.EUNPROCESSABLE, "%s must be in the future", name)
	}
	return t, nil
}

func (s *Server) handleEmbargoForm(w http.ResponseWriter, r *http.Request) {
	it, err := s.ownItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	policy, err := s.cat.GroupPolicy(r.Context(), it.GroupID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e, err := embargoFromForm(r, policy)
	if err == nil && !app.CanManageGroup(actor(r.Context()), it.GroupID) {
		err = policy.Embargo.Check(e, time.Now())
	}
	if err != nil {
		s.accessDone(w, r, it, err)
		return
	}
	_, err = s.cat.SetEmbargo(r.Context(), it.ID, e, s.who(r))
	s.accessDone(w, r, it, err)
}

func (s *Server) handleConfidentialityForm(w http.ResponseWriter, r *http.Request) {
	it, err := s.ownItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c := app.Confidentiality{Confidential: r.PostFormValue("confidential") == "on", Reason: r.PostFormValue("confidential_reason")}
	_, err = s.cat.SetConfidentiality(r.Context(), it.ID, c, s.who(r))
	s.accessDone(w, r, it, err)
}

func (s *Server) handleLinkForm(w http.ResponseWriter, r *http.Request) {
	it, err := s.ownItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	expires, err := formDate(r, "expires")
	if err != nil {
		s.accessDone(w, r, it, err)
		return
	}
	if expires.IsZero() {
		expires = time.Now().AddDate(1, 0, 0).UTC().Truncate(time.Second)
	}
	l := &app.PrivateLink{Token: auth.RandomID(16), Kind: app.LinkArticle, TargetID: it.ID, AccountID: actor(r.Context()).AccountID, Expires: expires}
	s.accessDone(w, r, it, s.cat.CreatePrivateLink(r.Context(), l, s.who(r)))
}

func (s *Server) handleLinkDeleteForm(w http.ResponseWriter, r *http.Request) {
	it, err := s.ownItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.accessDone(w, r, it, s.cat.DeletePrivateLink(r.Context(), app.LinkArticle, it.ID, r.PathValue("token"), s.who(r)))
}
