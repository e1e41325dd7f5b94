package api

import (
	"net/http"
	"strings"
)

// CORS, as Figshare's API offers it: scripts on any origin may call the API
// with a token. The wildcard origin is never combined with credentials
// (no Access-Control-Allow-Credentials), and a request authenticated by
// Carrel's session cookie gets no CORS headers at all, so a signed-in
// browser's account is never readable from another origin.
const (
	corsAllowMethods  = "GET, HEAD, POST, PUT, PATCH, DELETE"
	corsAllowHeaders  = "Authorization, Content-Type, If-None-Match, If-Modified-Since, Range, X-Cursor"
	corsExposeHeaders = "ETag, Last-Modified, Location, X-Cursor, X-Request-Id, Content-Disposition, Content-Range, Accept-Ranges"
)

// withCORS answers preflight requests and marks responses readable from
// any origin unless the caller is a cookie session.
func (s *Server) withCORS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Origin", "*")
			h.Set("Access-Control-Allow-Methods", corsAllowMethods)
			h.Set("Access-Control-Allow-Headers", corsAllowHeaders)
			h.Set("Access-Control-Max-Age", "86400")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if !s.viaSession(r) {
			h.Set("Access-Control-Allow-Origin", "*")
			h.Set("Access-Control-Expose-Headers", corsExposeHeaders)
		}
		next.ServeHTTP(w, r)
	})
}

// viaSession reports whether the request would be authenticated by the
// session cookie rather than a token.
func (s *Server) viaSession(r *http.Request) bool {
	if r.Header.Get("Authorization") != "" || r.URL.Query().Has("access_token") {
		return false
	}
	_, ok := s.sessionAccount(r)
	return ok
}

// dispatch routes a request, answering in Figshare's error shape where the
// mux would answer in plain text: 404 for an unknown endpoint, 405 (with
// Allow) for a known one called with the wrong method.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request) {
	if _, pattern := s.mux.Handler(r); pattern != "" {
		s.mux.ServeHTTP(w, r)
		return
	}
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "" {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) == 0 {
		s.writeJSON(w, http.StatusNotFound, errorBody{Message: "no such endpoint: " + r.Method + " " + r.URL.Path, Code: "EndpointNotFound"})
		return
	}
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	s.writeJSON(w, http.StatusMethodNotAllowed, errorBody{Message: r.Method + " is not allowed on " + r.URL.Path + "; use " + strings.Join(allowed, ", "), Code: "MethodNotAllowed"})
}

// DenyCrossOrigin answers a cross-site request that tried to use a browser
// session, for http.CrossOriginProtection, in Figshare's error shape.
func (s *Server) DenyCrossOrigin(w http.ResponseWriter, r *http.Request) {
	s.writeJSON(w, http.StatusForbidden, errorBody{Message: "cross-origin requests cannot use a browser session; send an API token in the Authorization header", Code: "Forbidden"})
}
