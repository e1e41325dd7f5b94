package api

import (
	"net/http"
	"time"

	"carrel/app"
)

// defaultLinkLife is how long a private link lives when its creator names
// no expiry: a year, as Figshare's links.
const defaultLinkLife = 365 * 24 * time.Hour

// privateLinkJSON is Figshare's PrivateLink; its id is the token.
type privateLinkJSON struct {
	ID           string  `json:"id"`
	IsActive     bool    `json:"is_active"`
	ExpiresDate  *string `json:"expires_date"`
	HTMLLocation string  `json:"html_location"`
}

func (s *Server) linkURL(r *http.Request, token string) string { return s.base(r) + "/s/" + token }

func (s *Server) handleLinksList(w http.ResponseWriter, r *http.Request) {
	it, err := s.ownItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	links, err := s.cat.PrivateLinks(r.Context(), app.LinkArticle, it.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := time.Now()
	out := make([]privateLinkJSON, 0, len(links))
	for _, l := range links {
		j := privateLinkJSON{ID: l.Token, IsActive: l.Active(now), HTMLLocation: s.linkURL(r, l.Token)}
		if !l.Expires.IsZero() {
			d := stamp(l.Expires)
			j.ExpiresDate = &d
		}
		out = append(out, j)
	}
	s.writeJSON(w, http.StatusOK, out)
}

// linkExpiry reads a PrivateLinkCreator: an expiry in the future, or none
// for the default life.
func (s *Server) linkExpiry(w http.ResponseWriter, r *http.Request) (time.Time, error) {
	var in struct {
		ExpiresDate *string `json:"expires_date"`
		ReadOnly    *bool   `json:"read_only"`
	}
	if r.ContentLength != 0 {
		if err := s.decode(w, r, &in); err != nil {
			return time.Time{}, err
		}
	}
	if in.ReadOnly != nil && !*in.ReadOnly {
		return time.Time{}, app.Errorf(app.EUNPROCESSABLE, "private links are always read-only")
	}
	if in.ExpiresDate == nil || *in.ExpiresDate == "" {
		return time.Now().Add(defaultLinkLife).UTC().Truncate(time.Second), nil
	}
	t, err := parseDate("expires_date", *in.ExpiresDate)
	if err != nil {
		return t, err
	}
	if !t.After(time.Now()) {
		return t, app.Errorf(app.EUNPROCESSABLE, "expires_date must be in the future")
	}
	return t, nil
}

func (s *Server) handleLinkCreate(w http.ResponseWriter, r *http.Request) {
	it, err := s.ownItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	expires, err := s.linkExpiry(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := &app.PrivateLink{Token: newLinkToken(), Kind: app.LinkArticle, TargetID: it.ID, AccountID: actor(r.Context()).AccountID, Expires: expires}
	if err := s.cat.CreatePrivateLink(r.Context(), l, who(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	u := s.linkURL(r, l.Token)
	w.Header().Set("Location", u)
	s.writeJSON(w, http.StatusCreated, map[string]string{"location": u, "html_location": u, "token": l.Token})
}

func (s *Server) handleLinkUpdate(w http.ResponseWriter, r *http.Request) {
	it, err := s.ownItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	expires, err := s.linkExpiry(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l, err := s.cat.UpdatePrivateLink(r.Context(), app.LinkArticle, it.ID, r.PathValue("token"), expires, who(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusResetContent, map[string]string{"location": s.linkURL(r, l.Token)})
}

func (s *Server) handleLinkDelete(w http.ResponseWriter, r *http.Request) {
	it, err := s.ownItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.cat.DeletePrivateLink(r.Context(), app.LinkArticle, it.ID, r.PathValue("token"), who(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// accessRoutes registers the embargo, confidentiality and private-link
// operations.
func (s *Server) accessRoutes() {
	s.handle("GET /v2/account/articles/{id}/embargo", s.authed(s.handleEmbargoGet))
	s.handle("PUT /v2/account/articles/{id}/embargo", s.authed(s.handleEmbargoPut))
	s.handle("DELETE /v2/account/articles/{id}/embargo", s.authed(s.handleEmbargoDelete))
	s.handle("GET /v2/account/articles/{id}/confidentiality", s.authed(s.handleConfidentialityGet))
	s.handle("PUT /v2/account/articles/{id}/confidentiality", s.authed(s.handleConfidentialityPut))
	s.handle("DELETE /v2/account/articles/{id}/confidentiality", s.authed(s.handleConfidentialityDelete))
	s.handle("GET /v2/articles/{id}/versions/{v}/embargo", s.handlePublicEmbargo)
	s.handle("GET /v2/articles/{id}/versions/{v}/confidentiality", s.handlePublicConfidentiality)
	s.handle("GET /v2/account/institution/embargo_options", s.authed(s.handleEmbargoOptions))
	s.handle("GET /v2/account/institution/groups/{gid}/embargo_options", s.authed(s.handleEmbargoOptions))
	s.handle("GET /v2/account/articles/{id}/private_links", s.authed(s.handleLinksList))
	s.handle("POST /v2/account/articles/{id}/private_links", s.authed(s.handleLinkCreate))
	s.handle("PUT /v2/account/articles/{id}/private_links/{token}", s.authed(s.handleLinkUpdate))
	s.handle("DELETE /v2/account/articles/{id}/private_links/{token}", s.authed(s.handleLinkDelete))
}
