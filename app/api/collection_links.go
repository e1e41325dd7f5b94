package api

import (
	"net/http"

	"carrel/app"
)

// Private links to a collection: the same links as an item's (table
// private_links, kind "collection"), opening the collection's draft at
// /s/{token} until they expire or are deleted.

func (s *Server) collectionLinkRoutes() {
	s.handle("GET /v2/account/collections/{id}/private_links", s.authed(s.linksList(s.collectionLinks)))
	s.handle("POST /v2/account/collections/{id}/private_links", s.authed(s.linkCreate(s.collectionLinks)))
	s.handle("GET /v2/account/collections/{id}/private_links/{token}", s.authed(s.linkGet(s.collectionLinks)))
	s.handle("PUT /v2/account/collections/{id}/private_links/{token}", s.authed(s.linkUpdate(s.collectionLinks)))
	s.handle("DELETE /v2/account/collections/{id}/private_links/{token}", s.authed(s.linkDelete(s.collectionLinks)))
}

// collectionLinks is the linkTarget of
// /v2/account/collections/{id}/private_links.
func (s *Server) collectionLinks(r *http.Request) (app.LinkTarget, int64, error) {
	c, err := s.ownCollection(r)
	if err != nil {
		return "", 0, err
	}
	return app.LinkCollection, c.ID, nil
}
