package catalog_test

import (
	"context"
	"path/filepath"
	"testing"

	"carrel/app"
	"carrel/app/catalog"
)

// MustOpen opens a catalog in a fresh temporary directory.
func MustOpen(tb testing.TB) *catalog.DB {
	tb.Helper()
	db, err := catalog.Open(context.Background(), filepath.Join(tb.TempDir(), "catalog.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func mustAccount(tb testing.TB, db *catalog.DB, email string) *app.Account {
	tb.Helper()
	a := &app.Account{Email: email, FirstName: "Test", LastName: "Person"}
	if err := db.CreateAccount(context.Background(), a, ""); err != nil {
		tb.Fatal(err)
	}
	return a
}

func complete() app.Metadata {
	return app.Metadata{Title: "Soil moisture 2020", Authors: []app.Author{{FullName: "Ada Lovelace", ORCID: "0000-0002-1825-0097"}},
		License: 1, ItemType: 3, Categories: []int64{3001}, Keywords: []string{"soil"}}
}

func mustFile(tb testing.TB, db *catalog.DB, itemID int64, name string, status app.FileStatus) *app.File {
	tb.Helper()
	ctx := context.Background()
	f := &app.File{ItemID: itemID, Name: name, Size: 10, StorageKey: "k/" + name, UploadToken: "t-" + name, PartSize: app.MinPartSize}
	if err := db.CreateFile(ctx, f, 0); err != nil {
		tb.Fatal(err)
	}
	if status != app.FileCreated {
		f.Status, f.SHA256, f.ComputedMD5 = status, "sha-"+name, "md5-"+name
		if err := db.FinishFile(ctx, f); err != nil {
			tb.Fatal(err)
		}
	}
	return f
}

func TestOpen(t *testing.T) {
	t.Run("MigratesAndSeeds", func(t *testing.T) {
		db := MustOpen(t)
		ctx := context.Background()
		types, err := db.ItemTypes(ctx)
		if err != nil || len(types) != 27 {
			t.Fatalf("item types: %d, %v; want 27", len(types), err)
		}
		lics, err := db.Licenses(ctx)
		if err != nil || len(lics) < 10 {
			t.Fatalf("licenses: %d, %v", len(lics), err)
		}
		cats, err := db.Categories(ctx)
		if err != nil || len(cats) < 200 {
			t.Fatalf("categories: %d, %v", len(cats), err)
		}
	})
	t.Run("Reopen", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "c.db")
		for i := 0; i < 2; i++ {
			db, err := catalog.Open(context.Background(), path)
			if err != nil {
				t.Fatalf("open %d: %v", i, err)
			}
			db.Close()
		}
	})
}

func TestAccounts(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	a := mustAccount(t, db, "ada@example.edu")
	t.Run("ErrConflict", func(t *testing.T) {
		err := db.CreateAccount(ctx, &app.Account{Email: "ADA@example.edu", LastName: "X"}, "")
		if got := app.ErrorCode(err); got != app.ECONFLICT {
			t.Fatalf("duplicate email: got %q, want conflict", got)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		err := db.CreateAccount(ctx, &app.Account{Email: "not an email", LastName: "X"}, "")
		if got := app.ErrorCode(err); got != app.EINVALID {
			t.Fatalf("bad email: got %q", got)
		}
	})
	t.Run("Token", func(t *testing.T) {
		if _, err := db.IssueToken(ctx, a.ID, "cli", "hash1", &app.AuditEntry{}); err != nil {
			t.Fatal(err)
		}
		got, err := db.AccountByTokenHash(ctx, "hash1")
		if err != nil || got.ID != a.ID {
			t.Fatalf("by token: %v, %v", got, err)
		}
		if _, err := db.AccountByTokenHash(ctx, "nope"); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("unknown token: %v", err)
		}
	})
}

func TestPublish(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	owner := mustAccount(t, db, "owner@example.edu")

	t.Run("ErrMissingFields", func(t *testing.T) {
		it, err := db.CreateItem(ctx, owner.ID, 0, app.Metadata{Title: "Only a title"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.Publish(ctx, it.ID)
		if got := app.ErrorCode(err); got != app.EUNPROCESSABLE {
			t.Fatalf("got %q, want unprocessable", got)
		}
		if got, want := app.ErrorMessage(err), "cannot publish: missing authors, license, defined_type"; got != want {
			t.Fatalf("message %q, want %q", got, want)
		}
	})
	t.Run("ErrFailedFile", func(t *testing.T) {
		it, _ := db.CreateItem(ctx, owner.ID, 0, complete())
		mustFile(t, db, it.ID, "bad.csv", app.FileError)
		if _, err := db.Publish(ctx, it.ID); app.ErrorCode(err) != app.EUNPROCESSABLE {
			t.Fatalf("publish with failed file: %v", err)
		}
	})
	t.Run("VersionsAreImmutable", func(t *testing.T) {
		it, err := db.CreateItem(ctx, owner.ID, 0, complete())
		if err != nil {
			t.Fatal(err)
		}
		f1 := mustFile(t, db, it.ID, "a.csv", app.FileAvailable)
		v1, err := db.Publish(ctx, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v1.Number != 1 || len(v1.Files) != 1 {
			t.Fatalf("v1 = %d with %d files", v1.Number, len(v1.Files))
		}
		again, err := db.Publish(ctx, it.ID)
		if err != nil || again.Number != 1 {
			t.Fatalf("republishing an unchanged draft made version %d (%v)", again.Number, err)
		}
		md := complete()
		md.Title = "Soil moisture 2021"
		if _, err := db.UpdateDraft(ctx, it.ID, md); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RemoveDraftFile(ctx, f1); err != nil {
			t.Fatal(err)
		}
		mustFile(t, db, it.ID, "b.csv", app.FileAvailable)
		v2, err := db.Publish(ctx, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		got1, err := db.Version(ctx, it.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if got1.Metadata.Title != "Soil moisture 2020" || len(got1.Files) != 1 || got1.Files[0].Name != "a.csv" {
			t.Fatalf("v1 changed: %q %v", got1.Metadata.Title, got1.Files)
		}
		if v2.Number != 2 || v2.Metadata.Title != "Soil moisture 2021" || len(v2.Files) != 1 || v2.Files[0].Name != "b.csv" {
			t.Fatalf("v2 = %d %q %v", v2.Number, v2.Metadata.Title, v2.Files)
		}
		if held, _ := db.InPublishedVersion(ctx, f1.ID); !held {
			t.Fatal("a file of v1 removed from the draft must keep its record")
		}
		if _, err := db.DeleteItem(ctx, it.ID); app.ErrorCode(err) != app.ECONFLICT {
			t.Fatalf("delete published: %v", err)
		}
	})
	t.Run("AuthorsResolveByORCID", func(t *testing.T) {
		a, _ := db.CreateItem(ctx, owner.ID, 0, complete())
		b, _ := db.CreateItem(ctx, owner.ID, 0, complete())
		if a.Draft.Authors[0].ID == 0 || a.Draft.Authors[0].ID != b.Draft.Authors[0].ID {
			t.Fatalf("same ORCID gave authors %d and %d", a.Draft.Authors[0].ID, b.Draft.Authors[0].ID)
		}
		if _, err := db.CreateItem(ctx, owner.ID, 0, app.Metadata{Title: "x", Authors: []app.Author{{ID: 99999}}}); app.ErrorCode(err) != app.EUNPROCESSABLE {
			t.Fatalf("unknown author id: %v", err)
		}
	})
	t.Run("ErrUnknownVocabulary", func(t *testing.T) {
		for name, md := range map[string]app.Metadata{
			"license":  {Title: "x", License: 999},
			"type":     {Title: "x", ItemType: 999},
			"category": {Title: "x", Categories: []int64{1}},
		} {
			if _, err := db.CreateItem(ctx, owner.ID, 0, md); app.ErrorCode(err) != app.EUNPROCESSABLE {
				t.Errorf("%s: got %v, want unprocessable", name, err)
			}
		}
	})
}

func TestListItems(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	owner := mustAccount(t, db, "o@example.edu")
	other := mustAccount(t, db, "x@example.edu")
	pub, _ := db.CreateItem(ctx, owner.ID, 0, complete())
	if _, err := db.Publish(ctx, pub.ID); err != nil {
		t.Fatal(err)
	}
	md := complete()
	md.Title = "Secret draft"
	draft, _ := db.CreateItem(ctx, owner.ID, 0, md)
	if _, err := db.UpdateDraft(ctx, pub.ID, md); err != nil {
		t.Fatal(err)
	}

	public, err := db.ListItems(ctx, app.ItemFilter{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(public) != 1 || public[0].Item.ID != pub.ID || public[0].Version.Metadata.Title != "Soil moisture 2020" || public[0].Item.Draft.Title != "" {
		t.Fatalf("public listing leaked or missed: %+v", public)
	}
	own, _ := db.ListItems(ctx, app.ItemFilter{AccountID: owner.ID, Limit: 10})
	if len(own) != 2 {
		t.Fatalf("owner sees %d items, want 2", len(own))
	}
	others, _ := db.ListItems(ctx, app.ItemFilter{AccountID: other.ID, Limit: 10})
	if len(others) != 0 {
		t.Fatalf("another account sees %d items", len(others))
	}
	_ = draft
}
