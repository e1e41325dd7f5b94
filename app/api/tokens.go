package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"carrel/app"
	"carrel/app/auth"
)

// SigninCatalog is what the token and account-status routes need of the
// catalog.
type SigninCatalog interface {
	Tokens(ctx context.Context, accountID int64) ([]app.Token, error)
	// IssueToken stores a token hash and audits it; EINVALID for a bad name.
	IssueToken(ctx context.Context, accountID int64, name, hash string, e *app.AuditEntry) (*app.Token, error)
	// RevokeToken revokes one of the account's tokens; ENOTFOUND if none.
	RevokeToken(ctx context.Context, accountID, tokenID int64, e *app.AuditEntry) error
	// SetAccountActive (de)activates an account and audits it; ENOTFOUND.
	SetAccountActive(ctx context.Context, id int64, active bool, e *app.AuditEntry) error
}

// tokenJSON is a personal API token as the Carrel extension lists it; the
// secret appears only in the answer to its creation.
type tokenJSON struct {
	ID       int64   `json:"id"`
	Name     string  `json:"name"`
	Created  string  `json:"created_date"`
	LastUsed *string `json:"last_used_date"`
	Token    string  `json:"token,omitempty"`
}

func toTokenJSON(t app.Token) tokenJSON {
	j := tokenJSON{ID: t.ID, Name: t.Name, Created: t.Created.UTC().Format(time.RFC3339)}
	if !t.LastUsed.IsZero() {
		u := t.LastUsed.UTC().Format(time.RFC3339)
		j.LastUsed = &u
	}
	return j
}

// signinRoutes registers Carrel's token extension (Figshare has no API for
// personal tokens) and Figshare's institution account update, which an
// administrator uses to deactivate and reactivate accounts.
func (s *Server) signinRoutes() {
	s.handle("GET /v2/account/tokens", s.authed(s.handlePersonalTokenList))
	s.handle("POST /v2/account/tokens", s.authed(s.handlePersonalTokenCreate))
	s.handle("DELETE /v2/account/tokens/{tid}", s.authed(s.handlePersonalTokenRevoke))
}

func (s *Server) handlePersonalTokenList(w http.ResponseWriter, r *http.Request) {
	tokens, err := s.cat.Tokens(r.Context(), actor(r.Context()).AccountID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]tokenJSON, 0, len(tokens))
	for _, t := range tokens {
		out = append(out, toTokenJSON(t))
	}
	s.writeJSON(w, http.StatusOK, out)
}

func (s *Server) handlePersonalTokenCreate(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name string `json:"name"`
	}
	if err := s.decode(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	a := actor(r.Context())
	secret, hash := auth.NewToken()
	t, err := s.cat.IssueToken(r.Context(), a.AccountID, strings.TrimSpace(in.Name), hash, s.auditEntry(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	j := toTokenJSON(*t)
	j.Token = secret
	w.Header().Set("Cache-Control", "no-store")
	s.writeJSON(w, http.StatusCreated, j)
}

func (s *Server) handlePersonalTokenRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "tid")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.cat.RevokeToken(r.Context(), actor(r.Context()).AccountID, id, s.auditEntry(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusNoContent, nil)
}

// auditEntry starts an audit entry for the request's actor and address.
func (s *Server) auditEntry(r *http.Request) *app.AuditEntry {
	return &app.AuditEntry{ActorID: actor(r.Context()).AccountID, Address: auth.ClientAddress(r, s.cfg.AddressHeader)}
}
