package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"carrel/app"
	"carrel/app/auth"
)

// loginPage is the data of the sign-in form.
type loginPage struct {
	Email string
	Next  string
	Error string
	// Directory is set when LDAP is configured: the form then asks for a
	// user name or email address.
	Directory bool
	// Local is false when only single sign-on is offered.
	Local bool
	// IdPs are the SAML identity providers to offer, if any.
	IdPs []idpChoice
}

// idpChoice is one identity provider button on the sign-in page.
type idpChoice struct {
	Name, Label, URL string
}

// safeNext keeps a post-sign-in redirect on this site: a local path, never
// "//host" or a scheme.
func safeNext(next string) string {
	if !auth.LocalPath(next) {
		return "/account"
	}
	return next
}

func (s *Server) loginPage(r *http.Request, p loginPage) loginPage {
	p.Directory = s.login.UsesDirectory()
	p.Local = s.login.AcceptsPasswords()
	if s.saml != nil {
		for _, idp := range s.saml.IdPs() {
			p.IdPs = append(p.IdPs, idpChoice{Name: idp.Name, Label: idp.Label,
				URL: "/saml/login/" + idp.Name + "?next=" + urlQueryEscape(p.Next)})
		}
	}
	return p
}

func (s *Server) handleLoginForm(w http.ResponseWriter, r *http.Request) {
	if account(r.Context()) != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	p := s.loginPage(r, loginPage{Next: safeNext(r.URL.Query().Get("next"))})
	s.render(w, r, http.StatusOK, "login", view{Title: "Sign in", Page: p})
}

// handleLogin checks a user name and password. Unknown accounts, inactive
// accounts, accounts without a password and wrong passwords all get the
// same answer after the same work (auth.Login), so that the form cannot be
// used to learn who has an account.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	email, password := strings.TrimSpace(r.PostFormValue("email")), r.PostFormValue("password")
	p := s.loginPage(r, loginPage{Email: email, Next: safeNext(r.PostFormValue("next"))})
	if !p.Local {
		s.fail(w, r, app.Errorf(app.ENOTFOUND, "Sign-in with a password is not enabled here."))
		return
	}
	addr := auth.ClientAddress(r, s.cfg.AddressHeader)
	acct, method, err := s.login.SignIn(r.Context(), email, password, addr)
	var throttled *auth.ThrottledError
	switch {
	case errors.As(err, &throttled):
		w.Header().Set("Retry-After", strconv.Itoa(int(throttled.RetryAfter.Seconds())+1))
		p.Error = throttled.Error()
		s.render(w, r, http.StatusTooManyRequests, "login", view{Title: "Sign in", Page: p})
		return
	case app.ErrorCode(err) == app.EUNAUTHORIZED:
		s.log.Info("sign-in failed", "req", requestID(r.Context()))
		p.Error = app.ErrorMessage(err)
		s.render(w, r, http.StatusUnauthorized, "login", view{Title: "Sign in", Page: p})
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	if err := s.sessions.SignIn(w, r, app.Session{AccountID: acct.ID, Method: method, Address: addr}); err != nil {
		s.fail(w, r, app.Internal(err, "start session"))
		return
	}
	s.log.Info("signed in", "req", requestID(r.Context()), "account", acct.ID, "method", method)
	http.Redirect(w, r, p.Next, http.StatusSeeOther)
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	ended, err := s.sessions.SignOut(w, r)
	if err != nil {
		s.fail(w, r, app.Internal(err, "end session"))
		return
	}
	if ended != nil {
		s.audit(r, &app.AuditEntry{Action: "signout", ActorID: ended.AccountID, Target: "account:" + strconv.FormatInt(ended.AccountID, 10)})
		if s.saml != nil && strings.HasPrefix(ended.Method, "saml:") {
			// Single logout, when the identity provider offers it.
			if u, err := s.saml.LogoutURL(r.Context(), ended); err != nil {
				s.log.Warn("SAML single logout", "req", requestID(r.Context()), "err", err)
			} else if u != "" {
				http.Redirect(w, r, u, http.StatusSeeOther)
				return
			}
		}
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// audit records a security-relevant action from a request; a failure to
// record it is logged.
func (s *Server) audit(r *http.Request, e *app.AuditEntry) {
	e.Address = auth.ClientAddress(r, s.cfg.AddressHeader)
	if err := s.cat.Audit(r.Context(), e); err != nil {
		s.log.Error("audit", "req", requestID(r.Context()), "action", e.Action, "err", err)
	}
}
