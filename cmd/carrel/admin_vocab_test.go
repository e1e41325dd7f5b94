package main

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// TestAdminVocabularies adds, edits and retires licenses, item types and
// categories from /admin/vocabularies: the API's lists and the workspace's
// pickers follow at once; a retired term stays on the item that has it
// but cannot be chosen anew; bad input is refused; all is audited.
func TestAdminVocabularies(t *testing.T) {
	s := startServer(t)
	dana := s.account("dana@example.edu", false)
	admin := browserSignIn(t, s, "librarian@example.edu", true)
	admin.want("/admin/vocabularies", 200, "CC BY 4.0", `value="dataset"`)
	admin.want("/admin/vocabularies?cq=3001", 200)

	// Add one of each.
	for _, c := range []struct{ path, field, value string }{
		{"/admin/vocabularies/licenses", "name", "Campus Licence 1.0"},
		{"/admin/vocabularies/item_types", "name", "Lab notebook"},
		{"/admin/vocabularies/categories", "title", "Estuarine ecology"},
	} {
		form := url.Values{c.field: {c.value}, "url": {"https://example.edu/licence"}, "string_id": {"lab_notebook"}}
		if code, page := admin.post(c.path, form); code != 200 || !strings.Contains(page, "Saved.") {
			t.Fatalf("add %s: %d\n%s", c.path, code, page)
		}
	}
	lic, typ, cat := 1000000, 1000000, 1000000
	var licenses []struct {
		Value int
		Name  string
	}
	s.do("GET", "/v2/licenses", "", nil).want(t, 200).JSON(t, &licenses)
	if l := licenses[len(licenses)-1]; l.Value != lic || l.Name != "Campus Licence 1.0" {
		t.Fatalf("licenses after adding: %+v", licenses)
	}
	body := string(s.do("GET", "/v2/item_types", "", nil).want(t, 200).Body)
	if !strings.Contains(body, `"lab_notebook"`) {
		t.Fatalf("item types after adding: %s", body)
	}
	body = string(s.do("GET", "/v2/categories", "", nil).want(t, 200).Body)
	if !strings.Contains(body, "Estuarine ecology") {
		t.Fatalf("categories after adding: %.300s", body)
	}
	admin.want("/account/articles/new", 200, "Campus Licence 1.0", "Lab notebook", `<option value="1000000">`)

	// An item takes the new terms; then they are renamed and retired.
	var created struct {
		EntityID int64 `json:"entity_id"`
	}
	s.do("POST", "/v2/account/articles", dana, map[string]any{"title": "Mudflat notes", "defined_type": "lab_notebook",
		"license": lic, "categories": []int{cat}}).want(t, 201).JSON(t, &created)
	for _, c := range []struct {
		path string
		form url.Values
	}{
		{fmt.Sprintf("/admin/vocabularies/licenses/%d", lic), url.Values{"name": {"Campus Licence 1.1"}, "url": {"https://example.edu/licence"}, "retired": {"yes"}}},
		{fmt.Sprintf("/admin/vocabularies/item_types/%d", typ), url.Values{"name": {"Lab notebook"}, "string_id": {"lab_notebook"}, "retired": {"yes"}}},
		{fmt.Sprintf("/admin/vocabularies/categories/%d", cat), url.Values{"title": {"Estuarine ecology"}, "retired": {"yes"}}},
	} {
		if code, _ := admin.post(c.path, c.form); code != 200 {
			t.Fatalf("retire %s: %d", c.path, code)
		}
	}
	for _, path := range []string{"/v2/licenses", "/v2/item_types", "/v2/categories"} {
		body := string(s.do("GET", path, "", nil).want(t, 200).Body)
		if strings.Contains(body, "Campus Licence") || strings.Contains(body, "lab_notebook") || strings.Contains(body, "Estuarine") {
			t.Fatalf("%s still offers a retired term", path)
		}
	}
	page := admin.want("/account/articles/new", 200)
	if strings.Contains(page, "Campus Licence") || strings.Contains(page, "Lab notebook") || strings.Contains(page, `<option value="1000000"`) {
		t.Fatalf("the new-item form offers retired terms")
	}
	// The item keeps them, shows the new name, and can still be saved.
	item := fmt.Sprintf("/v2/account/articles/%d", created.EntityID)
	body = string(s.do("GET", item, dana, nil).want(t, 200).Body)
	if !strings.Contains(body, "Campus Licence 1.1") {
		t.Fatalf("the item lost its retired license: %s", body)
	}
	s.do("PUT", item, dana, map[string]any{"title": "Mudflat notes, revised"}).want(t, 205)
	admin.want(fmt.Sprintf("/account/articles/%d", created.EntityID), 200, "Campus Licence 1.1", "Lab notebook", `<option value="1000000" selected>`)
	// But no new item may choose them.
	for _, md := range []map[string]any{{"title": "x", "license": lic}, {"title": "x", "defined_type": typ}, {"title": "x", "categories": []int{cat}}} {
		s.do("POST", "/v2/account/articles", dana, md).want(t, 422)
	}

	// Bad input.
	for _, c := range []struct {
		path string
		form url.Values
		code int
	}{
		{"/admin/vocabularies/licenses", url.Values{"name": {""}}, 422},
		{"/admin/vocabularies/licenses", url.Values{"name": {"X"}, "url": {"javascript:alert(1)"}}, 422},
		{"/admin/vocabularies/item_types", url.Values{"name": {"X"}, "string_id": {"Bad Id"}}, 422},
		{"/admin/vocabularies/item_types", url.Values{"name": {"X"}, "string_id": {"dataset"}}, 409},
		{"/admin/vocabularies/categories", url.Values{"title": {"X"}, "parent": {"987654321"}}, 422},
		{"/admin/vocabularies/categories", url.Values{"title": {"X"}, "parent": {"abc"}}, 400},
		{"/admin/vocabularies/licenses/424242", url.Values{"name": {"X"}}, 404},
		{"/admin/vocabularies/colours", url.Values{"name": {"X"}}, 404},
	} {
		if code, page := admin.post(c.path, c.form); code != c.code {
			t.Fatalf("%s %v: %d, want %d\n%.500s", c.path, c.form, code, c.code, page)
		}
	}
	admin.want("/admin/audit?action=vocabulary", 200, "vocabulary.add", "vocabulary.retire", fmt.Sprintf("license:%d", lic))

	// Only administrators.
	dep := browserSignIn(t, s, "depositor@example.edu", false)
	dep.want("/admin/vocabularies", 404)
	if code, _ := dep.post("/admin/vocabularies/licenses", url.Values{"name": {"Mine"}}); code != 404 {
		t.Fatalf("a depositor adds a license: %d", code)
	}
}
