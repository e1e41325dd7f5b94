package api

import (
	"context"
	"crypto/subtle"
	"mime"
	"net/http"
	"strings"
	"time"

	"carrel/app"
	"carrel/app/auth"
)

// OAuthCatalog is what OAuth2 needs of the metadata store.
type OAuthCatalog interface {
	// OAuthApp returns an application by client id; ENOTFOUND if none.
	OAuthApp(ctx context.Context, clientID string) (*app.OAuthApp, error)
	OAuthApps(ctx context.Context) ([]app.OAuthApp, error)
	// CreateOAuthApp registers an application; EUNPROCESSABLE if invalid.
	CreateOAuthApp(ctx context.Context, a *app.OAuthApp) error
	// RemoveOAuthApp deletes an application and its tokens; ENOTFOUND.
	RemoveOAuthApp(ctx context.Context, clientID string, actorID int64) error
	// RedeemOAuthCode exchanges a code once: ENOTFOUND, EUNPROCESSABLE
	// (expired, other redirect URI), ECONFLICT (replayed; tokens revoked).
	RedeemOAuthCode(ctx context.Context, codeHash string, appID int64, redirectURI string, g *app.OAuthGrant) error
	// RefreshOAuthGrant rotates a grant: ENOTFOUND, EUNPROCESSABLE
	// (expired), ECONFLICT (replayed; the chain is revoked).
	RefreshOAuthGrant(ctx context.Context, refreshHash string, appID int64, next *app.OAuthGrant) error
	// AccountByOAuthToken resolves a live access token; ENOTFOUND.
	AccountByOAuthToken(ctx context.Context, accessHash string) (*app.Account, *app.OAuthGrant, error)
}

// tokenRequest is Figshare's CreateOAuthToken, sent as a form or JSON.
type tokenRequest struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	GrantType    string `json:"grant_type"`
	Code         string `json:"code"`
	RefreshToken string `json:"refresh_token"`
	RedirectURI  string `json:"redirect_uri"`
	Username     string `json:"username"`
	Password     string `json:"password"`
}

// tokenResponse is Figshare's OAuthToken (RFC 6749 section 5.1).
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	Token        string `json:"token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Scope        string `json:"scope"`
}

// oauthError is RFC 6749 section 5.2's error response. Figshare answers
// every failure of the token endpoint with 400, invalid_client included.
func (s *Server) oauthError(w http.ResponseWriter, code, description string) {
	s.writeJSON(w, http.StatusBadRequest, map[string]string{"error": code, "error_description": description})
}

// handleTokenCreate is POST /v2/token: the authorization-code and
// refresh-token grants for registered applications.
func (s *Server) handleTokenCreate(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	in, err := s.readTokenRequest(w, r)
	if err != nil {
		s.oauthError(w, "invalid_request", app.ErrorMessage(err))
		return
	}
	if id, secret, ok := r.BasicAuth(); ok {
		if in.ClientID != "" && in.ClientID != id || in.ClientSecret != "" {
			s.oauthError(w, "invalid_request", "authenticate the client once: HTTP Basic or client_id and client_secret, not both")
			return
		}
		in.ClientID, in.ClientSecret = id, secret
	}
	client, err := s.cat.OAuthApp(r.Context(), in.ClientID)
	if err != nil && app.ErrorCode(err) != app.ENOTFOUND {
		s.fail(w, r, err)
		return
	}
	if err != nil || in.ClientSecret == "" || subtle.ConstantTimeCompare([]byte(auth.HashToken(in.ClientSecret)), []byte(client.SecretHash)) != 1 {
		s.oauthError(w, "invalid_client", "unknown client_id or wrong client_secret")
		return
	}
	access, accessHash := auth.NewToken()
	refresh, refreshHash := auth.NewToken()
	now := time.Now()
	g := &app.OAuthGrant{AccessHash: accessHash, RefreshHash: refreshHash,
		AccessExpires: now.Add(s.cfg.OAuthAccessTTL), RefreshExpires: now.Add(s.cfg.OAuthRefreshTTL)}
	switch in.GrantType {
	case "authorization_code":
		if in.Code == "" {
			s.oauthError(w, "invalid_request", "code is required with grant_type authorization_code")
			return
		}
		err = s.cat.RedeemOAuthCode(r.Context(), auth.HashToken(in.Code), client.ID, in.RedirectURI, g)
	case "refresh_token":
		if in.RefreshToken == "" {
			s.oauthError(w, "invalid_request", "refresh_token is required with grant_type refresh_token")
			return
		}
		err = s.cat.RefreshOAuthGrant(r.Context(), auth.HashToken(in.RefreshToken), client.ID, g)
	case "":
		s.oauthError(w, "invalid_request", "grant_type is required")
		return
	default:
		s.oauthError(w, "unsupported_grant_type", "Carrel grants tokens for authorization_code and refresh_token only")
		return
	}
	switch app.ErrorCode(err) {
	case "":
	case app.ENOTFOUND, app.EUNPROCESSABLE, app.ECONFLICT:
		s.oauthError(w, "invalid_grant", app.ErrorMessage(err))
		return
	default:
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, tokenResponse{AccessToken: access, Token: access, TokenType: "bearer",
		ExpiresIn: int64(s.cfg.OAuthAccessTTL / time.Second), RefreshToken: refresh, Scope: g.Scope})
}

// readTokenRequest decodes the token request from a form or JSON body, as
// Figshare accepts both.
func (s *Server) readTokenRequest(w http.ResponseWriter, r *http.Request) (tokenRequest, error) {
	var in tokenRequest
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" {
		return in, s.decode(w, r, &in)
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
	if err := r.ParseForm(); err != nil {
		return in, app.Errorf(app.EINVALID, "the body must be application/x-www-form-urlencoded or JSON")
	}
	f := r.PostForm
	in = tokenRequest{ClientID: f.Get("client_id"), ClientSecret: f.Get("client_secret"), GrantType: f.Get("grant_type"),
		Code: f.Get("code"), RefreshToken: f.Get("refresh_token"), RedirectURI: f.Get("redirect_uri")}
	return in, nil
}

// handleTokenInfo is GET /v2/token: what the caller's own token is.
// Personal tokens do not expire; their expires_in is 0.
func (s *Server) handleTokenInfo(w http.ResponseWriter, r *http.Request) {
	tok := requestToken(r)
	if tok == "" {
		s.fail(w, r, app.Errorf(app.EINVALID, "send the token to describe in the Authorization header or as access_token"))
		return
	}
	out := tokenResponse{AccessToken: tok, Token: tok, TokenType: "token", Scope: app.OAuthScope}
	if _, g, err := s.cat.AccountByOAuthToken(r.Context(), auth.HashToken(tok)); err == nil {
		out.TokenType, out.Scope = "bearer", g.Scope
		out.ExpiresIn = int64(time.Until(g.AccessExpires) / time.Second)
	}
	w.Header().Set("Cache-Control", "no-store")
	s.writeJSON(w, http.StatusOK, out)
}

// requestToken is the token a request carries, "" if none.
func requestToken(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		if _, v, ok := strings.Cut(h, " "); ok {
			return strings.TrimSpace(v)
		}
		return ""
	}
	return r.URL.Query().Get("access_token")
}

// oauthAppJSON is how the admin API shows an application; the secret only
// once, when it is created.
type oauthAppJSON struct {
	ClientID     string   `json:"client_id"`
	ClientSecret string   `json:"client_secret,omitempty"`
	Name         string   `json:"name"`
	RedirectURIs []string `json:"redirect_uris"`
	CreatedDate  string   `json:"created_date"`
}

func toAppJSON(a *app.OAuthApp) oauthAppJSON {
	return oauthAppJSON{ClientID: a.ClientID, Name: a.Name, RedirectURIs: a.RedirectURIs, CreatedDate: stamp(a.Created)}
}

// adminOnly refuses callers who are not administrators.
func (s *Server) adminOnly(h http.HandlerFunc) http.HandlerFunc {
	return s.authed(func(w http.ResponseWriter, r *http.Request) {
		if !actor(r.Context()).Admin {
			s.fail(w, r, app.Errorf(app.EFORBIDDEN, "only administrators manage OAuth applications"))
			return
		}
		h(w, r)
	})
}

func (s *Server) handleOAuthAppList(w http.ResponseWriter, r *http.Request) {
	apps, err := s.cat.OAuthApps(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]oauthAppJSON, 0, len(apps))
	for i := range apps {
		out = append(out, toAppJSON(&apps[i]))
	}
	s.writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleOAuthAppCreate(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name         string   `json:"name"`
		RedirectURIs []string `json:"redirect_uris"`
	}
	if err := s.decode(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	a, secret := NewOAuthApp(in.Name, in.RedirectURIs, actor(r.Context()).AccountID)
	if err := s.cat.CreateOAuthApp(r.Context(), a); err != nil {
		s.fail(w, r, err)
		return
	}
	out := toAppJSON(a)
	out.ClientSecret = secret
	w.Header().Set("Cache-Control", "no-store")
	s.writeJSON(w, http.StatusCreated, out)
}

func (s *Server) handleOAuthAppRemove(w http.ResponseWriter, r *http.Request) {
	if err := s.cat.RemoveOAuthApp(r.Context(), r.PathValue("client_id"), actor(r.Context()).AccountID); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// NewOAuthApp makes a new application with a random client id and secret,
// returning the secret, which is stored only as a hash.
func NewOAuthApp(name string, redirectURIs []string, createdBy int64) (*app.OAuthApp, string) {
	secret, hash := auth.NewToken()
	return &app.OAuthApp{ClientID: auth.RandomID(12), Name: strings.TrimSpace(name), RedirectURIs: redirectURIs,
		SecretHash: hash, CreatedBy: createdBy}, secret
}
