package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"carrel/app"
	"carrel/app/auth"
)

// who is the audit entry's "who and from where" for a page request.
func (s *Server) who(r *http.Request) app.AuditEntry {
	a := actor(r.Context())
	e := app.AuditEntry{ActorID: a.AccountID, Address: auth.ClientAddress(r, s.cfg.AddressHeader)}
	if a.Impersonator != 0 {
		e.ActorID, e.OnBehalf = a.Impersonator, a.AccountID
	}
	return e
}

// commentView is one message of a review thread as pages show it.
type commentView struct {
	app.ReviewComment
	Author string
}

// thread loads a review's messages with their authors' names.
func (s *Server) thread(r *http.Request, reviewID int64) ([]commentView, error) {
	list, err := s.cat.ReviewComments(r.Context(), reviewID, 0, 1000)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	var out []commentView
	for _, c := range list {
		name, ok := names[c.AccountID]
		if !ok {
			name = "Carrel"
			if a, err := s.cat.Account(r.Context(), c.AccountID); err == nil {
				name = a.FullName()
			}
			names[c.AccountID] = name
		}
		out = append(out, commentView{ReviewComment: c, Author: name})
	}
	return out, nil
}

// reviewer lets through signed-in reviewers and group administrators (of
// any group) and administrators; others are told there is no such page.
func (s *Server) reviewer(h http.HandlerFunc) http.HandlerFunc {
	return s.signedIn(func(w http.ResponseWriter, r *http.Request) {
		if groups, all := actor(r.Context()).GroupsWith(app.RoleReviewer, app.RoleGroupAdmin); !all && len(groups) == 0 {
			s.fail(w, r, app.Errorf(app.ENOTFOUND, "There is no page at this address."))
			return
		}
		h(w, r)
	})
}

// queueRow is one review in the reviewers' queue.
type queueRow struct {
	app.Review
	Age      string
	Assignee string
}

// queuePage is the data of /admin/reviews.
type queuePage struct {
	Rows     []queueRow
	Status   string
	Assigned string // "", "me" or "none"
	Groups   []app.Group
	GroupID  int64
}

// handleReviewQueue lists the reviews of the groups the reviewer reviews,
// oldest first, filtered by status, group and assignee.
func (s *Server) handleReviewQueue(w http.ResponseWriter, r *http.Request) {
	a := actor(r.Context())
	groups, all := a.GroupsWith(app.RoleReviewer, app.RoleGroupAdmin)
	q := r.URL.Query()
	p := queuePage{Status: q.Get("status"), Assigned: q.Get("assigned")}
	if p.Status == "" {
		p.Status = app.ReviewPending
	}
	f := app.ReviewFilter{Groups: groups, Status: p.Status, Limit: 500}
	if all {
		f.Groups = nil
	}
	if p.Status == "all" {
		f.Status = ""
	}
	switch p.Assigned {
	case "me":
		f.AssignedTo = a.AccountID
	case "none":
		f.AssignedTo = -1
	}
	p.GroupID, _ = strconv.ParseInt(q.Get("group"), 10, 64)
	f.GroupID = p.GroupID
	list, err := s.cat.Reviews(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, rv := range list {
		row := queueRow{Review: rv, Age: age(time.Since(rv.Created))}
		if rv.AssignedTo != 0 {
			row.Assignee = "someone"
			if acct, err := s.cat.Account(r.Context(), rv.AssignedTo); err == nil {
				row.Assignee = acct.FullName()
			}
		}
		p.Rows = append(p.Rows, row)
	}
	s.render(w, r, http.StatusOK, "reviews", view{Title: "Review queue", Page: p})
}

// age says how long ago something happened, roughly, for queues.
func age(d time.Duration) string {
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h", int(d.Hours()))
	}
	return fmt.Sprintf("%d days", int(d.Hours()/24))
}

// reviewPage is the data of /admin/reviews/{id}.
type reviewPage struct {
	Review    *app.Review
	Item      *app.Item
	Owner     string
	Files     []fileRow
	Thread    []commentView
	DraftHash string
	DraftURL  string
	Error     string
	Mine      bool
}

// reviewForReviewer loads a review the signed-in reviewer may act on;
// reviews of other groups do not exist for them.
func (s *Server) reviewForReviewer(r *http.Request) (*app.Review, *app.Item, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, nil, app.Errorf(app.ENOTFOUND, "There is no page at this address.")
	}
	rv, err := s.cat.Review(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	it, err := s.cat.Item(r.Context(), rv.ItemID)
	if err != nil {
		return nil, nil, err
	}
	if !app.CanReview(actor(r.Context()), it) {
		return nil, nil, app.Errorf(app.ENOTFOUND, "review %d not found", id)
	}
	return rv, it, nil
}

func (s *Server) handleReviewPage(w http.ResponseWriter, r *http.Request) {
	rv, it, err := s.reviewForReviewer(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderReview(w, r, http.StatusOK, rv, it, "")
}

// renderReview shows a review with the draft as it is now, recording
// what the reviewer was shown so that approving it approves exactly that.
func (s *Server) renderReview(w http.ResponseWriter, r *http.Request, status int, rv *app.Review, it *app.Item, msg string) {
	p := &reviewPage{Review: rv, Item: it, Error: msg, DraftURL: itemURL(it.Draft.Title, it.ID, 0),
		Mine: rv.AssignedTo == actor(r.Context()).AccountID}
	if owner, err := s.cat.Account(r.Context(), it.AccountID); err == nil {
		p.Owner = owner.FullName() + " <" + owner.Email + ">"
	}
	files, err := s.cat.DraftFiles(r.Context(), it.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, f := range files {
		row := fileRow{File: f}
		if f.Status == app.FileAvailable && previewKind(f.Name) != kindNone {
			row.PreviewURL = fmt.Sprintf("/preview/%d", f.ID)
		}
		p.Files = append(p.Files, row)
	}
	if p.Thread, err = s.thread(r, rv.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	if rv.Status == app.ReviewPending {
		if p.DraftHash, err = s.cat.ShowDraft(r.Context(), rv.ID); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, status, "review", view{Title: "Review: " + it.Draft.Title, Page: p})
}

// handleReviewAction takes a reviewer's form: assign, comment, approve or
// decline. A refused action shows the review again with the reason.
func (s *Server) handleReviewAction(w http.ResponseWriter, r *http.Request) {
	rv, it, err := s.reviewForReviewer(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	ctx, me := r.Context(), s.who(r)
	switch r.PostFormValue("action") {
	case "assign":
		err = s.cat.AssignReview(ctx, rv.ID, me.ActorID, me)
	case "unassign":
		err = s.cat.AssignReview(ctx, rv.ID, 0, me)
	case "comment":
		_, err = s.cat.AddReviewComment(ctx, rv.ID, r.PostFormValue("text"), me)
	case "approve":
		var ver *app.Version
		if ver, err = s.cat.ApproveReview(ctx, rv.ID, r.PostFormValue("draft_hash"), r.PostFormValue("text"), me); err == nil {
			http.Redirect(w, r, itemURL(ver.Metadata.Title, it.ID, 0), http.StatusSeeOther)
			return
		}
	case "decline":
		err = s.cat.RejectReview(ctx, rv.ID, r.PostFormValue("text"), me)
	default:
		err = app.Errorf(app.EINVALID, "unknown action")
	}
	if err != nil {
		if code := app.ErrorCode(err); code == app.EINTERNAL || code == app.EINVALID {
			s.fail(w, r, err)
			return
		}
		status, msg := http.StatusUnprocessableEntity, app.ErrorMessage(err)
		if app.ErrorCode(err) == app.ECONFLICT {
			status = http.StatusConflict
		}
		if rv, err = s.cat.Review(ctx, rv.ID); err != nil {
			s.fail(w, r, err)
			return
		}
		if it, err = s.cat.Item(ctx, rv.ItemID); err != nil {
			s.fail(w, r, err)
			return
		}
		s.renderReview(w, r, status, rv, it, msg)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/reviews/%d", rv.ID), http.StatusSeeOther)
}

// needsReview reports whether publishing the item goes through review:
// its group reviews first and the depositor is not one of its reviewers.
func (s *Server) needsReview(r *http.Request, it *app.Item) (bool, error) {
	if app.CanReview(actor(r.Context()), it) {
		return false, nil
	}
	return s.cat.ReviewRequired(r.Context(), it.GroupID)
}

// fillReview adds to the edit page the item's review: the open one with
// its thread, or the latest decided one (a decline's reason stays shown).
func (s *Server) fillReview(r *http.Request, p *editPage) error {
	var err error
	if p.ReviewNeeded, err = s.needsReview(r, p.Item); err != nil {
		return err
	}
	list, err := s.cat.Reviews(r.Context(), app.ReviewFilter{ItemID: p.Item.ID, Limit: 1000})
	if err != nil || len(list) == 0 {
		return err
	}
	p.Review = &list[len(list)-1]
	p.Thread, err = s.thread(r, p.Review.ID)
	return err
}

// handleDepositorReview takes the depositor's side of a review: a message
// to the reviewers, or withdrawing the submission.
func (s *Server) handleDepositorReview(w http.ResponseWriter, r *http.Request) {
	it, err := s.ownItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rv, err := s.cat.OpenReview(r.Context(), it.ID)
	if err != nil {
		s.fail(w, r, app.Errorf(app.ECONFLICT, "This item is not awaiting review."))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	switch r.PostFormValue("action") {
	case "withdraw":
		err = s.cat.WithdrawSubmission(r.Context(), rv.ID, s.who(r))
	default:
		_, err = s.cat.AddReviewComment(r.Context(), rv.ID, r.PostFormValue("text"), s.who(r))
	}
	if err != nil {
		s.formFailed(w, r, &editPage{Item: it, Form: formOf(&it.Draft)}, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/account/articles/%d#review-h", it.ID), http.StatusSeeOther)
}
