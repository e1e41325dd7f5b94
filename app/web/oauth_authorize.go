package web

import (
	"net/http"
	"net/url"
	"time"

	"carrel/app"
	"carrel/app/auth"
)

// authorizeRequest is an OAuth2 authorization request (RFC 6749 section
// 4.1.1) checked against the registered application.
type authorizeRequest struct {
	App         *app.OAuthApp
	RedirectURI string // where to send the answer
	Named       string // the redirect_uri the request named; "" if it used the registered one
	State       string
	Scope       string
}

// readAuthorize checks an authorization request. Problems with the client
// or its redirect URI are shown to the person (never redirected to an
// address the application did not register); the rest go back to the
// application as an RFC 6749 error in the redirect.
func (s *Server) readAuthorize(w http.ResponseWriter, r *http.Request, get func(string) string) (*authorizeRequest, bool) {
	client, err := s.cat.OAuthApp(r.Context(), get("client_id"))
	if err != nil {
		if app.ErrorCode(err) == app.ENOTFOUND {
			err = app.Errorf(app.EINVALID, "This authorization link names an application that is not registered here.")
		}
		s.fail(w, r, err)
		return nil, false
	}
	ar := &authorizeRequest{App: client, Named: get("redirect_uri"), State: get("state"), Scope: app.OAuthScope}
	switch {
	case ar.Named != "" && client.AllowsRedirect(ar.Named):
		ar.RedirectURI = ar.Named
	case ar.Named == "" && len(client.RedirectURIs) == 1:
		ar.RedirectURI = client.RedirectURIs[0]
	default:
		s.fail(w, r, app.Errorf(app.EINVALID, "This authorization link asks to return to an address that %s did not register, so Carrel will not send you there.", client.Name))
		return nil, false
	}
	if rt := get("response_type"); rt != "code" {
		s.redirectOAuth(w, r, ar, url.Values{"error": {"unsupported_response_type"}, "error_description": {"Carrel issues authorization codes only (response_type=code)"}})
		return nil, false
	}
	if sc := get("scope"); sc != "" && sc != app.OAuthScope {
		s.redirectOAuth(w, r, ar, url.Values{"error": {"invalid_scope"}, "error_description": {"the only scope is \"all\""}})
		return nil, false
	}
	return ar, true
}

// redirectOAuth sends the person back to the application with params and
// the request's state.
func (s *Server) redirectOAuth(w http.ResponseWriter, r *http.Request, ar *authorizeRequest, params url.Values) {
	u, err := url.Parse(ar.RedirectURI)
	if err != nil {
		s.fail(w, r, app.Internal(err, "registered redirect URI"))
		return
	}
	q := u.Query()
	for k, v := range params {
		q[k] = v
	}
	if ar.State != "" {
		q.Set("state", ar.State)
	}
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusSeeOther)
}

// handleAuthorizeForm asks the signed-in person whether the application
// may use their account.
func (s *Server) handleAuthorizeForm(w http.ResponseWriter, r *http.Request) {
	ar, ok := s.readAuthorize(w, r, r.URL.Query().Get)
	if !ok {
		return
	}
	w.Header().Set("X-Frame-Options", "DENY") // no clickjacking of the consent button
	s.render(w, r, http.StatusOK, "authorize", view{Title: "Authorize " + ar.App.Name, Page: ar})
}

// handleAuthorize records the person's decision and sends them back to the
// application with a code or access_denied.
func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	ar, ok := s.readAuthorize(w, r, r.PostFormValue)
	if !ok {
		return
	}
	if r.PostFormValue("decision") != "allow" {
		s.redirectOAuth(w, r, ar, url.Values{"error": {"access_denied"}, "error_description": {"the account holder declined"}})
		return
	}
	code, hash := auth.NewToken()
	ttl := s.cfg.OAuthCodeTTL
	if ttl <= 0 {
		ttl = 5 * time.Minute
	}
	c := &app.OAuthCode{Hash: hash, AppID: ar.App.ID, AccountID: account(r.Context()).ID, RedirectURI: ar.Named,
		Scope: ar.Scope, Expires: time.Now().Add(ttl)}
	if err := s.cat.CreateOAuthCode(r.Context(), c); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirectOAuth(w, r, ar, url.Values{"code": {code}})
}
