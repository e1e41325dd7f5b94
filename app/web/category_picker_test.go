package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"carrel/app"
)

// TestCategoryPicker: the item and collection forms offer categories by
// title, grouped under their top-level category, the values still the
// ids; a retired category is offered only where it is already chosen.
func TestCategoryPicker(t *testing.T) {
	e := MustServe(t)
	owner := e.account("owner@example.edu")
	md := metadata("Soil cores")
	md.Categories = []int64{300101, 300102}
	it := e.item(owner, md)
	retired := app.Category{ID: 300102, Title: "Agricultural marine biotechnology", Retired: true}
	if err := e.cat.SaveCategory(context.Background(), &retired, app.AuditEntry{}); err != nil {
		t.Fatal(err)
	}
	c := e.signIn(owner)
	const group = `<optgroup label="Agricultural, veterinary and food sciences"><option value="30">Agricultural, veterinary and food sciences</option><option value="3001">Agricultural biotechnology</option>`
	res, body := e.get(c, "/account/articles/new")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, group, `<option value="300101">Agricultural biotechnology › Agricultural biotechnology diagnostics (incl. biosensors)</option>`,
		`<optgroup label="Biological sciences">`)
	for _, bad := range []string{">/30/3001", `value="300102"`} {
		if strings.Contains(body, bad) {
			t.Errorf("the new-item form shows %q", bad)
		}
	}
	res, body = e.get(c, fmt.Sprintf("/account/articles/%d", it.ID))
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, group, `<option value="300101" selected>Agricultural biotechnology › Agricultural biotechnology diagnostics (incl. biosensors)</option>`,
		`<option value="300102" selected>Agricultural biotechnology › Agricultural marine biotechnology</option>`)
	res, body = e.post(c, "/account/collections", url.Values{"title": {"Cores"}})
	wantStatus(t, res, body, http.StatusSeeOther)
	res, body = e.get(c, res.Header.Get("Location"))
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, `name="categories"`, group)
}
