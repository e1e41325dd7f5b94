package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"carrel/app"
)

// cliActor is how the audit log names changes made on the command line:
// by the system (actor 0) from the local machine.
func cliActor() app.AuditEntry { return app.AuditEntry{Address: "cli"} }

func runGroup(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 && args[0] == "review" {
		return runGroupReview(ctx, e, args[1:])
	}
	if len(args) > 0 && (args[0] == "types" || args[0] == "field" || args[0] == "embargo") {
		return runGroupSettings(ctx, e, args[0], args[1:])
	}
	if len(args) == 0 || (args[0] != "add" && args[0] != "list") {
		fmt.Fprintln(e.stderr, "Usage: carrel group add --name N [--parent ID] [--quota BYTES] [--resource-id X]\n       carrel group list\n       carrel group review ID on|off\n       carrel group types ID inherit|TYPE_ID...\n       carrel group field add ID --name N --type T [--options A,B] [--mandatory]\n       carrel group embargo ID inherit|any|MONTHS... [--reason-required]")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return nil
		}
		return errors.New("unknown or missing subcommand")
	}
	var g app.Group
	fs := e.flags("group "+args[0], "group add --name N [--parent ID] [--quota BYTES] [--resource-id X] | group list")
	if args[0] == "add" {
		fs.StringVar(&g.Name, "name", "", "the group's `name` (required)")
		fs.Int64Var(&g.ParentID, "parent", 0, "the `id` of the group it belongs to; 0 for a top-level group (the institution)")
		fs.Int64Var(&g.Quota, "quota", 0, "storage `bytes` all items of the group and its subgroups may hold; 0 = no limit")
		fs.StringVar(&g.ResourceID, "resource-id", "", "an external `identifier` for the group, e.g. a unit code")
	}
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	cat, err := e.catalog(ctx)
	if err != nil {
		return err
	}
	defer cat.Close()
	if args[0] == "add" {
		if err := cat.CreateGroup(ctx, &g, cliActor()); err != nil {
			return errors.New(app.ErrorMessage(err))
		}
		fmt.Fprintf(e.stdout, "created group %d %q\n", g.ID, g.Name)
		return nil
	}
	groups, err := cat.Groups(ctx)
	if err != nil {
		return errors.New(app.ErrorMessage(err))
	}
	printGroupTree(e, groups, 0, 0)
	return nil
}

// printGroupTree prints the groups under parent, indented by depth.
func printGroupTree(e *env, groups []app.Group, parent int64, depth int) {
	for _, g := range groups {
		if g.ParentID != parent {
			continue
		}
		quota := "no quota"
		if g.Quota > 0 {
			quota = fmt.Sprintf("quota %d bytes", g.Quota)
		}
		fmt.Fprintf(e.stdout, "%s%d\t%s\t%s\n", strings.Repeat("  ", depth), g.ID, g.Name, quota)
		printGroupTree(e, groups, g.ID, depth+1)
	}
}

func runUserRole(ctx context.Context, e *env, args []string) error {
	fs := e.flags("user role", "user role EMAIL ROLE [--group ID] [--remove]")
	group := fs.Int64("group", 0, "the group `id` the role applies to (and its subgroups); 0 = institution-wide")
	remove := fs.Bool("remove", false, "take the role away instead of giving it")
	if len(args) < 2 || strings.HasPrefix(args[0], "-") || strings.HasPrefix(args[1], "-") {
		fs.Usage()
		return errors.New("EMAIL and ROLE are required")
	}
	if err := parse(fs, args[2:]); err != nil {
		return err
	}
	role, err := app.ParseRole(args[1])
	if err != nil {
		return errors.New(app.ErrorMessage(err))
	}
	cat, err := e.catalog(ctx)
	if err != nil {
		return err
	}
	defer cat.Close()
	acct, err := cat.AccountByEmail(ctx, args[0])
	if err != nil {
		return errors.New(app.ErrorMessage(err))
	}
	ra := app.RoleAssignment{AccountID: acct.ID, Role: role, GroupID: *group}
	where := "institution-wide"
	if *group != 0 {
		where = fmt.Sprintf("on group %d", *group)
	}
	if *remove {
		if err := cat.RevokeRole(ctx, ra, cliActor()); err != nil {
			return errors.New(app.ErrorMessage(err))
		}
		fmt.Fprintf(e.stdout, "%s is no longer %s %s\n", acct.Email, role.Title(), where)
		return nil
	}
	if err := cat.AssignRole(ctx, ra, cliActor()); err != nil {
		return errors.New(app.ErrorMessage(err))
	}
	fmt.Fprintf(e.stdout, "%s is now %s %s\n", acct.Email, role.Title(), where)
	return nil
}

// runGroupReview switches review before publication on or off for a group
// and the groups below it.
func runGroupReview(ctx context.Context, e *env, args []string) error {
	fs := e.flags("group review", "group review ID on|off")
	pos, err := parsePositional(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 || (pos[1] != "on" && pos[1] != "off") {
		return errors.New("give the group's id and on or off")
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
	if err := cat.SetGroupReview(ctx, id, pos[1] == "on", cliActor()); err != nil {
		return errors.New(app.ErrorMessage(err))
	}
	fmt.Fprintf(e.stdout, "review is %s for group %d and the groups below it\n", pos[1], id)
	return nil
}

// groupIDArg reads a group id given on the command line.
func groupIDArg(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("%q is not a group id", s)
	}
	return id, nil
}
