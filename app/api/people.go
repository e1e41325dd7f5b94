package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"carrel/app"
)

// PeopleCatalog is what the profile, author and funding operations need.
type PeopleCatalog interface {
	// UpdateProfile changes an account's names and ORCID iD, audited;
	// EUNPROCESSABLE for invalid input.
	UpdateProfile(ctx context.Context, id int64, p app.ProfileUpdate, who app.AuditEntry) error
	SearchAuthors(ctx context.Context, q app.AuthorQuery) ([]app.AuthorRecord, error)
	// AuthorFor is one author the query's viewer may see; ENOTFOUND else.
	AuthorFor(ctx context.Context, q app.AuthorQuery, id int64) (app.AuthorRecord, error)
	SearchFunding(ctx context.Context, q app.FundingQuery) ([]app.Funding, error)
}

func (s *Server) peopleRoutes() {
	s.handle("PUT /v2/account/profile", s.authed(s.handleProfileUpdate))
	s.handle("POST /v2/account/authors/search", s.authed(s.handleAuthorSearch))
	s.handle("GET /v2/account/authors/{aid}", s.authed(s.handleAuthor))
	s.handle("POST /v2/account/funding/search", s.authed(s.handleFundingSearch))
	s.handle("GET /v2/account/categories", s.authed(s.handleCategories))
	s.handle("GET /v2/account/licenses", s.authed(s.handleLicenses))
}

// handleProfileUpdate changes the caller's names and ORCID iD (Figshare's
// ProfileUpdateData); with user_id, an administrator or group
// administrator changes an account they manage. Profile fields Carrel does
// not keep are refused rather than dropped.
func (s *Server) handleProfileUpdate(w http.ResponseWriter, r *http.Request) {
	var in struct {
		FirstName *string `json:"first_name"`
		LastName  *string `json:"last_name"`
		ORCID     *string `json:"orcid"`

		JobTitle            json.RawMessage `json:"job_title"`
		FieldsOfInterest    json.RawMessage `json:"fields_of_interest"`
		FieldsOfInterestSrc json.RawMessage `json:"fields_of_interest_by_source_id"`
		Location            json.RawMessage `json:"location"`
		Facebook            json.RawMessage `json:"facebook"`
		X                   json.RawMessage `json:"x"`
		LinkedIn            json.RawMessage `json:"linkedin"`
		Bio                 json.RawMessage `json:"bio"`
		PersonalProfiles    json.RawMessage `json:"personal_profiles"`
	}
	if err := s.decode(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	for name, v := range map[string]json.RawMessage{"job_title": in.JobTitle, "fields_of_interest": in.FieldsOfInterest,
		"fields_of_interest_by_source_id": in.FieldsOfInterestSrc, "location": in.Location, "facebook": in.Facebook, "x": in.X,
		"linkedin": in.LinkedIn, "bio": in.Bio, "personal_profiles": in.PersonalProfiles} {
		if v != nil {
			s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "%s: this repository keeps only first_name, last_name and orcid in a profile", name))
			return
		}
	}
	id, err := s.profileAccount(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := app.ProfileUpdate{FirstName: in.FirstName, LastName: in.LastName, ORCID: in.ORCID}
	if err := s.cat.UpdateProfile(r.Context(), id, p, s.who(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"code": 200, "message": "OK"})
}

// profileAccount is the account a profile update changes: the caller's,
// or the one user_id names if the caller manages it. Carrel keeps no
// institution user ids, so institution_user_id names no account.
func (s *Server) profileAccount(r *http.Request) (int64, error) {
	q := r.URL.Query()
	if v := q.Get("institution_user_id"); v != "" {
		return 0, app.Errorf(app.ENOTFOUND, "no account has the institution user id %q", v)
	}
	me := actor(r.Context())
	if !q.Has("user_id") {
		return me.AccountID, nil
	}
	id, err := strconv.ParseInt(q.Get("user_id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, app.Errorf(app.EUNPROCESSABLE, "user_id must be a positive integer")
	}
	if id == me.AccountID {
		return id, nil
	}
	a, err := s.cat.Account(r.Context(), id)
	if app.ErrorCode(err) == app.ENOTFOUND || (err == nil && !app.CanManageGroup(me, a.GroupID)) {
		return 0, app.Errorf(app.ENOTFOUND, "account %d not found", id)
	}
	return id, err
}

// authorComplete is Figshare's AuthorComplete.
type authorComplete struct {
	authorJSON
	InstitutionID int64  `json:"institution_id"`
	GroupID       int64  `json:"group_id"`
	IsPublic      int    `json:"is_public"`
	JobTitle      string `json:"job_title"`
}

// completeAuthorOf renders a recorded author; is_active and is_public say,
// as Figshare's do, that the author has published items.
func completeAuthorOf(a app.AuthorRecord) authorComplete {
	j := authorComplete{authorJSON: authorOf(a.Author), InstitutionID: institutionID, GroupID: a.GroupID}
	j.IsActive = a.Public
	if a.Public {
		j.IsPublic = 1
	}
	return j
}

// authorQuery is the author search every caller gets: what it may see.
func authorQuery(a app.Actor) app.AuthorQuery {
	return app.AuthorQuery{Viewer: a.AccountID, All: a.Admin}
}

// handleAuthorSearch searches recorded authors (Figshare's
// PrivateAuthorsSearch): those on published items, on the caller's own
// items, and its own; administrators search all.
func (s *Server) handleAuthorSearch(w http.ResponseWriter, r *http.Request) {
	var in struct {
		SearchFor     string `json:"search_for"`
		InstitutionID int64  `json:"institution_id"`
		ORCID         string `json:"orcid"`
		GroupID       int64  `json:"group_id"`
		IsActive      *bool  `json:"is_active"`
		IsPublic      *bool  `json:"is_public"`
		bodyPaging
	}
	if err := s.decode(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	q := authorQuery(actor(r.Context()))
	q.Text, q.GroupID = in.SearchFor, in.GroupID
	var err error
	if q.Offset, q.Limit, err = in.window(); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.ORCID != "" && !app.ValidORCID(in.ORCID) {
		s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "orcid %q is not a valid ORCID iD", in.ORCID))
		return
	}
	q.ORCID = in.ORCID
	// Figshare's is_active and is_public both mean "has published items".
	for _, b := range []*bool{in.IsActive, in.IsPublic} {
		if b != nil && q.IsPublic != nil && *b != *q.IsPublic {
			s.writeJSON(w, http.StatusOK, []authorComplete{})
			return
		} else if b != nil {
			q.IsPublic = b
		}
	}
	if in.InstitutionID != 0 && in.InstitutionID != institutionID {
		s.writeJSON(w, http.StatusOK, []authorComplete{})
		return
	}
	list, err := s.cat.SearchAuthors(r.Context(), q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]authorComplete, 0, len(list))
	for _, a := range list {
		out = append(out, completeAuthorOf(a))
	}
	s.writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleAuthor(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "aid")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := s.cat.AuthorFor(r.Context(), authorQuery(actor(r.Context())), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, completeAuthorOf(a))
}

// handleFundingSearch searches the grants recorded on the caller's items
// and on published items (Figshare's FundingSearch; Carrel has no funder
// database of its own, so every answer is user defined).
func (s *Server) handleFundingSearch(w http.ResponseWriter, r *http.Request) {
	var in struct {
		SearchFor string `json:"search_for"`
	}
	if err := s.decode(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if len(in.SearchFor) > app.MaxShortTextLen {
		s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "search_for must be at most %d bytes", app.MaxShortTextLen))
		return
	}
	list, err := s.cat.SearchFunding(r.Context(), app.FundingQuery{Viewer: actor(r.Context()).AccountID, Text: in.SearchFor, Limit: 100})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, fundingOf(list))
}
