package notify

import (
	"context"
	"fmt"
	"strings"
	"time"

	"carrel/app"
)

// mailsFor decides who is told of an audit entry, and what.
func (n *Notifier) mailsFor(ctx context.Context, e app.AuditEntry) ([]app.Mail, error) {
	var reviewID int64
	switch {
	case strings.HasPrefix(e.Action, "quota."):
		return n.quotaMails(ctx, e)
	case strings.HasPrefix(e.Action, "review.") && e.Action != "review.comment" && e.Action != "review.assign":
		fmt.Sscanf(e.Detail, "review %d", &reviewID)
	case e.Action == "review.comment":
		fmt.Sscanf(e.Target, "review:%d", &reviewID)
	default:
		return nil, nil
	}
	if reviewID == 0 {
		return nil, nil
	}
	rv, err := n.store.Review(ctx, reviewID)
	if app.ErrorCode(err) == app.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	it, err := n.store.Item(ctx, rv.ItemID)
	if err != nil {
		return nil, err
	}
	actorID := doer(e)
	actorName := "Someone"
	if a, err := n.store.Account(ctx, actorID); err == nil {
		actorName = a.FullName()
	}
	data := func() map[string]any {
		return map[string]any{"Title": it.Draft.Title, "ItemID": it.ID, "ReviewID": rv.ID, "Actor": actorName,
			"ItemPath": app.LandingPath(it.Draft.Title, it.ID), "Text": rv.Resolution}
	}
	owner, err := n.store.Account(ctx, it.AccountID)
	if err != nil {
		return nil, err
	}
	var out []app.Mail
	add := func(event string, to app.Account, d map[string]any) error {
		if !to.Active || to.ID == actorID {
			return nil // nobody is told of what they did themselves
		}
		m, err := n.render(event, to, d)
		out = append(out, m)
		return err
	}
	switch e.Action {
	case "review.submit":
		reviewers, err := n.store.Reviewers(ctx, rv.GroupID)
		if err != nil {
			return nil, err
		}
		for _, to := range reviewers {
			if err := add("review_submitted", to, data()); err != nil {
				return nil, err
			}
		}
	case "review.approve":
		err = add("review_approved", *owner, data())
	case "review.decline":
		err = add("review_declined", *owner, data())
	case "review.comment":
		d := data()
		d["Text"] = e.Detail
		if text, ok := strings.CutPrefix(e.Detail, "comment "); ok {
			d["Text"] = n.commentText(ctx, rv.ID, text)
		}
		if actorID == owner.ID {
			// The depositor answered: tell the assigned reviewer, or all.
			d["Link"] = fmt.Sprintf("%s/admin/reviews/%d", strings.TrimRight(n.cfg.BaseURL, "/"), rv.ID)
			to, err := n.reviewersOf(ctx, rv)
			if err != nil {
				return nil, err
			}
			for _, a := range to {
				if err := add("review_comment", a, d); err != nil {
					return nil, err
				}
			}
		} else {
			d["Link"] = fmt.Sprintf("%s/account/articles/%d#review-h", strings.TrimRight(n.cfg.BaseURL, "/"), it.ID)
			err = add("review_comment", *owner, d)
		}
	}
	return out, err
}

// reviewersOf is the reviewer a review is assigned to, or, while it is
// unassigned, every reviewer of its group.
func (n *Notifier) reviewersOf(ctx context.Context, rv *app.Review) ([]app.Account, error) {
	if rv.AssignedTo != 0 {
		a, err := n.store.Account(ctx, rv.AssignedTo)
		if err != nil {
			return nil, err
		}
		return []app.Account{*a}, nil
	}
	return n.store.Reviewers(ctx, rv.GroupID)
}

// commentText finds a comment's text by its id in the review's thread.
func (n *Notifier) commentText(ctx context.Context, reviewID int64, id string) string {
	list, err := n.store.ReviewComments(ctx, reviewID, 0, 10000)
	if err == nil {
		for _, c := range list {
			if fmt.Sprint(c.ID) == id {
				return c.Text
			}
		}
	}
	return "(see the thread)"
}

// remindEmbargoes tells depositors of embargoes lifting within the notice
// period, once per embargo date.
func (n *Notifier) remindEmbargoes(ctx context.Context, r *app.JobReport) error {
	if n.cfg.EmbargoNotice <= 0 {
		return nil
	}
	items, err := n.store.EmbargoesEnding(ctx, n.now().Add(n.cfg.EmbargoNotice))
	if err != nil {
		return err
	}
	for _, it := range items {
		owner, err := n.store.Account(ctx, it.AccountID)
		if err != nil {
			return err
		}
		var mails []app.Mail
		if owner.Active {
			m, err := n.render("embargo_ending", *owner, map[string]any{"Title": it.Draft.Title, "ItemID": it.ID,
				"Date": it.Embargo.Until.UTC().Format(time.DateOnly), "FilesOnly": it.Embargo.Type == app.EmbargoFiles})
			if err != nil {
				return err
			}
			mails = append(mails, m)
		}
		cursor, err := n.store.MailCursor(ctx)
		if err != nil {
			return err
		}
		if err := n.store.EnqueueMail(ctx, mails, cursor, cursor); err != nil {
			return err
		}
		if err := n.store.EmbargoReminded(ctx, it.ID, it.Embargo.Until); err != nil {
			return err
		}
		r.Add("embargo_reminders", int64(len(mails)))
	}
	return nil
}

// doer is the account an audited action was done as: the impersonated
// account when an administrator acted as someone.
func doer(e app.AuditEntry) int64 {
	if e.OnBehalf != 0 {
		return e.OnBehalf
	}
	return e.ActorID
}
