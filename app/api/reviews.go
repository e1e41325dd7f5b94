package api

import (
	"fmt"
	"net/http"

	"carrel/app"
)

// curationJSON is Figshare's Curation (and, with item, CurationDetail).
type curationJSON struct {
	ID                int64            `json:"id"`
	GroupID           int64            `json:"group_id"`
	AccountID         int64            `json:"account_id"`
	AssignedTo        int64            `json:"assigned_to"`
	ArticleID         int64            `json:"article_id"`
	Version           int              `json:"version"`
	CommentsCount     int              `json:"comments_count"`
	Status            string           `json:"status"`
	CreatedDate       string           `json:"created_date"`
	ModifiedDate      string           `json:"modified_date"`
	RequestNumber     int              `json:"request_number"`
	ResolutionComment string           `json:"resolution_comment"`
	ReviewDate        string           `json:"review_date,omitempty"`
	Title             string           `json:"title"`
	Item              *articleComplete `json:"item,omitempty"`
	// DraftHash identifies the draft the reviewer was shown; an approval
	// must send it back (a Carrel extension).
	DraftHash string `json:"draft_hash,omitempty"`
}

func curation(rv *app.Review) curationJSON {
	c := curationJSON{ID: rv.ID, GroupID: rv.GroupID, AccountID: rv.AccountID, AssignedTo: rv.AssignedTo, ArticleID: rv.ItemID,
		Version: rv.Version, CommentsCount: rv.Comments, Status: rv.Status, CreatedDate: stamp(rv.Created),
		ModifiedDate: stamp(rv.Modified), RequestNumber: rv.RequestNumber, ResolutionComment: rv.Resolution, Title: rv.Title}
	if !rv.Decided.IsZero() {
		c.ReviewDate = stamp(rv.Decided)
	}
	return c
}

// reviewFor loads a review and its item for a caller who may take part in
// it: the item's owner or one who may review it. Others are told it does
// not exist.
func (s *Server) reviewFor(r *http.Request) (*app.Review, *app.Item, error) {
	id, err := pathID(r, "curation_id")
	if err != nil {
		return nil, nil, err
	}
	rv, err := s.cat.Review(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	it, err := s.cat.Item(r.Context(), rv.ItemID)
	if err != nil {
		return nil, nil, err
	}
	a := actor(r.Context())
	if !app.CanReview(a, it) && !app.CanEdit(a, it) {
		return nil, nil, app.Errorf(app.ENOTFOUND, "review %d not found", id)
	}
	return rv, it, nil
}

// reviewing is reviewFor for the reviewers' own actions.
func (s *Server) reviewing(r *http.Request) (*app.Review, *app.Item, error) {
	rv, it, err := s.reviewFor(r)
	if err == nil && !app.CanReview(actor(r.Context()), it) {
		return nil, nil, app.Errorf(app.EFORBIDDEN, "only reviewers of the item's group may do this")
	}
	return rv, it, err
}

// handleReviews is GET /v2/account/institution/reviews: the queue of the
// groups the caller reviews.
func (s *Server) handleReviews(w http.ResponseWriter, r *http.Request) {
	groups, all := actor(r.Context()).GroupsWith(app.RoleReviewer, app.RoleGroupAdmin)
	if !all && len(groups) == 0 {
		s.fail(w, r, app.Errorf(app.EFORBIDDEN, "only reviewers see the review queue"))
		return
	}
	off, lim, err := paging(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	f := app.ReviewFilter{Groups: groups, Offset: off, Limit: lim, Status: q.Get("status")}
	if all {
		f.Groups = nil
	}
	switch f.Status {
	case "", app.ReviewPending, app.ReviewApproved, app.ReviewRejected, app.ReviewClosed:
	default:
		s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "status must be pending, approved, rejected or closed"))
		return
	}
	for name, dst := range map[string]*int64{"group_id": &f.GroupID, "article_id": &f.ItemID} {
		if v := q.Get(name); v != "" {
			if _, err := fmt.Sscan(v, dst); err != nil || *dst < 0 {
				s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "%s must be a number", name))
				return
			}
		}
	}
	list, err := s.cat.Reviews(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := []curationJSON{}
	for i := range list {
		out = append(out, curation(&list[i]))
	}
	s.writeJSON(w, http.StatusOK, out)
}

// handleReview is GET /v2/account/institution/review/{curation_id}, with
// the item's draft; for a reviewer it also records the draft shown.
func (s *Server) handleReview(w http.ResponseWriter, r *http.Request) {
	rv, it, err := s.reviewFor(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.vocab(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	files, err := s.cat.DraftFiles(r.Context(), it.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c := curation(rv)
	item := s.completeArticle(r, v, it, nil, files)
	c.Item = &item
	if rv.Status == app.ReviewPending && app.CanReview(actor(r.Context()), it) {
		if c.DraftHash, err = s.cat.ShowDraft(r.Context(), rv.ID); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.writeJSON(w, http.StatusOK, c)
}
