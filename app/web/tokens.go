package web

import (
	"context"
	"net/http"
	"strings"

	"carrel/app"
	"carrel/app/auth"
)

// TokenCatalog is what the Tokens page needs of the catalog.
type TokenCatalog interface {
	Tokens(ctx context.Context, accountID int64) ([]app.Token, error)
	// IssueToken stores a token hash and audits it; EINVALID for a bad name.
	IssueToken(ctx context.Context, accountID int64, name, hash string, e *app.AuditEntry) (*app.Token, error)
	// RevokeToken revokes one of the account's tokens; ENOTFOUND if it has
	// no such token.
	RevokeToken(ctx context.Context, accountID, tokenID int64, e *app.AuditEntry) error
}

// tokensPage is the data of the personal API tokens page.
type tokensPage struct {
	Tokens  []app.Token
	Name    string // the name typed, kept when it is refused
	Error   string
	Secret  string // a token just created: shown this once
	Created string // its name
	Revoked string
}

func (s *Server) renderTokens(w http.ResponseWriter, r *http.Request, status int, p tokensPage) {
	var err error
	if p.Tokens, err = s.cat.Tokens(r.Context(), account(r.Context()).ID); err != nil {
		s.fail(w, r, err)
		return
	}
	// A page holding a secret must not be cached anywhere.
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "tokens", view{Title: "API tokens", Page: p})
}

func (s *Server) handleTokens(w http.ResponseWriter, r *http.Request) {
	s.renderTokens(w, r, http.StatusOK, tokensPage{})
}

// handleTokenCreate makes a token and shows its secret once, in the
// response to the POST itself, so that it is never in a URL or a redirect.
func (s *Server) handleTokenCreate(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	name := strings.TrimSpace(r.PostFormValue("name"))
	acct := account(r.Context())
	secret, hash := auth.NewToken()
	e := &app.AuditEntry{ActorID: acct.ID, Address: auth.ClientAddress(r, s.cfg.AddressHeader)}
	if _, err := s.cat.IssueToken(r.Context(), acct.ID, name, hash, e); app.ErrorCode(err) == app.EINVALID {
		s.renderTokens(w, r, http.StatusBadRequest, tokensPage{Name: name, Error: app.ErrorMessage(err)})
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderTokens(w, r, http.StatusCreated, tokensPage{Secret: secret, Created: name})
}

func (s *Server) handleTokenRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	acct := account(r.Context())
	e := &app.AuditEntry{ActorID: acct.ID, Address: auth.ClientAddress(r, s.cfg.AddressHeader)}
	if err := s.cat.RevokeToken(r.Context(), acct.ID, id, e); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/account/tokens", http.StatusSeeOther)
}
