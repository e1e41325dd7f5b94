package api

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"time"

	"carrel/app"
	"carrel/app/auth"
)

// who is the audit entry's "who and from where" for a request: the acting
// account, the account it acts for when impersonating, and the address.
func (s *Server) who(r *http.Request) app.AuditEntry {
	a := actor(r.Context())
	e := app.AuditEntry{ActorID: a.AccountID, Address: s.clientAddress(r)}
	if a.Impersonator != 0 {
		e.ActorID, e.OnBehalf = a.Impersonator, a.AccountID
	}
	return e
}

// clientAddress is the request's client address: the peer's, or behind a
// reverse proxy the one auth.address_header names.
func (s *Server) clientAddress(r *http.Request) string {
	return auth.ClientAddress(r, s.cfg.AddressHeader)
}

// embargoJSON is Figshare's ArticleEmbargo (and, for PUT, its updater).
type embargoJSON struct {
	IsEmbargoed    bool    `json:"is_embargoed"`
	EmbargoDate    *string `json:"embargo_date"`
	EmbargoType    string  `json:"embargo_type"`
	EmbargoTitle   string  `json:"embargo_title"`
	EmbargoReason  string  `json:"embargo_reason"`
	EmbargoOptions []any   `json:"embargo_options"`
}

func embargoOf(it *app.Item) embargoJSON {
	var a articleComplete
	setAccessFields(&a, it)
	return embargoJSON{IsEmbargoed: a.IsEmbargoed, EmbargoDate: a.EmbargoDate, EmbargoType: a.EmbargoType,
		EmbargoTitle: a.EmbargoTitle, EmbargoReason: a.EmbargoReason, EmbargoOptions: []any{}}
}

type confidentialityJSON struct {
	IsConfidential bool   `json:"is_confidential"`
	Reason         string `json:"reason"`
}

func confidentialityOf(it *app.Item) confidentialityJSON {
	return confidentialityJSON{it.Confidentiality.Confidential, it.Confidentiality.Reason}
}

func (s *Server) handleEmbargoGet(w http.ResponseWriter, r *http.Request) {
	it, err := s.ownItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, embargoOf(it))
}

func (s *Server) handleEmbargoPut(w http.ResponseWriter, r *http.Request) {
	it, err := s.ownItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in struct {
		IsEmbargoed    *bool   `json:"is_embargoed"`
		EmbargoDate    *string `json:"embargo_date"`
		EmbargoType    *string `json:"embargo_type"`
		EmbargoTitle   string  `json:"embargo_title"`
		EmbargoReason  string  `json:"embargo_reason"`
		EmbargoOptions []any   `json:"embargo_options"`
	}
	if err := s.decode(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	e, err := embargoInput(in.IsEmbargoed, in.EmbargoDate, in.EmbargoType, in.EmbargoTitle, in.EmbargoReason, len(in.EmbargoOptions))
	if err == nil {
		err = s.checkEmbargoPolicy(r, it, e)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.cat.SetEmbargo(r.Context(), it.ID, e, s.who(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusResetContent, map[string]string{"location": fmt.Sprintf("%s/v2/account/articles/%d/embargo", s.base(r), it.ID)})
}

// embargoInput checks a Figshare embargo update: is_embargoed, and when
// true an embargo_type and an embargo_date ("0" for permanent, else in the
// future). Carrel offers no embargo options (IP ranges, institution
// sign-in), so a non-empty list is refused rather than ignored.
func embargoInput(on *bool, date, typ *string, title, reason string, options int) (app.Embargo, error) {
	if on == nil {
		return app.Embargo{}, app.Errorf(app.EUNPROCESSABLE, "is_embargoed is required")
	}
	if !*on {
		return app.Embargo{}, nil
	}
	if typ == nil || date == nil {
		return app.Embargo{}, app.Errorf(app.EUNPROCESSABLE, "embargo_type and embargo_date are required to set an embargo")
	}
	if options > 0 {
		return app.Embargo{}, app.Errorf(app.EUNPROCESSABLE, "this repository offers no embargo options; send an empty embargo_options list")
	}
	e := app.Embargo{Type: app.EmbargoType(*typ), Title: title, Reason: reason}
	if *date != "0" {
		until, err := parseDate("embargo_date", *date)
		if err != nil {
			return e, err
		}
		if until.IsZero() || !until.After(time.Now()) {
			return e, app.Errorf(app.EUNPROCESSABLE, "embargo_date must be in the future, or \"0\" for a permanent embargo")
		}
		e.Until = until
	}
	return e, e.Validate()
}

func (s *Server) handleEmbargoDelete(w http.ResponseWriter, r *http.Request) {
	it, err := s.ownItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.cat.SetEmbargo(r.Context(), it.ID, app.Embargo{}, s.who(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleConfidentialityGet(w http.ResponseWriter, r *http.Request) {
	it, err := s.ownItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, confidentialityOf(it))
}

func (s *Server) handleConfidentialityPut(w http.ResponseWriter, r *http.Request) {
	it, err := s.ownItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in struct {
		Reason *string `json:"reason"`
	}
	if err := s.decode(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.Reason == nil {
		s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "reason is required"))
		return
	}
	if _, err := s.cat.SetConfidentiality(r.Context(), it.ID, app.Confidentiality{Confidential: true, Reason: *in.Reason}, s.who(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusResetContent, map[string]string{"location": fmt.Sprintf("%s/v2/account/articles/%d/confidentiality", s.base(r), it.ID)})
}

func (s *Server) handleConfidentialityDelete(w http.ResponseWriter, r *http.Request) {
	it, err := s.ownItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.cat.SetConfidentiality(r.Context(), it.ID, app.Confidentiality{}, s.who(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// handlePublicEmbargo answers a published version's embargo; the embargo
// belongs to the item, so every version answers the same.
func (s *Server) handlePublicEmbargo(w http.ResponseWriter, r *http.Request) {
	it, _, err := s.publicVersion(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, embargoOf(it))
}

func (s *Server) handlePublicConfidentiality(w http.ResponseWriter, r *http.Request) {
	it, _, err := s.publicVersion(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, confidentialityOf(it))
}

// handleEmbargoOptions lists the institution's embargo options: Carrel
// offers none (embargoes hide from everyone but the item's managers).
func (s *Server) handleEmbargoOptions(w http.ResponseWriter, r *http.Request) {
	s.writeJSON(w, http.StatusOK, []any{})
}

// newLinkToken is a fresh private-link secret: 128 random bits.
func newLinkToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}
