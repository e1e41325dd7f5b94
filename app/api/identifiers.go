package api

import (
	"context"
	"net/http"

	"carrel/app"
)

// handleReserveDOI reserves the item's concept DOI (Figshare's ArticleDOI
// answer). Asking again returns the same DOI.
func (s *Server) handleReserveDOI(w http.ResponseWriter, r *http.Request) {
	if it, err := s.ownItem(r); err != nil {
		s.fail(w, r, err)
	} else {
		s.reserve(w, r, "doi", s.cfg.Identifiers.ItemDOI(it.ID), func(ctx context.Context, v string) (string, error) {
			return s.cat.ReserveDOI(ctx, it.ID, v)
		})
	}
}

// handleReserveHandle reserves the item's handle (Figshare's ArticleHandle
// answer).
func (s *Server) handleReserveHandle(w http.ResponseWriter, r *http.Request) {
	if it, err := s.ownItem(r); err != nil {
		s.fail(w, r, err)
	} else {
		s.reserve(w, r, "handle", s.cfg.Identifiers.ItemHandle(it.ID), func(ctx context.Context, v string) (string, error) {
			return s.cat.ReserveHandle(ctx, it.ID, v)
		})
	}
}

// handleCollectionReserveDOI reserves the collection's DOI (Figshare's
// CollectionDOI answer).
func (s *Server) handleCollectionReserveDOI(w http.ResponseWriter, r *http.Request) {
	if c, err := s.ownCollection(r); err != nil {
		s.fail(w, r, err)
	} else {
		s.reserve(w, r, "doi", s.cfg.Identifiers.CollectionDOI(c.ID), func(ctx context.Context, v string) (string, error) {
			return s.cat.ReserveCollectionDOI(ctx, c.ID, v)
		})
	}
}

// handleCollectionReserveHandle reserves the collection's handle
// (Figshare's CollectionHandle answer).
func (s *Server) handleCollectionReserveHandle(w http.ResponseWriter, r *http.Request) {
	if c, err := s.ownCollection(r); err != nil {
		s.fail(w, r, err)
	} else {
		s.reserve(w, r, "handle", s.cfg.Identifiers.CollectionHandle(c.ID), func(ctx context.Context, v string) (string, error) {
			return s.cat.ReserveCollectionHandle(ctx, c.ID, v)
		})
	}
}

// reserve answers {field: identifier} once the catalog has reserved value
// (or kept the one reserved before). EUNPROCESSABLE for a handle when no
// handle prefix is configured.
func (s *Server) reserve(w http.ResponseWriter, r *http.Request, field, value string, store func(context.Context, string) (string, error)) {
	if field == "handle" && s.cfg.Identifiers.HandlePrefix == "" {
		s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "this repository reserves no handles (its doi.handle_prefix is not set)"))
		return
	}
	got, err := store(r.Context(), value)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, map[string]string{field: got})
}
