package catalog_test

import (
	"context"
	"slices"
	"testing"

	"carrel/app"
)

// TestListAfter walks listings by keyset position in both directions and
// every order, and checks each walk visits exactly the rows that offset
// paging does, in the same order, including items published in the same
// second (ties broken by id).
func TestListAfter(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	owner := mustAccount(t, db, "o@example.edu")
	for range 23 {
		it, err := db.CreateItem(ctx, owner.ID, 0, complete())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Publish(ctx, it.ID); err != nil {
			t.Fatal(err)
		}
	}
	ids := func(rows []app.ListedItem) (out []int64) {
		for _, r := range rows {
			out = append(out, r.Item.ID)
		}
		return out
	}
	for _, order := range []string{"published_date", "created_date", "modified_date"} {
		for _, desc := range []bool{true, false} {
			for _, account := range []int64{0, owner.ID} {
				f := app.ItemFilter{AccountID: account, Order: order, Desc: desc, Limit: 100}
				all, err := db.ListItems(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				var walked []int64
				f.Limit = 5
				for range 10 {
					page, err := db.ListItems(ctx, f)
					if err != nil {
						t.Fatal(err)
					}
					walked = append(walked, ids(page)...)
					if len(page) < f.Limit {
						break
					}
					f.After = &page[len(page)-1].Position
				}
				if got, want := walked, ids(all); len(want) != 23 || !slices.Equal(got, want) {
					t.Errorf("%s desc=%v account=%d: keyset walk %v, want %v", order, desc, account, got, want)
				}
			}
		}
	}
}
