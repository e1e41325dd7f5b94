package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"carrel/app"
	"carrel/app/auth"
)

// samlCookie is the cookie that carries the ids of the AuthnRequests this
// browser made, so that an answer is accepted only by the browser that
// asked for it.
const samlCookie = "carrel_saml"

// samlTrack is the sealed content of samlCookie.
type samlTrack struct {
	IdP        string
	RequestIDs []string
}

func (s *Server) samlRoutes() {
	m := s.mux
	m.HandleFunc("GET /saml/metadata", s.withSAML(s.handleSAMLMetadata))
	m.HandleFunc("GET /saml/login", s.withSAML(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/login?next="+urlQueryEscape(safeNext(r.URL.Query().Get("next"))), http.StatusSeeOther)
	}))
	m.HandleFunc("GET /saml/login/{idp}", s.withSAML(s.handleSAMLLogin))
	m.HandleFunc("POST /saml/acs", s.withSAML(s.handleSAMLACS))
	m.HandleFunc("GET /saml/slo", s.withSAML(s.handleSAMLLogout))
	m.HandleFunc("POST /saml/slo", s.withSAML(s.handleSAMLLogout))
}

// withSAML answers 404 when single sign-on is not configured.
func (s *Server) withSAML(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.saml == nil {
			s.fail(w, r, app.Errorf(app.ENOTFOUND, "Single sign-on is not configured here."))
			return
		}
		h(w, r)
	}
}

func (s *Server) handleSAMLMetadata(w http.ResponseWriter, r *http.Request) {
	b, err := s.saml.Metadata()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/samlmetadata+xml")
	w.Write(b)
}

func (s *Server) handleSAMLLogin(w http.ResponseWriter, r *http.Request) {
	idp := r.PathValue("idp")
	u, id, err := s.saml.StartLogin(r.Context(), idp, safeNext(r.URL.Query().Get("next")))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var t samlTrack
	if s.sessions.OpenCookie(r, samlCookie, &t) && t.IdP == idp {
		t.RequestIDs = t.RequestIDs[max(0, len(t.RequestIDs)-4):] // a few tabs at once
	} else {
		t = samlTrack{IdP: idp}
	}
	t.RequestIDs = append(t.RequestIDs, id)
	if err := s.sessions.SealCookie(w, r, samlCookie, t, 10*time.Minute, s.saml.Secure()); err != nil {
		s.fail(w, r, app.Internal(err, "seal SAML cookie"))
		return
	}
	http.Redirect(w, r, u, http.StatusSeeOther)
}

// handleSAMLACS is the assertion consumer service: the IdP's signed answer
// arrives as a cross-site POST (exempt from cross-origin protection; the
// signature and the request id in the sealed cookie protect it).
func (s *Server) handleSAMLACS(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	var t samlTrack
	if !s.sessions.OpenCookie(r, samlCookie, &t) || len(t.RequestIDs) == 0 {
		s.fail(w, r, app.Errorf(app.EUNAUTHORIZED, "This sign-in was not started from this browser, or took too long. Please sign in again."))
		return
	}
	addr := auth.ClientAddress(r, s.cfg.AddressHeader)
	acct, sess, next, err := s.saml.Finish(r, t.IdP, t.RequestIDs, addr)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.sessions.ClearCookie(w, r, samlCookie)
	if err := s.sessions.SignIn(w, r, sess); err != nil {
		s.fail(w, r, app.Internal(err, "start session"))
		return
	}
	s.log.Info("signed in", "req", requestID(r.Context()), "account", acct.ID, "method", sess.Method)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// handleSAMLLogout is the single logout service. It receives an identity
// provider's LogoutRequest (the person signed out elsewhere: end their
// sessions here and answer), or its answer to Carrel's own LogoutRequest,
// by HTTP-Redirect or HTTP-POST (a cross-site POST, exempt from
// cross-origin protection: the signature protects it).
func (s *Server) handleSAMLLogout(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if r.URL.Query().Has("SAMLRequest") || (r.Method == http.MethodPost && r.PostFormValue("SAMLRequest") != "") {
		s.handleIdPLogout(w, r)
		return
	}
	idp := r.URL.Query().Get("RelayState")
	if r.Method == http.MethodPost {
		idp = r.PostFormValue("RelayState")
	}
	if !slices.ContainsFunc(s.saml.IdPs(), func(i auth.SAMLIdP) bool { return i.Name == idp }) {
		idp = s.saml.IdPs()[0].Name
	}
	if err := s.saml.FinishLogout(r, idp); err != nil {
		s.log.Warn("SAML logout response refused", "req", requestID(r.Context()), "err", err)
	} else {
		s.audit(r, &app.AuditEntry{Action: "signout", Detail: "single logout: the identity provider confirmed (saml:" + idp + ")"})
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// samlPostPage is an HTTP-POST binding answer: a form the browser posts
// to the identity provider.
type samlPostPage struct {
	URL, SAMLResponse, RelayState string
}

func (s *Server) handleIdPLogout(w http.ResponseWriter, r *http.Request) {
	ans, err := s.saml.IdPLogout(r, auth.ClientAddress(r, s.cfg.AddressHeader))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The sessions are ended on the server; the browser's cookie goes too.
	if _, err := s.sessions.SignOut(w, r); err != nil {
		s.log.Warn("clear session cookie", "req", requestID(r.Context()), "err", err)
	}
	if ans.Redirect != "" {
		http.Redirect(w, r, ans.Redirect, http.StatusSeeOther)
		return
	}
	// The form posts to the identity provider, so this page allows that.
	if u, err := url.Parse(ans.PostURL); err == nil {
		w.Header().Set("Content-Security-Policy", strings.Replace(pageCSP, "form-action 'self'", "form-action "+u.Scheme+"://"+u.Host, 1))
	}
	s.render(w, r, http.StatusOK, "saml_post", view{Title: "Signing out", Page: samlPostPage{URL: ans.PostURL, SAMLResponse: ans.SAMLResponse, RelayState: ans.RelayState}})
}
