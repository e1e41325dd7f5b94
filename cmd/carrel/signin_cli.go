package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"text/tabwriter"

	"carrel/app"
	"carrel/app/auth"
	"carrel/app/catalog"
)

// catalog loads the configuration and opens the catalog.
func (e *env) catalog(ctx context.Context) (*catalog.DB, error) {
	cfg, err := e.config()
	if err != nil {
		return nil, err
	}
	return openCatalog(ctx, cfg)
}

// oneArg parses flags and requires exactly one positional argument, which
// may come before or after the flags.
func (e *env) oneArg(name, synopsis, what string, args []string) (string, error) {
	fs := e.flags(name, synopsis)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return "", err
		}
		if fs.NArg() == 0 {
			break
		}
		pos, args = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
	if len(pos) != 1 {
		return "", fmt.Errorf("give exactly one %s", what)
	}
	return pos[0], nil
}

// accountArg parses a command whose one argument is an email address and
// returns the open catalog (to be closed by the caller) and the account.
func (e *env) accountArg(ctx context.Context, name string, args []string) (*catalog.DB, *app.Account, error) {
	email, err := e.oneArg(name, name+" EMAIL", "email address", args)
	if err != nil {
		return nil, nil, err
	}
	cat, err := e.catalog(ctx)
	if err != nil {
		return nil, nil, err
	}
	acct, err := cat.AccountByEmail(ctx, email)
	if err != nil {
		cat.Close()
		return nil, nil, errors.New(app.ErrorMessage(err))
	}
	return cat, acct, nil
}

// runUserActive deactivates or activates an account. Deactivation ends the
// account's sessions and stops its tokens at once, even in a running
// server, because both are checked against the catalog on every request.
func runUserActive(ctx context.Context, e *env, verb string, args []string) error {
	cat, acct, err := e.accountArg(ctx, "user "+verb, args)
	if err != nil {
		return err
	}
	defer cat.Close()
	if err := cat.SetAccountActive(ctx, acct.ID, verb == "activate", &app.AuditEntry{Detail: "carrel user " + verb}); err != nil {
		return errors.New(app.ErrorMessage(err))
	}
	fmt.Fprintf(e.stdout, "%sd account %d (%s)\n", verb, acct.ID, acct.Email)
	return nil
}

func runTokenList(ctx context.Context, e *env, args []string) error {
	cat, acct, err := e.accountArg(ctx, "token list", args)
	if err != nil {
		return err
	}
	defer cat.Close()
	tokens, err := cat.Tokens(ctx, acct.ID)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tCREATED\tLAST USED")
	for _, t := range tokens {
		used := "never"
		if !t.LastUsed.IsZero() {
			used = t.LastUsed.UTC().Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", t.ID, t.Name, t.Created.UTC().Format("2006-01-02 15:04"), used)
	}
	return tw.Flush()
}

func runTokenRevoke(ctx context.Context, e *env, args []string) error {
	arg, err := e.oneArg("token revoke", "token revoke ID", "token id (see carrel token list)", args)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || id <= 0 {
		return fmt.Errorf("%q is not a token id (see carrel token list)", arg)
	}
	cat, err := e.catalog(ctx)
	if err != nil {
		return err
	}
	defer cat.Close()
	if err := cat.RevokeToken(ctx, 0, id, &app.AuditEntry{Detail: "carrel token revoke"}); err != nil {
		return errors.New(app.ErrorMessage(err))
	}
	fmt.Fprintf(e.stdout, "revoked token %d\n", id)
	return nil
}

// runKeys rotates the session key: new sign-ins use a new key while
// cookies sealed with the previous one are accepted for the grace period.
func runKeys(_ context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "rotate" {
		fmt.Fprintln(e.stderr, "Usage: carrel keys rotate")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return nil
		}
		return errors.New("unknown or missing subcommand")
	}
	fs := e.flags("keys rotate", "keys rotate")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	cfg, err := e.config()
	if err != nil {
		return err
	}
	path := filepath.Join(cfg.Server.DataDir, "session.key")
	if err := auth.RotateSessionKey(path); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "rotated %s; the previous key is accepted for %s more. Restart carrel serve to use the new key.\n",
		path, auth.SessionMaxAge)
	return nil
}
