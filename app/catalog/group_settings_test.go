package catalog_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"carrel/app"
)

func TestGroupPolicy(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	who := app.AuditEntry{ActorID: 1}
	uni := mustGroup(t, db, "University", 0, 0)
	sci := mustGroup(t, db, "Science", uni.ID, 0)
	phys := mustGroup(t, db, "Physics", sci.ID, 0)
	owner := mustAccount(t, db, "ada@example.edu")

	t.Run("EmptyByDefault", func(t *testing.T) {
		p, err := db.GroupPolicy(ctx, phys.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.ItemTypes != nil || p.Fields != nil || p.Embargo.Periods != nil || !p.AllowsType(3) {
			t.Fatalf("policy = %+v, want nothing restricted", p)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := db.GroupPolicy(ctx, 999); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("err = %v, want ENOTFOUND", err)
		}
		if err := db.SetGroupItemTypes(ctx, 999, []int{3}, who); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("err = %v, want ENOTFOUND", err)
		}
	})
	t.Run("InheritedUnlessOverridden", func(t *testing.T) {
		if err := db.SetGroupItemTypes(ctx, uni.ID, []int{3, 6}, who); err != nil {
			t.Fatal(err)
		}
		if err := db.SetGroupEmbargoPolicy(ctx, uni.ID, &app.EmbargoPolicy{Periods: []int{12, 0, 6, 6}, ReasonRequired: true}, who); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateCustomField(ctx, &app.CustomField{GroupID: uni.ID, Name: "Lab", Type: app.FieldText}, who); err != nil {
			t.Fatal(err)
		}
		p, err := db.GroupPolicy(ctx, phys.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := p.ItemTypes, []int{3, 6}; !slices.Equal(got, want) || p.TypesFrom != uni.ID {
			t.Fatalf("types = %v from %d, want %v from %d", got, p.TypesFrom, want, uni.ID)
		}
		if got, want := p.Embargo.Periods, []int{6, 12, 0}; !slices.Equal(got, want) || !p.Embargo.ReasonRequired {
			t.Fatalf("embargo = %+v, want %v with reason", p.Embargo, want)
		}
		if len(p.Fields) != 1 || p.FieldsFrom != uni.ID {
			t.Fatalf("fields = %+v from %d, want Lab from the university", p.Fields, p.FieldsFrom)
		}
		// Science sets its own types and fields; Physics inherits those.
		if err := db.SetGroupItemTypes(ctx, sci.ID, []int{6}, who); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateCustomField(ctx, &app.CustomField{GroupID: sci.ID, Name: "Instrument", Type: app.FieldDropdown, Options: []string{"NMR", "XRD"}, Mandatory: true}, who); err != nil {
			t.Fatal(err)
		}
		p, _ = db.GroupPolicy(ctx, phys.ID)
		if !slices.Equal(p.ItemTypes, []int{6}) || p.Fields[0].Name != "Instrument" || len(p.Fields) != 1 {
			t.Fatalf("policy = %+v, want Science's own types and fields", p)
		}
		// Back to inheriting.
		if err := db.SetGroupItemTypes(ctx, sci.ID, nil, who); err != nil {
			t.Fatal(err)
		}
		p, _ = db.GroupPolicy(ctx, phys.ID)
		if !slices.Equal(p.ItemTypes, []int{3, 6}) {
			t.Fatalf("types = %v after inherit, want the university's", p.ItemTypes)
		}
	})
	t.Run("ItemRules", func(t *testing.T) {
		md := complete() // item type 3
		md.ItemType = 9
		if _, err := db.CreateItem(ctx, owner.ID, phys.ID, md); app.ErrorCode(err) != app.EUNPROCESSABLE || !strings.Contains(err.Error(), "not allowed") {
			t.Fatalf("disallowed type: err = %v, want EUNPROCESSABLE", err)
		}
		md = complete()
		md.CustomFields = map[string]string{"Instrument": "Microscope"}
		if _, err := db.CreateItem(ctx, owner.ID, phys.ID, md); app.ErrorCode(err) != app.EUNPROCESSABLE {
			t.Fatalf("value not among options: err = %v, want EUNPROCESSABLE", err)
		}
		md = complete()
		md.CustomFields = map[string]string{"Lab": "B12"}
		if _, err := db.CreateItem(ctx, owner.ID, phys.ID, md); app.ErrorCode(err) != app.EUNPROCESSABLE || !strings.Contains(err.Error(), "not defined") {
			t.Fatalf("field of another group: err = %v, want EUNPROCESSABLE", err)
		}
		md = complete()
		it, err := db.CreateItem(ctx, owner.ID, phys.ID, md)
		if err != nil {
			t.Fatal(err)
		}
		mustFile(t, db, it.ID, "data.csv", app.FileAvailable)
		if _, err := db.Publish(ctx, it.ID); app.ErrorCode(err) != app.EUNPROCESSABLE || !strings.Contains(err.Error(), "Instrument") {
			t.Fatalf("mandatory missing: err = %v, want EUNPROCESSABLE naming Instrument", err)
		}
		md.CustomFields = map[string]string{"Instrument": " NMR "}
		if it, err = db.UpdateDraft(ctx, it.ID, md); err != nil {
			t.Fatal(err)
		}
		if got := it.Draft.CustomFields["Instrument"]; got != "NMR" {
			t.Fatalf("stored value = %q, want NMR", got)
		}
		v, err := db.Publish(ctx, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := v.Metadata.CustomFields["Instrument"]; got != "NMR" {
			t.Fatalf("version value = %q, want NMR", got)
		}
		// A later restriction does not lock the item: unchanged type and
		// values pass.
		if err := db.SetGroupItemTypes(ctx, sci.ID, []int{6}, who); err != nil {
			t.Fatal(err)
		}
		md2 := it.Draft
		md2.Title = "Renamed"
		if _, err := db.UpdateDraft(ctx, it.ID, md2); err != nil {
			t.Fatalf("unchanged type after restriction: %v", err)
		}
	})
	t.Run("FieldsAdmin", func(t *testing.T) {
		for name, f := range map[string]app.CustomField{
			"unknown type":          {GroupID: uni.ID, Name: "X", Type: "colour"},
			"dropdown, no options":  {GroupID: uni.ID, Name: "Y", Type: app.FieldDropdown, Options: []string{" ", ""}},
			"no name":               {GroupID: uni.ID, Name: " ", Type: app.FieldText},
			"missing group is 404s": {GroupID: 999, Name: "Z", Type: app.FieldText},
		} {
			err := db.CreateCustomField(ctx, &f, who)
			want := app.EUNPROCESSABLE
			if f.GroupID == 999 {
				want = app.ENOTFOUND
			}
			if app.ErrorCode(err) != want {
				t.Errorf("%s: err = %v, want %s", name, err, want)
			}
		}
		if err := db.CreateCustomField(ctx, &app.CustomField{GroupID: uni.ID, Name: "Lab", Type: app.FieldURL}, who); app.ErrorCode(err) != app.ECONFLICT {
			t.Fatalf("duplicate name: err = %v, want ECONFLICT", err)
		}
		second := &app.CustomField{GroupID: uni.ID, Name: "Contact", Type: app.FieldEmail}
		if err := db.CreateCustomField(ctx, second, who); err != nil {
			t.Fatal(err)
		}
		if err := db.MoveCustomField(ctx, second.ID, -1, who); err != nil {
			t.Fatal(err)
		}
		list, _ := db.CustomFields(ctx, uni.ID)
		if len(list) != 2 || list[0].Name != "Contact" || list[0].Order != 1 {
			t.Fatalf("after move: %+v, want Contact first", list)
		}
		if err := db.SetCustomFieldOptions(ctx, second.ID, []string{"a"}, who); app.ErrorCode(err) != app.ECONFLICT {
			t.Fatalf("options on an email field: err = %v, want ECONFLICT", err)
		}
		if err := db.DeleteCustomField(ctx, second.ID, who); err != nil {
			t.Fatal(err)
		}
		list, _ = db.CustomFields(ctx, uni.ID)
		if len(list) != 1 || list[0].Order != 1 {
			t.Fatalf("after delete: %+v", list)
		}
		audit, err := db.AuditEntries(ctx, app.AuditFilter{Target: fmt.Sprintf("group:%d", uni.ID)})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range audit {
			actions = append(actions, e.Action)
		}
		for _, want := range []string{"group.item_types", "group.embargo_options", "group.field.create", "group.field.move", "group.field.delete"} {
			if !slices.Contains(actions, want) {
				t.Errorf("audit has %v, missing %s", actions, want)
			}
		}
	})
	t.Run("EmbargoCheck", func(t *testing.T) {
		now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
		e := app.EmbargoPolicy{Periods: []int{6, 12}, ReasonRequired: true}
		for name, c := range map[string]struct {
			emb app.Embargo
			ok  bool
		}{
			"within a year":   {app.Embargo{Type: app.EmbargoFiles, Until: now.AddDate(1, 0, 0), Reason: "patent"}, true},
			"too long":        {app.Embargo{Type: app.EmbargoFiles, Until: now.AddDate(2, 0, 0), Reason: "patent"}, false},
			"permanent":       {app.Embargo{Type: app.EmbargoFiles, Reason: "patent"}, false},
			"no reason":       {app.Embargo{Type: app.EmbargoFiles, Until: now.AddDate(0, 6, 0)}, false},
			"lifting is fine": {app.Embargo{}, true},
		} {
			if err := e.Check(c.emb, now); (err == nil) != c.ok {
				t.Errorf("%s: err = %v, want ok=%t", name, err, c.ok)
			}
		}
	})
}
