package catalog_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"carrel/app"
	"carrel/app/catalog"
	"carrel/corpus"
	"carrel/search"
)

// TestImport imports generated items in one batch and checks that they are
// stored as drafts or published versions, that a bad item stores nothing,
// and that a full rebuild's documents equal the ones built item by item.
func TestImport(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	owner := mustAccount(t, db, "owner@example.edu")
	types, _ := db.ItemTypes(ctx)
	lics, _ := db.Licenses(ctx)
	cats, _ := db.Categories(ctx)
	g := corpus.New(3, corpus.Vocabulary{ItemTypes: types, Licenses: lics, Categories: cats}, corpus.Options{MaxFiles: -1})
	var in []catalog.ImportItem
	for range 50 {
		it := g.Next()
		in = append(in, catalog.ImportItem{AccountID: owner.ID, Metadata: it.Metadata, Created: it.Created,
			Modified: it.Modified, Published: it.Published, Seeded: true})
	}
	ids, err := db.Import(ctx, in)
	if err != nil || len(ids) != 50 {
		t.Fatalf("Import: %v, %d ids", err, len(ids))
	}
	for i, id := range ids {
		it, err := db.Item(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if it.IsPublic() != !in[i].Published.IsZero() || it.Draft.Title != in[i].Metadata.Title ||
			!it.Created.Equal(in[i].Created.Truncate(time.Second)) && !it.Created.Equal(in[i].Created) {
			t.Errorf("item %d: public %v, title %q, created %v; imported %+v", id, it.IsPublic(), it.Draft.Title, it.Created, in[i])
		}
	}
	if real, err := db.HasRealItems(ctx); err != nil || real {
		t.Errorf("HasRealItems after seeding = %v, %v", real, err)
	}

	bad := in[0]
	bad.Metadata.License = 999999
	if _, err := db.Import(ctx, []catalog.ImportItem{in[1], bad}); app.ErrorCode(err) != app.EUNPROCESSABLE {
		t.Errorf("importing an item with an unknown license: %v", err)
	}
	if n, _ := db.CountItems(ctx); n != 50 {
		t.Errorf("a failed import left %d items, want 50", n)
	}

	var rebuilt []search.Document
	if err := db.AllSearchDocuments(ctx, func(d search.Document) error { rebuilt = append(rebuilt, d); return nil }); err != nil {
		t.Fatal(err)
	}
	for _, d := range rebuilt {
		one, err := db.SearchDocument(ctx, d.ItemID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(*one, d) {
			t.Errorf("item %d: rebuild document\n%+v\nsingle document\n%+v", d.ItemID, d, *one)
		}
	}
	if _, err := db.CreateItem(ctx, owner.ID, 0, app.Metadata{Title: "Real"}); err != nil {
		t.Fatal(err)
	}
	if real, _ := db.HasRealItems(ctx); !real {
		t.Error("HasRealItems misses a real deposit")
	}
}
