package catalog_test

import (
	"context"
	"testing"
	"time"

	"carrel/app"
)

func TestReserveAndOutbox(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	acct := mustAccount(t, db, "a@example.edu")
	it, err := db.CreateItem(ctx, acct.ID, 0, complete())
	if err != nil {
		t.Fatal(err)
	}
	ids := app.Identifiers{DOIPrefix: "10.80001"}
	got, err := db.ReserveDOI(ctx, it.ID, ids.ItemDOI(it.ID))
	if err != nil || got != ids.ItemDOI(it.ID) {
		t.Fatalf("ReserveDOI: %q, %v", got, err)
	}
	if again, err := db.ReserveDOI(ctx, it.ID, "10.80001/other"); err != nil || again != got {
		t.Fatalf("second ReserveDOI: %q, %v; want the first DOI", again, err)
	}
	if _, err := db.ReserveDOI(ctx, 9999, "10.80001/x"); app.ErrorCode(err) != app.ENOTFOUND {
		t.Fatalf("unknown item: %v", err)
	}
	v, err := db.Publish(ctx, it.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := got + ".v1"; v.Metadata.DOI != want {
		t.Errorf("version DOI %q, want %q", v.Metadata.DOI, want)
	}
	draft, _ := db.Item(ctx, it.ID)
	if draft.Draft.DOI != got {
		t.Errorf("draft DOI %q, want the concept %q", draft.Draft.DOI, got)
	}

	// Outbox: the draft registration, then v1 and the concept's publish.
	// The concept's publish waits behind its own unsent draft registration.
	due, err := db.DueDOIRegistrations(ctx, time.Now().Add(time.Second), 10)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range due {
		names = append(names, r.DOI+" "+r.Event)
	}
	if len(due) != 2 || due[0].Event != app.DOIDraft || due[1].DOI != got+".v1" {
		t.Fatalf("due: %q", names)
	}
	// A failure pushes the draft registration into the future, and the
	// concept's later publish keeps waiting behind it.
	if err := db.DOIFailed(ctx, due[0].ID, "503", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	due, _ = db.DueDOIRegistrations(ctx, time.Now().Add(time.Second), 10)
	if len(due) != 1 || due[0].DOI != got+".v1" {
		t.Fatalf("due after a failure: %+v", due)
	}
	if err := db.DOISent(ctx, due[0].ID, due[0].DOI, "findable"); err != nil {
		t.Fatal(err)
	}
	if st, _ := db.DOIState(ctx, got+".v1"); st != "findable" {
		t.Errorf("state %q", st)
	}
	pending, _ := db.DOIOutbox(ctx, true, 10)
	if len(pending) != 2 || pending[1].Attempts != 1 || pending[1].Error != "503" {
		t.Errorf("pending: %+v", pending)
	}
}
