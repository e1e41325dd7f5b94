package api

import (
	"fmt"
	"net/http"

	"carrel/app"
)

// commentJSON is Figshare's CurationComment.
type commentJSON struct {
	ID           int64  `json:"id"`
	AccountID    int64  `json:"account_id"`
	Type         string `json:"type"`
	Text         string `json:"text"`
	CreatedDate  string `json:"created_date"`
	ModifiedDate string `json:"modified_date"`
}

func (s *Server) handleReviewComments(w http.ResponseWriter, r *http.Request) {
	rv, _, err := s.reviewFor(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	off, lim, err := paging(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := s.cat.ReviewComments(r.Context(), rv.ID, off, lim)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := []commentJSON{}
	for _, c := range list {
		out = append(out, commentJSON{ID: c.ID, AccountID: c.AccountID, Type: c.Type, Text: c.Text,
			CreatedDate: stamp(c.Created), ModifiedDate: stamp(c.Created)})
	}
	s.writeJSON(w, http.StatusOK, out)
}

// handleReviewComment adds to the thread: the depositor and the item's
// reviewers talk there.
func (s *Server) handleReviewComment(w http.ResponseWriter, r *http.Request) {
	rv, _, err := s.reviewFor(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in struct {
		Text string `json:"text"`
	}
	if err := s.decode(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.cat.AddReviewComment(r.Context(), rv.ID, in.Text, s.who(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusOK) // as Figshare's document says, though a comment is created
}

// handleReviewAssign is POST .../review/{curation_id}/assign (a Carrel
// extension): {"assigned_to": account id}, or none to take it oneself.
func (s *Server) handleReviewAssign(w http.ResponseWriter, r *http.Request) {
	rv, _, err := s.reviewing(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in struct {
		AssignedTo *int64 `json:"assigned_to"`
	}
	if err := s.decode(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	to := actor(r.Context()).AccountID
	if in.AssignedTo != nil {
		to = *in.AssignedTo
	}
	if to != 0 && to != actor(r.Context()).AccountID {
		acct, err := s.cat.Account(r.Context(), to)
		if err != nil {
			s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "account %d does not exist", to))
			return
		}
		reviewer, err := s.cat.Actor(r.Context(), acct)
		it, _ := s.cat.Item(r.Context(), rv.ItemID)
		if err != nil || it == nil || !app.CanReview(reviewer, it) {
			s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "account %d does not review this item's group", to))
			return
		}
	}
	if err := s.cat.AssignReview(r.Context(), rv.ID, to, s.who(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// handleReviewApprove is POST .../review/{curation_id}/approve (a Carrel
// extension): {"draft_hash": as GET showed it, "comment": optional}.
// The item is published; 409 if its draft changed since it was shown.
func (s *Server) handleReviewApprove(w http.ResponseWriter, r *http.Request) {
	rv, _, err := s.reviewing(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in struct {
		DraftHash string `json:"draft_hash"`
		Comment   string `json:"comment"`
	}
	if err := s.decode(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.DraftHash == "" {
		s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "draft_hash is required: send the draft_hash of the review as you read it"))
		return
	}
	ver, err := s.cat.ApproveReview(r.Context(), rv.ID, in.DraftHash, in.Comment, s.who(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc := fmt.Sprintf("%s/v2/articles/%d/versions/%d", s.base(r), rv.ItemID, ver.Number)
	w.Header().Set("Location", loc)
	s.writeJSON(w, http.StatusCreated, map[string]string{"location": loc})
}

// handleReviewDecline is POST .../review/{curation_id}/decline (a Carrel
// extension): {"reason": "..."}, which the depositor reads.
func (s *Server) handleReviewDecline(w http.ResponseWriter, r *http.Request) {
	rv, _, err := s.reviewing(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := s.decode(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.cat.RejectReview(r.Context(), rv.ID, in.Reason, s.who(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// submitForReview is publish in a group that reviews first: the draft goes
// to the group's reviewers and the answer is 202 with the review's place.
func (s *Server) submitForReview(w http.ResponseWriter, r *http.Request, it *app.Item) {
	rv, err := s.cat.SubmitForReview(r.Context(), it.ID, s.who(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc := fmt.Sprintf("%s/v2/account/institution/review/%d", s.base(r), rv.ID)
	w.Header().Set("Location", loc)
	s.writeJSON(w, http.StatusAccepted, map[string]string{"location": loc,
		"message": "The item was submitted for review; it is published when a reviewer approves it."})
}

// needsReview reports whether publishing the item must go through review:
// its group reviews first, and the caller is not one of its reviewers.
func (s *Server) needsReview(r *http.Request, it *app.Item) (bool, error) {
	if app.CanReview(actor(r.Context()), it) {
		return false, nil
	}
	return s.cat.ReviewRequired(r.Context(), it.GroupID)
}
