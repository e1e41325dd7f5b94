package api

import (
	"net/http"
	"time"

	"carrel/app"
)

// Private links to a collection: the same links as an item's (table
// private_links, kind "collection"), opening the collection's draft at
// /s/{token} until they expire or are deleted.

func (s *Server) collectionLinkRoutes() {
	s.handle("GET /v2/account/collections/{id}/private_links", s.authed(s.handleCollectionLinks))
	s.handle("POST /v2/account/collections/{id}/private_links", s.authed(s.handleCollectionLinkCreate))
	s.handle("GET /v2/account/collections/{id}/private_links/{token}", s.authed(s.handleCollectionLink))
	s.handle("PUT /v2/account/collections/{id}/private_links/{token}", s.authed(s.handleCollectionLinkUpdate))
	s.handle("DELETE /v2/account/collections/{id}/private_links/{token}", s.authed(s.handleCollectionLinkDelete))
}

func (s *Server) linkJSON(r *http.Request, l *app.PrivateLink) privateLinkJSON {
	j := privateLinkJSON{ID: l.Token, IsActive: l.Active(time.Now()), HTMLLocation: s.linkURL(r, l.Token)}
	if !l.Expires.IsZero() {
		d := stamp(l.Expires)
		j.ExpiresDate = &d
	}
	return j
}

func (s *Server) handleCollectionLinks(w http.ResponseWriter, r *http.Request) {
	c, err := s.ownCollection(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	links, err := s.cat.PrivateLinks(r.Context(), app.LinkCollection, c.ID)
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

func (s *Server) handleCollectionLink(w http.ResponseWriter, r *http.Request) {
	c, err := s.ownCollection(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	links, err := s.cat.PrivateLinks(r.Context(), app.LinkCollection, c.ID)
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

func (s *Server) handleCollectionLinkCreate(w http.ResponseWriter, r *http.Request) {
	c, err := s.ownCollection(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	expires, err := s.linkExpiry(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := &app.PrivateLink{Token: newLinkToken(), Kind: app.LinkCollection, TargetID: c.ID, AccountID: actor(r.Context()).AccountID, Expires: expires}
	if err := s.cat.CreatePrivateLink(r.Context(), l, who(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	u := s.linkURL(r, l.Token)
	w.Header().Set("Location", u)
	s.writeJSON(w, http.StatusCreated, map[string]string{"location": u, "html_location": u, "token": l.Token})
}

func (s *Server) handleCollectionLinkUpdate(w http.ResponseWriter, r *http.Request) {
	c, err := s.ownCollection(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	expires, err := s.linkExpiry(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l, err := s.cat.UpdatePrivateLink(r.Context(), app.LinkCollection, c.ID, r.PathValue("token"), expires, who(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusResetContent, map[string]string{"location": s.linkURL(r, l.Token)})
}

func (s *Server) handleCollectionLinkDelete(w http.ResponseWriter, r *http.Request) {
	c, err := s.ownCollection(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.cat.DeletePrivateLink(r.Context(), app.LinkCollection, c.ID, r.PathValue("token"), who(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
