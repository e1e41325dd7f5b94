package web

import (
	"net/http"
	"strings"

	"carrel/app"
	"carrel/app/auth"
)

// loginPage is the data of the sign-in form.
type loginPage struct {
	Email string
	Next  string
	Error string
}

// safeNext keeps a post-sign-in redirect on this site: a local path, never
// "//host" or a scheme.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return "/account"
	}
	return next
}

func (s *Server) handleLoginForm(w http.ResponseWriter, r *http.Request) {
	if account(r.Context()) != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", view{Title: "Sign in", Page: loginPage{Next: safeNext(r.URL.Query().Get("next"))}})
}

// handleLogin checks an email and password. Unknown accounts, inactive
// accounts, accounts without a password and wrong passwords all get the
// same answer after the same work, so that the form cannot be used to
// learn who has an account.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	email, password := strings.TrimSpace(r.PostFormValue("email")), r.PostFormValue("password")
	p := loginPage{Email: email, Next: safeNext(r.PostFormValue("next"))}
	acct, err := s.cat.AccountByEmail(r.Context(), email)
	hash := s.dummyHash
	switch code := app.ErrorCode(err); {
	case code == "":
		if h, err := s.cat.PasswordHash(r.Context(), acct.ID); err != nil {
			s.fail(w, r, err)
			return
		} else if h != "" {
			hash = h
		}
	case code != app.ENOTFOUND:
		s.fail(w, r, err)
		return
	}
	ok := auth.CheckPassword(hash, password)
	if !ok || acct == nil || !acct.Active || hash == s.dummyHash {
		s.log.Info("sign-in failed", "req", requestID(r.Context()))
		p.Error = "The email address or password is not correct."
		s.render(w, r, http.StatusUnauthorized, "login", view{Title: "Sign in", Page: p})
		return
	}
	if err := s.sessions.SignIn(w, r, acct.ID); err != nil {
		s.fail(w, r, app.Internal(err, "start session"))
		return
	}
	s.log.Info("signed in", "req", requestID(r.Context()), "account", acct.ID)
	http.Redirect(w, r, p.Next, http.StatusSeeOther)
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	if err := s.sessions.SignOut(w, r); err != nil {
		s.fail(w, r, app.Internal(err, "end session"))
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
