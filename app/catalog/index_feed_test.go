package catalog_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"carrel/app"
	"carrel/search"
)

// TestAllSearchDocumentsMatchesItemByItem seeds a catalog with items in
// every state a document depends on and checks that the batched rebuild
// feed yields, for every batch size, exactly the documents SearchDocument
// builds item by item, once each, in id order, without deleted items.
func TestAllSearchDocumentsMatchesItemByItem(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	db.SetClock(func() time.Time { return now })
	owner := mustAccount(t, db, "owner@example.edu")
	who := app.AuditEntry{ActorID: owner.ID}
	create := func(title string, files ...string) int64 {
		t.Helper()
		md := complete()
		md.Title = title
		md.Funding = "Wellcome"
		md.FundingList = []app.Funding{{Title: "Soils", Funder: "NERC", GrantCode: "NE/1"}}
		md.Keywords = []string{"soil", title}
		it, err := db.CreateItem(ctx, owner.ID, 0, md)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			mustFile(t, db, it.ID, title+"-"+f, app.FileAvailable)
		}
		return it.ID
	}
	publish := func(id int64) {
		t.Helper()
		if _, err := db.Publish(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	retitle := func(id int64, title string) {
		t.Helper()
		it, err := db.Item(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		it.Draft.Title = title
		if _, err := db.UpdateDraft(ctx, id, it.Draft); err != nil {
			t.Fatal(err)
		}
	}
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	draft := create("private draft", "c.csv", "a.txt", "b.pdf")
	deleted := create("deleted draft", "gone.csv")
	public := create("public", "z.csv", "y.csv")
	publish(public)
	versions := create("two versions", "v1.csv")
	publish(versions)
	retitle(versions, "two versions, second")
	mustFile(t, db, versions, "v2.csv", app.FileAvailable)
	now = now.Add(time.Minute) // version 2 is published later than the item first was
	publish(versions)
	retitle(versions, "two versions, unpublished draft") // the document keeps version 2
	mustFile(t, db, versions, "draft-only.csv", app.FileAvailable)
	embargoed := create("embargoed", "e.csv")
	publish(embargoed)
	must(db.SetEmbargo(ctx, embargoed, app.Embargo{Type: app.EmbargoItem, Until: now.Add(10 * time.Hour), Reason: "patent"}, who))
	filesEmbargoed := create("files embargoed", "fe.csv")
	publish(filesEmbargoed)
	must(db.SetEmbargo(ctx, filesEmbargoed, app.Embargo{Type: app.EmbargoFiles, Reason: "patent"}, who))
	lapsed := create("embargo lapsed", "l.csv")
	publish(lapsed)
	must(db.SetEmbargo(ctx, lapsed, app.Embargo{Type: app.EmbargoItem, Until: now.Add(time.Hour), Reason: "patent"}, who))
	now = now.Add(2 * time.Hour) // lapsed, not yet lifted by the job
	confidential := create("confidential", "secret.csv")
	publish(confidential)
	must(db.SetConfidentiality(ctx, confidential, app.Confidentiality{Confidential: true, Reason: "patient data"}, who))
	withdrawn := create("withdrawn", "w.csv")
	publish(withdrawn)
	if err := db.Withdraw(ctx, withdrawn, "duplicate deposit", who); err != nil {
		t.Fatal(err)
	}
	used := create("used")
	publish(used)
	var evs []app.UsageEvent
	for i := range 3 {
		evs = append(evs, app.UsageEvent{Kind: app.UsageView, ItemID: used, Version: 1, At: now, Visitor: fmt.Sprint("v", i)})
	}
	evs = append(evs, app.UsageEvent{Kind: app.UsageDownload, ItemID: used, Version: 1, At: now, Visitor: "d"})
	must(nil, db.AddUsageEvents(ctx, evs))
	if _, _, err := db.RollUpUsage(ctx); err != nil {
		t.Fatal(err)
	}
	must(db.DeleteItem(ctx, deleted))
	noFiles := create("no files")

	// The seeding did what the comparison relies on: otherwise both paths
	// could agree on documents that show none of these states.
	one := func(id int64) *search.Document {
		t.Helper()
		d, err := db.SearchDocument(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, c := range []struct {
		id   int64
		ok   func(d *search.Document) bool
		want string
	}{
		{draft, func(d *search.Document) bool { return !d.Public && len(d.FileNames) == 3 }, "private, with its 3 draft files"},
		{public, func(d *search.Document) bool { return d.Public && len(d.FileNames) == 2 }, "public, with 2 files"},
		{versions, func(d *search.Document) bool {
			return d.Version == 2 && d.Title == "two versions, second" && slices.Equal(d.FileNames, []string{"two versions-v1.csv", "v2.csv"})
		}, "version 2's title and files"},
		{embargoed, func(d *search.Document) bool { return d.Embargoed && d.FileNames == nil }, "embargoed, without files"},
		{filesEmbargoed, func(d *search.Document) bool { return !d.Embargoed && d.FileNames == nil }, "files hidden, item not embargoed"},
		{lapsed, func(d *search.Document) bool { return !d.Embargoed && len(d.FileNames) == 1 }, "embargo lapsed"},
		{confidential, func(d *search.Document) bool { return d.Confidential && d.FileNames == nil }, "confidential, without files"},
		{withdrawn, func(d *search.Document) bool { return !d.Public && d.Version == 1 }, "withdrawn: not public"},
		{used, func(d *search.Document) bool { return d.Views == 3 && d.Downloads == 1 }, "3 views, 1 download"},
	} {
		if d := one(c.id); !c.ok(d) {
			t.Errorf("item %d: want %s; document %+v", c.id, c.want, *d)
		}
	}
	if _, err := db.SearchDocument(ctx, deleted); app.ErrorCode(err) != app.ENOTFOUND {
		t.Fatalf("deleted item: %v", err)
	}

	all := []int64{draft, public, versions, embargoed, filesEmbargoed, lapsed, confidential, withdrawn, used, noFiles}
	for _, batch := range []int{1, 2, 3, 1000} {
		var got []int64
		err := db.AllSearchDocumentsBy(ctx, batch, func(d search.Document) error {
			got = append(got, d.ItemID)
			if want := one(d.ItemID); !reflect.DeepEqual(d, *want) {
				t.Errorf("batch %d, item %d: feed document\n%+v\nitem by item\n%+v", batch, d.ItemID, d, *want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, all) {
			t.Errorf("batch %d: fed items %v, want %v", batch, got, all)
		}
	}

	// A yield error ends the feed with that error.
	stop := fmt.Errorf("stop")
	n := 0
	if err := db.AllSearchDocuments(ctx, func(search.Document) error { n++; return stop }); err != stop || n != 1 {
		t.Errorf("feed after a yield error: %v after %d documents", err, n)
	}
}
