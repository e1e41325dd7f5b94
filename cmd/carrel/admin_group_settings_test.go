package main

import (
	"net/url"
	"strings"
	"testing"
)

// TestAdminGroupSettings sets a group's item types, custom fields and
// embargo options from its page, sees a subgroup inherit them, and has bad
// input refused with the form kept.
func TestAdminGroupSettings(t *testing.T) {
	s := startServer(t)
	admin := browserSignIn(t, s, "librarian@example.edu", true)
	admin.post("/admin/groups", url.Values{"name": {"Faculty of Science"}, "parent": {"0"}})
	admin.post("/admin/groups", url.Values{"name": {"Physics"}, "parent": {"1"}})
	admin.want("/admin/groups/1", 200, "Every item type is allowed.", "No custom fields.", "Depositors may choose any date, or a permanent embargo.")

	ok := func(path string, form url.Values, wants ...string) {
		t.Helper()
		code, page := admin.post(path, form)
		if code != 200 || !strings.Contains(page, "Saved.") {
			t.Fatalf("POST %s %v: %d\n%s", path, form, code, page)
		}
		for _, w := range wants {
			if !strings.Contains(page, w) {
				t.Fatalf("POST %s: page lacks %q\n%s", path, w, page)
			}
		}
	}
	refused := func(path string, form url.Values, code int, text string) string {
		t.Helper()
		got, page := admin.post(path, form)
		if got != code || !strings.Contains(page, text) || !strings.Contains(page, `class="alert error"`) {
			t.Fatalf("POST %s %v: %d, want %d with %q\n%s", path, form, got, code, text, page)
		}
		return page
	}
	ok("/admin/groups/1/types", url.Values{"mode": {"own"}, "type": {"3", "9"}}, "Only these types", `id="type-3" name="type" value="3" checked`)
	ok("/admin/groups/1/fields", url.Values{"name": {"Instrument"}, "type": {"dropdown"}, "options": {"NMR\r\nXRD\r\n"}, "mandatory": {"on"}},
		"<th scope=\"row\">Instrument</th>", "Choice from a list (2 choices)")
	ok("/admin/groups/1/fields", url.Values{"name": {"Lab page"}, "type": {"url"}})
	ok("/admin/groups/1/fields/2/move", url.Values{"direction": {"up"}})
	page := admin.want("/admin/groups/1", 200)
	if strings.Index(page, ">Lab page</th>") > strings.Index(page, ">Instrument</th>") {
		t.Fatal("Lab page was not moved above Instrument")
	}
	ok("/admin/groups/1/fields/1", url.Values{"name": {"Instrument used"}, "type": {"dropdown"}, "options": {"NMR\nXRD\nMS"}, "mandatory": {"on"}},
		"Instrument used", "(3 choices)")
	ok("/admin/groups/1/embargo", url.Values{"mode": {"periods"}, "period": {"6", "12"}, "reason_required": {"on"}},
		"Offered: 6 months, 1 year.", "A reason is required.")

	// The department inherits all three.
	admin.want("/admin/groups/2", 200, "Inherited from Faculty of Science: 2 types allowed.",
		"its depositors fill in the fields of Faculty of Science (Lab page, Instrument used)", "Inherited from Faculty of Science.")

	// Bad input: the form comes back with what was typed and why.
	page = refused("/admin/groups/1/fields", url.Values{"name": {"Colour"}, "type": {"colour"}}, 422, "unknown custom field type")
	if !strings.Contains(page, `id="nf-name" name="name" required maxlength="100" value="Colour"`) {
		t.Fatalf("typed name lost:\n%s", page)
	}
	refused("/admin/groups/1/fields", url.Values{"name": {"Kind"}, "type": {"dropdown"}, "options": {"\n  \n"}}, 422, "at least one option")
	refused("/admin/groups/1/fields", url.Values{"name": {"Lab page"}, "type": {"url"}}, 409, "already has a custom field named")
	refused("/admin/groups/1/types", url.Values{"mode": {"own"}}, 422, "allow at least one item type")
	refused("/admin/groups/1/types", url.Values{"mode": {"own"}, "type": {"4242"}}, 422, "does not exist")
	refused("/admin/groups/1/embargo", url.Values{"mode": {"periods"}}, 422, "at least one embargo period")
	refused("/admin/groups/1/embargo", url.Values{"mode": {"sometimes"}}, 400, "Choose how embargo periods")
	if code, _ := admin.post("/admin/groups/2/fields/1/delete", nil); code != 404 {
		t.Fatalf("deleting another group's field through this one: %d", code)
	}
	if code, _ := admin.post("/admin/groups/9/types", url.Values{"mode": {"inherit"}}); code != 404 {
		t.Fatalf("types of a missing group: %d", code)
	}

	// Back to inheriting; a removed field is gone; every change is audited.
	ok("/admin/groups/1/types", url.Values{"mode": {"inherit"}}, "Every item type is allowed.")
	ok("/admin/groups/1/fields/2/delete", nil)
	admin.want("/admin/audit?target=group:1", 200, "group.item_types", "group.field.create", "group.field.update", "group.field.move",
		"group.field.delete", "group.embargo_options")

	// Others may not change settings.
	user := browserSignIn(t, s, "user@example.edu", false)
	if code, _ := user.post("/admin/groups/1/types", url.Values{"mode": {"inherit"}}); code != 403 && code != 404 {
		t.Fatalf("a depositor changed a group's types: %d", code)
	}
}
