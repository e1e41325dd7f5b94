package main

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestWorkspaceGroupSettings deposits through the workspace in a
// department that inherits its faculty's settings: the type chooser offers
// only the allowed types, the group's fields are in the form, a bad value
// is refused with nothing typed lost, a missing mandatory field blocks
// publishing but not saving, the landing page shows the values, and the
// embargo control offers only the group's periods.
func TestWorkspaceGroupSettings(t *testing.T) {
	s := startServer(t)
	_, dept, _ := settingsGroups(t, s)
	admin := s.account("admin@example.edu", true)
	dep := browserSignIn(t, s, "dep@example.edu", false)
	s.do("PUT", fmt.Sprintf("/v2/account/institution/accounts/%d", s.accountID("dep@example.edu")), admin,
		map[string]any{"group_id": dept, "is_active": true}).want(t, 205)

	page := dep.want("/account/articles/new", 200, `<option value="3">dataset</option>`, `<option value="9">software</option>`,
		"Your group's fields", `<label for="f-cf-1">Instrument <span class="muted">(needed to publish)</span>`, `<option>XRD</option>`)
	if strings.Contains(page, `<option value="1">figure</option>`) {
		t.Fatal("the type chooser offers a type the group does not allow")
	}
	form := url.Values{"title": {"Spectra"}, "item_type": {"3"}, "license": {"1"}, "authors": {"Ada Lovelace"}, "categories": {"3001"},
		"cf-1": {"XRD"}, "cf-2": {"lab.example.edu"}, "cf-3": {"ada@example.edu"}, "cf-4": {"2030-01-31"}}
	code, page := dep.post("/account/articles", form)
	if code != 422 || !strings.Contains(page, "is not a web address") || !strings.Contains(page, `value="lab.example.edu"`) ||
		!strings.Contains(page, `value="ada@example.edu"`) || !strings.Contains(page, `<option selected>XRD</option>`) {
		t.Fatalf("bad URL: %d\n%s", code, page)
	}
	form.Set("item_type", "1")
	form.Set("cf-2", "https://lab.example.edu/nmr")
	if code, page := dep.post("/account/articles", form); code != 422 || !strings.Contains(page, "Your group does not offer this item type") {
		t.Fatalf("disallowed type: %d\n%s", code, page)
	}
	form.Set("item_type", "3")
	form.Del("cf-1") // the mandatory field left empty: saving is fine
	code, page = dep.post("/account/articles", form)
	if code != 200 || !strings.Contains(page, "Saved.") || !strings.Contains(page, "Before publishing, add: Instrument.") {
		t.Fatalf("save without the mandatory field: %d\n%s", code, page)
	}
	m := regexp.MustCompile(`action="/account/articles/(\d+)/publish"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no publish form:\n%s", page)
	}
	item := m[1]
	tok := strings.TrimSpace(must(s.cli("", "token", "create", "--email", "dep@example.edu")))
	var id int64
	fmt.Sscan(item, &id)
	s.upload(t, tok, id, "spectra.csv", []byte("ppm,intensity\n1,2\n"), nil)
	code, page = dep.post("/account/articles/"+item+"/publish", nil)
	if code != 422 || !strings.Contains(page, "Enter a value: it is needed before publishing.") || !strings.Contains(page, `aria-invalid="true"`) {
		t.Fatalf("publish without the mandatory field: %d\n%s", code, page)
	}
	form.Set("cf-1", "NMR")
	if code, page := dep.post("/account/articles/"+item, form); code != 200 || !strings.Contains(page, "Saved.") {
		t.Fatalf("save: %d\n%s", code, page)
	}
	code, page = dep.post("/account/articles/"+item+"/publish", nil)
	if code != 200 || !strings.Contains(page, "<dt>Instrument</dt><dd>NMR</dd>") ||
		!strings.Contains(page, `<dt>Lab page</dt><dd><a href="https://lab.example.edu/nmr" rel="nofollow noopener">`) {
		t.Fatalf("landing page: %d\n%s", code, page)
	}

	// Embargo: the group's periods only, with a reason.
	page = dep.want("/account/articles/"+item, 200, `<option value="6">6 months</option>`, `<option value="12">1 year</option>`,
		"(required by your group)")
	if strings.Contains(page, `name="embargo_until"`) {
		t.Fatal("the embargo control offers a free date where the group offers periods")
	}
	if code, page := dep.post("/account/articles/"+item+"/embargo", url.Values{"embargo_type": {"file"}, "embargo_period": {"24"}, "embargo_reason": {"x"}}); code != 422 || !strings.Contains(page, "Choose an embargo period from the list") {
		t.Fatalf("period not offered: %d\n%s", code, page)
	}
	if code, page := dep.post("/account/articles/"+item+"/embargo", url.Values{"embargo_type": {"file"}, "embargo_period": {"6"}}); code != 422 || !strings.Contains(page, "asks for a reason") {
		t.Fatalf("no reason: %d\n%s", code, page)
	}
	if code, page := dep.post("/account/articles/"+item+"/embargo", url.Values{"embargo_type": {"file"}, "embargo_period": {"6"}, "embargo_reason": {"patent"}}); code != 200 || !strings.Contains(page, "Now: until") {
		t.Fatalf("embargo for 6 months: %d\n%s", code, page)
	}
}
