package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"carrel/app"
	"carrel/app/catalog"
)

// runGroupSettings handles carrel group types|field|embargo: the per-group
// settings subgroups inherit unless they set their own.
func runGroupSettings(ctx context.Context, e *env, sub string, args []string) error {
	var f app.CustomField
	var options string
	var reason bool
	synopsis := map[string]string{
		"types":   "group types ID inherit|TYPE_ID...",
		"field":   "group field add ID --name N --type text|textarea|dropdown|url|email|date [--options A,B] [--mandatory]",
		"embargo": "group embargo ID inherit|any|MONTHS... (0 = permanent) [--reason-required]",
	}[sub]
	fs := e.flags("group "+sub, synopsis)
	switch sub {
	case "field":
		fs.StringVar(&f.Name, "name", "", "the field's `name` as depositors see it (required)")
		fs.StringVar((*string)(&f.Type), "type", "text", "the field's `type`: text, textarea, dropdown, url, email or date")
		fs.StringVar(&options, "options", "", "a dropdown's `choices`, separated by commas")
		fs.BoolVar(&f.Mandatory, "mandatory", false, "a value is needed before an item is published or submitted")
	case "embargo":
		fs.BoolVar(&reason, "reason-required", false, "depositors must give a reason for an embargo")
	}
	pos, err := parsePositional(fs, args)
	if err != nil {
		return err
	}
	if sub == "field" {
		if len(pos) == 0 || pos[0] != "add" {
			return errors.New("usage: carrel " + synopsis)
		}
		pos = pos[1:]
	}
	if len(pos) == 0 {
		return errors.New("usage: carrel " + synopsis)
	}
	id, err := groupIDArg(pos[0])
	if err != nil {
		return err
	}
	cat, err := e.catalog(ctx)
	if err != nil {
		return err
	}
	defer cat.Close()
	msg, err := applyGroupSetting(ctx, cat, sub, id, pos[1:], &f, options, reason)
	if err != nil {
		return errors.New(app.ErrorMessage(err))
	}
	fmt.Fprintln(e.stdout, msg)
	return nil
}

// applyGroupSetting stores one setting and says what it did.
func applyGroupSetting(ctx context.Context, cat *catalog.DB, sub string, id int64, rest []string, f *app.CustomField, options string, reason bool) (string, error) {
	ints := func() ([]int, error) {
		var out []int
		for _, s := range rest {
			n, err := strconv.Atoi(s)
			if err != nil {
				return nil, app.Errorf(app.EINVALID, "%q is not a number", s)
			}
			out = append(out, n)
		}
		return out, nil
	}
	inherit := len(rest) == 1 && rest[0] == "inherit"
	switch sub {
	case "types":
		if len(rest) == 0 {
			return "", app.Errorf(app.EINVALID, "give item type ids (see carrel's /v2/item_types) or inherit")
		}
		var types []int
		if !inherit {
			var err error
			if types, err = ints(); err != nil {
				return "", err
			}
		}
		if err := cat.SetGroupItemTypes(ctx, id, types, cliActor()); err != nil {
			return "", err
		}
		if inherit {
			return fmt.Sprintf("group %d now inherits its item types", id), nil
		}
		return fmt.Sprintf("group %d allows item types %v", id, types), nil
	case "field":
		f.GroupID = id
		if options != "" {
			f.Options = strings.Split(options, ",")
		}
		if err := cat.CreateCustomField(ctx, f, cliActor()); err != nil {
			return "", err
		}
		return fmt.Sprintf("created custom field %d %q in group %d", f.ID, f.Name, id), nil
	}
	if len(rest) == 0 {
		return "", app.Errorf(app.EINVALID, "give embargo periods in months (0 = permanent), any, or inherit")
	}
	var policy *app.EmbargoPolicy
	if !inherit {
		policy = &app.EmbargoPolicy{ReasonRequired: reason}
		if !(len(rest) == 1 && rest[0] == "any") {
			var err error
			if policy.Periods, err = ints(); err != nil {
				return "", err
			}
		}
	}
	if err := cat.SetGroupEmbargoPolicy(ctx, id, policy, cliActor()); err != nil {
		return "", err
	}
	return fmt.Sprintf("group %d embargo options saved", id), nil
}
