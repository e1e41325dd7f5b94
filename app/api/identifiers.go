package api

import (
	"net/http"

	"carrel/app"
)

// handleReserveDOI reserves the item's concept DOI (Figshare's ArticleDOI
// answer). Asking again returns the same DOI.
func (s *Server) handleReserveDOI(w http.ResponseWriter, r *http.Request) {
	it, err := s.ownItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	doi, err := s.cat.ReserveDOI(r.Context(), it.ID, s.cfg.Identifiers.ItemDOI(it.ID))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, map[string]string{"doi": doi})
}

// handleReserveHandle reserves the item's handle (Figshare's ArticleHandle
// answer). EUNPROCESSABLE when no handle prefix is configured.
func (s *Server) handleReserveHandle(w http.ResponseWriter, r *http.Request) {
	it, err := s.ownItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if s.cfg.Identifiers.HandlePrefix == "" {
		s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "this repository reserves no handles (its doi.handle_prefix is not set)"))
		return
	}
	h, err := s.cat.ReserveHandle(r.Context(), it.ID, s.cfg.Identifiers.ItemHandle(it.ID))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, map[string]string{"handle": h})
}
