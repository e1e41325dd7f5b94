package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"carrel/app"
	"carrel/app/auth"
)

// impersonationCookie holds, sealed with the session keys, the account an
// administrator acts as. It is bound to the administrator's session: once
// that session ends, the cookie opens nothing.
const impersonationCookie = "carrel_acting_as"

// actingAs is the sealed content of the impersonation cookie.
type actingAs struct {
	Session string // the hash of the administrator's session id
	Account int64  // the account acted as
}

// impersonate turns the request of an administrator who has started acting
// as someone into a request of that account, as long as the policy still
// allows it (app.CanImpersonate): the page then shows and does what the
// account would, and knows who is really there. Every such request is
// audited with both account ids; if that record cannot be written, the
// request is refused.
func (s *Server) impersonate(ctx context.Context, r *http.Request, real *app.Account, act app.Actor) (context.Context, error) {
	var as actingAs
	sess, ok := s.sessions.Current(r)
	if !ok || !s.sessions.OpenCookie(r, impersonationCookie, &as) || as.Session != sess.IDHash {
		return ctx, nil
	}
	target, targetActor, err := s.impersonable(ctx, act, as.Account)
	if err != nil {
		return ctx, nil // the right has gone: the administrator is themself again
	}
	targetActor.Impersonator = real.ID
	if !strings.HasPrefix(r.URL.Path, "/static/") {
		e := app.AuditEntry{ActorID: real.ID, OnBehalf: target.ID, Action: "account.impersonate",
			Target: fmt.Sprintf("account:%d", target.ID), Address: auth.ClientAddress(r, s.cfg.AddressHeader),
			Detail: r.Method + " " + r.URL.Path}
		if err := s.cat.Audit(ctx, &e); err != nil {
			return ctx, err
		}
	}
	ctx = context.WithValue(ctx, ctxImpersonator, real)
	return context.WithValue(context.WithValue(ctx, ctxAccount, target), ctxActor, targetActor), nil
}

// impersonable loads the account id names and its actor if the actor may
// act as it: ENOTFOUND otherwise, so that who exists does not leak. An
// account that holds the administrator role through a role assignment is
// an administrator too, and is refused like one.
func (s *Server) impersonable(ctx context.Context, a app.Actor, id int64) (*app.Account, app.Actor, error) {
	notFound := app.Errorf(app.ENOTFOUND, "There is no page at this address.")
	target, err := s.cat.Account(ctx, id)
	if err != nil {
		return nil, app.Actor{}, notFound
	}
	as, err := s.cat.Actor(ctx, target)
	if err != nil {
		return nil, app.Actor{}, err
	}
	t := *target
	t.Admin = as.Admin
	if !app.CanImpersonate(a, &t, t.GroupID) {
		return nil, app.Actor{}, app.Errorf(app.EFORBIDDEN, "You may not act as %s: administrators, deactivated accounts and your own cannot be impersonated.", target.Email)
	}
	return target, as, nil
}

// impersonator returns the administrator acting as the signed-in account,
// or nil when nobody is.
func impersonator(ctx context.Context) *app.Account {
	a, _ := ctx.Value(ctxImpersonator).(*app.Account)
	return a
}

// handleImpersonateStart lets an administrator act as a person from their
// page. It is audited; acting as another administrator is refused.
func (s *Server) handleImpersonateStart(w http.ResponseWriter, r *http.Request) {
	id, err := s.personID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	real := account(r.Context())
	target, _, err := s.impersonable(r.Context(), actor(r.Context()), id)
	if err != nil {
		s.personProblem(w, r, err)
		return
	}
	sess, ok := s.sessions.Current(r)
	if !ok {
		s.fail(w, r, app.Errorf(app.EUNAUTHORIZED, "Please sign in first."))
		return
	}
	e := app.AuditEntry{ActorID: real.ID, OnBehalf: target.ID, Action: "account.impersonate.start",
		Target: fmt.Sprintf("account:%d", target.ID), Address: auth.ClientAddress(r, s.cfg.AddressHeader)}
	if err := s.cat.Audit(r.Context(), &e); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.sessions.SealCookie(w, r, impersonationCookie, actingAs{Session: sess.IDHash, Account: target.ID}, auth.SessionMaxAge, false); err != nil {
		s.fail(w, r, app.Internal(err, "seal impersonation"))
		return
	}
	http.Redirect(w, r, "/account", http.StatusSeeOther)
}

// handleImpersonateStop ends acting as someone and goes back to that
// person's administration page.
func (s *Server) handleImpersonateStop(w http.ResponseWriter, r *http.Request) {
	real, acct := impersonator(r.Context()), account(r.Context())
	s.sessions.ClearCookie(w, r, impersonationCookie)
	if real == nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.audit(r, &app.AuditEntry{ActorID: real.ID, OnBehalf: acct.ID, Action: "account.impersonate.stop", Target: fmt.Sprintf("account:%d", acct.ID)})
	http.Redirect(w, r, fmt.Sprintf("/admin/people/%d", acct.ID), http.StatusSeeOther)
}
