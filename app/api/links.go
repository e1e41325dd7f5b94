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

// linkTarget finds what a private-link request is about, for a caller who
// may manage its links: an item or a collection, by the {id} in the path.
type linkTarget func(r *http.Request) (app.LinkTarget, int64, error)

// itemLinks is the linkTarget of /v2/account/articles/{id}/private_links.
func (s *Server) itemLinks(r *http.Request) (app.LinkTarget, int64, error) {
	it, err := s.ownItem(r)
	if err != nil {
		return "", 0, err
	}
	return app.LinkArticle, it.ID, nil
}

func (s *Server) linkJSON(r *http.Request, l *app.PrivateLink) privateLinkJSON {
	j := privateLinkJSON{ID: l.Token, IsActive: l.Active(time.Now()), HTMLLocation: s.linkURL(r, l.Token)}
	if !l.Expires.IsZero() {
		d := stamp(l.Expires)
		j.ExpiresDate = &d
	}
	return j
}

// linksList lists the target's private links.
func (s *Server) linksList(target linkTarget) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		kind, id, err := target(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		links, err := s.cat.PrivateLinks(r.Context(), kind, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		out := make([]privateLinkJSON, 0, len(links))
		for i := range links {
			out = append(out, s.linkJSON(r, &links[i]))
		}
		s.writeJSON(w, http.StatusOK, out)
	}
}

// linkGet shows one of the target's private links, by its token.
func (s *Server) linkGet(target linkTarget) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		kind, id, err := target(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		links, err := s.cat.PrivateLinks(r.Context(), kind, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for i := range links {
			if links[i].Token == r.PathValue("token") {
				s.writeJSON(w, http.StatusOK, s.linkJSON(r, &links[i]))
				return
			}
		}
		s.fail(w, r, app.Errorf(app.ENOTFOUND, "private link not found"))
	}
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

// linkCreate makes a private link to the target.
func (s *Server) linkCreate(target linkTarget) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		kind, id, err := target(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		expires, err := s.linkExpiry(w, r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		l := &app.PrivateLink{Token: newLinkToken(), Kind: kind, TargetID: id, AccountID: actor(r.Context()).AccountID, Expires: expires}
		if err := s.cat.CreatePrivateLink(r.Context(), l, s.who(r)); err != nil {
			s.fail(w, r, err)
			return
		}
		u := s.linkURL(r, l.Token)
		w.Header().Set("Location", u)
		s.writeJSON(w, http.StatusCreated, map[string]string{"location": u, "html_location": u, "token": l.Token})
	}
}

// linkUpdate changes a private link's expiry.
func (s *Server) linkUpdate(target linkTarget) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		kind, id, err := target(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		expires, err := s.linkExpiry(w, r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		l, err := s.cat.UpdatePrivateLink(r.Context(), kind, id, r.PathValue("token"), expires, s.who(r))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.writeJSON(w, http.StatusResetContent, map[string]string{"location": s.linkURL(r, l.Token)})
	}
}

// linkDelete deletes a private link; it stops working at once.
func (s *Server) linkDelete(target linkTarget) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		kind, id, err := target(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if err := s.cat.DeletePrivateLink(r.Context(), kind, id, r.PathValue("token"), s.who(r)); err != nil {
			s.fail(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
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
	s.handle("GET /v2/account/articles/{id}/private_links", s.authed(s.linksList(s.itemLinks)))
	s.handle("POST /v2/account/articles/{id}/private_links", s.authed(s.linkCreate(s.itemLinks)))
	s.handle("PUT /v2/account/articles/{id}/private_links/{token}", s.authed(s.linkUpdate(s.itemLinks)))
	s.handle("DELETE /v2/account/articles/{id}/private_links/{token}", s.authed(s.linkDelete(s.itemLinks)))
}
