package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"carrel/app"
	"carrel/app/hrfeed"
)

func runHRFeed(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "import" {
		fmt.Fprintln(e.stderr, "Usage: carrel hrfeed import FILE [--dry-run] [--force]")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return nil
		}
		return errors.New("unknown or missing subcommand")
	}
	fs := e.flags("hrfeed import", "hrfeed import FILE [--dry-run] [--force]")
	dry := fs.Bool("dry-run", false, "show what the feed would change, change nothing")
	force := fs.Bool("force", false, "apply even a feed that would deactivate every account it manages")
	flagUsage := fs.Usage
	fs.Usage = func() {
		flagUsage()
		fmt.Fprint(fs.Output(), `
Imports an HR feed (Figshare's HRFeed XML: one <Record> per person with
UniqueID, Orcid, FirstName, LastName, Title, Initials, Suffix, Email,
IsActive, UserQuota, UserAssociationCriteria). Accounts are matched by
UniqueID, then by email; new people get accounts; IsActive N, or a person
missing from a feed that listed them before, deactivates the account.
UserAssociationCriteria names a group by its resource id. The whole feed is
checked first: any problem is reported with its line and nothing changes.
FILE may be - for standard input.
`)
	}
	pos, err := parsePositional(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New("give the feed's file name (or - for standard input)")
	}
	var in io.Reader = e.stdin
	if pos[0] != "-" {
		f, err := os.Open(pos[0])
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	cfg, err := e.config()
	if err != nil {
		return err
	}
	cat, err := openCatalog(ctx, cfg)
	if err != nil {
		return err
	}
	defer cat.Close()
	svc := &hrfeed.Service{Store: cat}
	plan, err := svc.Check(ctx, in, 0)
	if err != nil {
		return errors.New(app.ErrorMessage(err))
	}
	printPlan(e.stdout, plan)
	if err := plan.ProblemsError(); err != nil {
		return errors.New(app.ErrorMessage(err))
	}
	if *dry {
		fmt.Fprintln(e.stdout, "dry run: nothing was changed")
		return nil
	}
	if _, err := svc.Apply(ctx, plan.UploadID, *force, app.AuditEntry{Address: "cli"}); err != nil {
		msg := app.ErrorMessage(err)
		if plan.DeactivatesEveryone && !*force {
			msg = "refused: this feed would deactivate every account it manages; check the file, or use --force"
		}
		return errors.New(msg)
	}
	fmt.Fprintln(e.stdout, "applied")
	return nil
}

// printPlan writes a feed's changes for people to read.
func printPlan(w io.Writer, p *app.FeedPlan) {
	fmt.Fprintf(w, "%d records: %d new, %d updated, %d deactivated, %d reactivated, %d unchanged\n", p.Records,
		p.Count("create"), p.Count("update"), p.Count("deactivate"), p.Count("reactivate"), p.Unchanged)
	for _, c := range p.Changes {
		who := c.After.Email
		if c.Before != nil {
			who = c.Before.Email
		}
		fmt.Fprintf(w, "  %-10s %s [%s]\n", c.Kind, who, c.InstitutionUserID)
		for _, f := range c.Fields {
			fmt.Fprintf(w, "             %s\n", f)
		}
	}
}
