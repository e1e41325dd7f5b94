package catalog_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"carrel/app"
)

func TestReviews(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	owner := mustAccount(t, db, "owner@example.edu")
	reviewer := app.AuditEntry{ActorID: 99}
	faculty := &app.Group{Name: "Science"}
	if err := db.CreateGroup(ctx, faculty, reviewer); err != nil {
		t.Fatal(err)
	}
	dept := &app.Group{Name: "Physics", ParentID: faculty.ID}
	if err := db.CreateGroup(ctx, dept, reviewer); err != nil {
		t.Fatal(err)
	}
	t.Run("InheritedFromTheParent", func(t *testing.T) {
		if on, _ := db.ReviewRequired(ctx, dept.ID); on {
			t.Fatal("review on before it was switched on")
		}
		if err := db.SetGroupReview(ctx, faculty.ID, true, reviewer); err != nil {
			t.Fatal(err)
		}
		if on, _ := db.ReviewRequired(ctx, dept.ID); !on {
			t.Fatal("a subgroup does not inherit review")
		}
		if err := db.SetGroupReview(ctx, 12345, true, reviewer); app.ErrorCode(err) == "" {
			t.Fatal("review switched on for a missing group")
		}
	})
	it, err := db.CreateItem(ctx, owner.ID, dept.ID, complete())
	if err != nil {
		t.Fatal(err)
	}
	mustFile(t, db, it.ID, "a.csv", app.FileAvailable)
	who := app.AuditEntry{ActorID: owner.ID}
	var rev *app.Review
	t.Run("Submit", func(t *testing.T) {
		rev, err = db.SubmitForReview(ctx, it.ID, who)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := db.Item(ctx, it.ID)
		if got.Status != app.StatusPending || got.CurationStatus != app.CurationPending || rev.Version != 1 || rev.RequestNumber != 1 {
			t.Fatalf("item %s/%s, review %+v", got.Status, got.CurationStatus, rev)
		}
		if _, err := db.SubmitForReview(ctx, it.ID, who); app.ErrorCode(err) != app.ECONFLICT {
			t.Fatalf("second submission: %v", err)
		}
	})
	t.Run("QueueAndThread", func(t *testing.T) {
		q, err := db.Reviews(ctx, app.ReviewFilter{Groups: []int64{dept.ID}, Status: app.ReviewPending, AssignedTo: -1})
		if err != nil || len(q) != 1 || q[0].Title != "Soil moisture 2020" {
			t.Fatalf("queue %+v, %v", q, err)
		}
		if q, _ := db.Reviews(ctx, app.ReviewFilter{Groups: []int64{faculty.ID}}); len(q) != 0 {
			t.Fatal("another group's queue shows the review")
		}
		if err := db.AssignReview(ctx, rev.ID, 99, reviewer); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddReviewComment(ctx, rev.ID, "Please add the units.", reviewer); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddReviewComment(ctx, rev.ID, "  ", reviewer); app.ErrorCode(err) != app.EUNPROCESSABLE {
			t.Fatalf("empty comment: %v", err)
		}
	})
	t.Run("DeclineKeepsTheDraft", func(t *testing.T) {
		if err := db.RejectReview(ctx, rev.ID, "", reviewer); app.ErrorCode(err) != app.EUNPROCESSABLE {
			t.Fatalf("decline without a reason: %v", err)
		}
		if err := db.RejectReview(ctx, rev.ID, "Units are missing from the description.", reviewer); err != nil {
			t.Fatal(err)
		}
		got, _ := db.Item(ctx, it.ID)
		if got.Status != app.StatusDraft || got.Draft.Title != "Soil moisture 2020" {
			t.Fatalf("after decline: %s %q", got.Status, got.Draft.Title)
		}
		cs, _ := db.ReviewComments(ctx, rev.ID, 0, 0)
		if len(cs) != 2 || cs[1].Type != app.ReviewRejected {
			t.Fatalf("thread %+v", cs)
		}
		if err := db.AssignReview(ctx, rev.ID, 99, reviewer); app.ErrorCode(err) != app.ECONFLICT {
			t.Fatalf("assigning a decided review: %v", err)
		}
	})
	t.Run("ApproveOnlyWhatWasShown", func(t *testing.T) {
		rev2, err := db.SubmitForReview(ctx, it.ID, who)
		if err != nil || rev2.RequestNumber != 2 {
			t.Fatalf("resubmit: %+v %v", rev2, err)
		}
		shown, err := db.ShowDraft(ctx, rev2.ID)
		if err != nil {
			t.Fatal(err)
		}
		md := complete()
		md.Description = "Volumetric water content, m³/m³."
		if _, err := db.UpdateDraft(ctx, it.ID, md); err != nil {
			t.Fatal(err)
		}
		_, err = db.ApproveReview(ctx, rev2.ID, shown, "", reviewer)
		var stale *app.StaleReviewError
		if app.ErrorCode(err) != app.ECONFLICT || !errors.As(err, &stale) || !reflect.DeepEqual(stale.Changed, []string{"description"}) {
			t.Fatalf("approving a changed draft: %v", err)
		}
		if got, _ := db.Item(ctx, it.ID); got.Version != 0 {
			t.Fatal("a refused approval published the item")
		}
		shown, _ = db.ShowDraft(ctx, rev2.ID)
		ver, err := db.ApproveReview(ctx, rev2.ID, shown, "Thank you.", reviewer)
		if err != nil || ver.Number != 1 || ver.Metadata.Description != md.Description {
			t.Fatalf("approve: %+v %v", ver, err)
		}
		got, _ := db.Item(ctx, it.ID)
		r, _ := db.Review(ctx, rev2.ID)
		if got.Status != app.StatusPublished || r.Status != app.ReviewApproved || r.Decided.IsZero() {
			t.Fatalf("after approval: item %s, review %+v", got.Status, r)
		}
		entries, _ := db.AuditEntries(ctx, app.AuditFilter{Action: "review."})
		if len(entries) != 6 {
			t.Fatalf("audit has %d review entries, want 6: %+v", len(entries), entries)
		}
	})
}
