package main

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// settingsGroups makes a faculty that allows datasets and software, has
// custom fields and offers 6- and 12-month embargoes with a reason; a
// department below it that inherits all of that; and another group with a
// field of its own. It returns the three group ids.
func settingsGroups(t *testing.T, s *testServer) (faculty, dept, other int64) {
	t.Helper()
	faculty, dept, other = reviewGroups(t, s)
	must(s.cli("", "group", "review", fmt.Sprint(faculty), "off"))
	must(s.cli("", "group", "types", fmt.Sprint(faculty), "3", "9"))
	for _, f := range [][]string{
		{"--name", "Instrument", "--type", "dropdown", "--options", "NMR,XRD", "--mandatory"},
		{"--name", "Lab page", "--type", "url"},
		{"--name", "Contact", "--type", "email"},
		{"--name", "Measured on", "--type", "date"},
	} {
		must(s.cli("", append([]string{"group", "field", "add", fmt.Sprint(faculty)}, f...)...))
	}
	must(s.cli("", "group", "embargo", fmt.Sprint(faculty), "6", "12", "--reason-required"))
	must(s.cli("", "group", "field", "add", fmt.Sprint(other), "--name", "Archive box", "--type", "text"))
	return faculty, dept, other
}

// TestGroupSettingsAPI holds deposits through the API to the settings of
// their group, inherited by a subgroup: allowed item types, custom field
// values (checked by type, unknown fields refused, mandatory ones needed
// at publish), and the embargo options.
func TestGroupSettingsAPI(t *testing.T) {
	s := startServer(t)
	_, dept, other := settingsGroups(t, s)
	dep := s.account("dep@example.edu", false)
	admin := s.account("admin@example.edu", true)
	s.do("PUT", fmt.Sprintf("/v2/account/institution/accounts/%d", s.accountID("dep@example.edu")), admin,
		map[string]any{"group_id": dept, "is_active": true}).want(t, 205)
	base := func(extra map[string]any) map[string]any {
		m := map[string]any{"title": "Spectra", "defined_type": "dataset", "license": 1, "group_id": dept,
			"authors": []map[string]string{{"name": "Ada Lovelace"}}, "categories": []int{3001}}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	refused := func(body map[string]any, wantText string) {
		t.Helper()
		r := s.do("POST", "/v2/account/articles", dep, body).want(t, 422)
		if !strings.Contains(string(r.Body), wantText) {
			t.Fatalf("error %s, want it to say %q", r.Body, wantText)
		}
	}
	refused(base(map[string]any{"defined_type": "figure"}), `item type \"figure\" (1) is not allowed`)
	refused(base(map[string]any{"custom_fields": map[string]any{"Instrument": "Microscope"}}), "not one of the choices")
	refused(base(map[string]any{"custom_fields": map[string]any{"Lab page": "lab.example.edu"}}), "not a web address")
	refused(base(map[string]any{"custom_fields": map[string]any{"Contact": "ada at example"}}), "not an email address")
	refused(base(map[string]any{"custom_fields": map[string]any{"Measured on": "31/01/2030"}}), "not a date")
	refused(base(map[string]any{"custom_fields_list": []map[string]any{{"name": "Archive box", "value": "B7"}}}), `custom field \"Archive box\" is not defined for group`)

	var created struct {
		EntityID int64 `json:"entity_id"`
	}
	s.do("POST", "/v2/account/articles", dep, base(map[string]any{"custom_fields": map[string]any{"Contact": "ada@example.edu",
		"Measured on": "2030-01-31"}})).want(t, 201).JSON(t, &created)
	item := created.EntityID
	s.upload(t, dep, item, "spectra.csv", []byte("ppm,intensity\n1,2\n"), nil)
	if r := s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", item), dep, nil).want(t, 422); !strings.Contains(string(r.Body), "missing Instrument") {
		t.Fatalf("publish without the mandatory field: %s", r.Body)
	}
	s.do("PUT", fmt.Sprintf("/v2/account/articles/%d", item), dep, map[string]any{"custom_fields_list": []map[string]any{
		{"name": "Instrument", "value": "XRD"}, {"name": "Contact", "value": "ada@example.edu"}, {"name": "Measured on", "value": "2030-01-31"}}}).want(t, 205)
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", item), dep, nil).want(t, 201)

	var article struct {
		CustomFields []struct {
			Name        string `json:"name"`
			Value       string `json:"value"`
			FieldType   string `json:"field_type"`
			Order       int    `json:"order"`
			IsMandatory bool   `json:"is_mandatory"`
		} `json:"custom_fields"`
	}
	s.do("GET", fmt.Sprintf("/v2/articles/%d", item), "", nil).want(t, 200).JSON(t, &article)
	var got []string
	for _, f := range article.CustomFields {
		got = append(got, fmt.Sprintf("%d %s=%s (%s, %t)", f.Order, f.Name, f.Value, f.FieldType, f.IsMandatory))
	}
	want := []string{"1 Instrument=XRD (dropdown, true)", "2 Lab page= (url, false)", "3 Contact=ada@example.edu (email, false)",
		"4 Measured on=2030-01-31 (date, false)"}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Fatalf("custom_fields = %v, want %v", got, want)
	}
	// Search finds the item by a custom field's value.
	var hits []struct{ ID int64 }
	s.do("POST", "/v2/articles/search", "", map[string]any{"search_for": "XRD"}).want(t, 200).JSON(t, &hits)
	if len(hits) != 1 || hits[0].ID != item {
		t.Fatalf("search for a custom field value: %v", hits)
	}

	// The field lists: the depositor's own group (inherited), and another.
	var list []struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	}
	s.do("GET", "/v2/account/institution/custom_fields", dep, nil).want(t, 200).JSON(t, &list)
	if len(list) != 4 || list[0].Name != "Instrument" {
		t.Fatalf("own fields = %+v", list)
	}
	s.do("GET", fmt.Sprintf("/v2/account/institution/custom_fields?group_id=%d", other), dep, nil).want(t, 200).JSON(t, &list)
	if len(list) != 1 || list[0].Name != "Archive box" {
		t.Fatalf("other group's fields = %+v", list)
	}

	// Embargoes: only up to a year, never permanent, always with a reason.
	embargo := func(date, reason string) *response {
		return s.do("PUT", fmt.Sprintf("/v2/account/articles/%d/embargo", item), dep, map[string]any{"is_embargoed": true,
			"embargo_type": "file", "embargo_date": date, "embargo_reason": reason})
	}
	inMonths := func(n int) string { return time.Now().AddDate(0, n, 0).Format("2006-01-02") }
	for _, c := range []struct{ date, reason, text string }{
		{inMonths(24), "patent", "lasts at most: 6 months, 1 year"},
		{"0", "patent", "does not offer permanent embargoes"},
		{inMonths(6), "", "asks for a reason"},
	} {
		if r := embargo(c.date, c.reason).want(t, 422); !strings.Contains(string(r.Body), c.text) {
			t.Fatalf("embargo %s %q: %s, want %q", c.date, c.reason, r.Body, c.text)
		}
	}
	embargo(inMonths(12), "patent").want(t, 205)

	// The department overrides the faculty's types; it still inherits the
	// fields.
	must(s.cli("", "group", "types", fmt.Sprint(dept), "9"))
	refused(base(nil), `item type \"dataset\" (3) is not allowed in group`)
	s.do("POST", "/v2/account/articles", dep, base(map[string]any{"defined_type": "software"})).want(t, 201)
	// Changing the restriction does not lock the dataset already there.
	s.do("PUT", fmt.Sprintf("/v2/account/articles/%d", item), dep, map[string]any{"title": "Spectra, corrected"}).want(t, 205)
	if _, err := s.cli("", "group", "types", fmt.Sprint(dept), "4242"); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("unknown item type: %v", err)
	}
	if _, err := s.cli("", "group", "field", "add", fmt.Sprint(dept), "--name", "Colour", "--type", "colour"); err == nil || !strings.Contains(err.Error(), "unknown custom field type") {
		t.Fatalf("unknown field type: %v", err)
	}
	if _, err := s.cli("", "group", "field", "add", fmt.Sprint(dept), "--name", "Kind", "--type", "dropdown"); err == nil || !strings.Contains(err.Error(), "at least one option") {
		t.Fatalf("dropdown without options: %v", err)
	}
}

// groupWithSettings makes a top-level group with a field of every type
// and embargo periods, lets the account email deposit in it, and
// publishes an item there (titled "Field notes") with values for the
// fields, through the API with tok. It returns the group's and the item's
// ids.
func groupWithSettings(t *testing.T, s *testServer, tok, email string) (group, item int64) {
	t.Helper()
	out := must(s.cli("", "group", "add", "--name", "Field stations"))
	fmt.Sscanf(strings.TrimPrefix(out, "created group "), "%d", &group)
	g := fmt.Sprint(group)
	must(s.cli("", "group", "types", g, "3", "9", "1"))
	for _, f := range [][]string{
		{"--name", "Station", "--type", "dropdown", "--options", "North,South", "--mandatory"},
		{"--name", "Site notes", "--type", "textarea"},
		{"--name", "Logger id", "--type", "text"},
		{"--name", "Station page", "--type", "url"},
		{"--name", "Contact", "--type", "email"},
		{"--name", "Collected on", "--type", "date"},
	} {
		must(s.cli("", append([]string{"group", "field", "add", g}, f...)...))
	}
	must(s.cli("", "group", "embargo", g, "6", "12", "0", "--reason-required"))
	must(s.cli("", "user", "role", email, "depositor", "--group", g))
	var created struct {
		EntityID int64 `json:"entity_id"`
	}
	s.do("POST", "/v2/account/articles", tok, map[string]any{"title": "Field notes", "defined_type": "dataset", "license": 1,
		"authors": []map[string]string{{"name": "Dana Depositor"}}, "categories": []int{3001}, "group_id": group,
		"custom_fields": map[string]any{"Station": "North", "Site notes": "Windy.\nTide out.", "Logger id": "L-7",
			"Station page": "https://stations.example.edu/north", "Contact": "dana@example.edu", "Collected on": "2026-03-01"}}).want(t, 201).JSON(t, &created)
	s.upload(t, tok, created.EntityID, "notes.csv", []byte("t,wind\n1,12\n"), nil)
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", created.EntityID), tok, nil).want(t, 201)
	return group, created.EntityID
}
