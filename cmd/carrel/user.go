package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

	"carrel/app"
	"carrel/app/auth"
)

func runUser(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 && (args[0] == "deactivate" || args[0] == "activate") {
		return runUserActive(ctx, e, args[0], args[1:])
	}
	if len(args) > 0 && args[0] == "role" {
		return runUserRole(ctx, e, args[1:])
	}
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprintln(e.stderr, "Usage: carrel user add --email E --name N [--admin] [--password-stdin]")
		fmt.Fprintln(e.stderr, "       carrel user role EMAIL ROLE [--group ID] [--remove]")
		fmt.Fprintln(e.stderr, "       carrel user deactivate|activate EMAIL")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return nil
		}
		return errors.New("unknown or missing subcommand")
	}
	fs := e.flags("user add", "user add --email E --name N [--admin] [--password-stdin] [--orcid ID]")
	email := fs.String("email", "", "the account's email `address` (required)")
	name := fs.String("name", "", "the person's full `name` (required)")
	orcid := fs.String("orcid", "", "the person's ORCID iD")
	admin := fs.Bool("admin", false, "make the account an administrator")
	pwStdin := fs.Bool("password-stdin", false, "read a password for local sign-in from standard input")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *email == "" || *name == "" {
		return errors.New("--email and --name are required")
	}
	cfg, err := e.config()
	if err != nil {
		return err
	}
	hash := ""
	if *pwStdin {
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && line == "" {
			return errors.New("--password-stdin: no password on standard input")
		}
		if hash, err = auth.HashPassword(strings.TrimRight(line, "\r\n")); err != nil {
			return err
		}
	}
	cat, err := openCatalog(ctx, cfg)
	if err != nil {
		return err
	}
	defer cat.Close()
	first, last := app.SplitName(*name)
	a := &app.Account{Email: *email, FirstName: first, LastName: last, ORCID: *orcid, Admin: *admin}
	if err := cat.CreateAccount(ctx, a, hash); err != nil {
		return errors.New(app.ErrorMessage(err))
	}
	role := "depositor"
	if a.Admin {
		role = "administrator"
	}
	fmt.Fprintf(e.stdout, "created account %d for %s (%s)\n", a.ID, a.Email, role)
	return nil
}

func runToken(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "create":
			return runTokenCreate(ctx, e, args[1:])
		case "list":
			return runTokenList(ctx, e, args[1:])
		case "revoke":
			return runTokenRevoke(ctx, e, args[1:])
		}
	}
	fmt.Fprintln(e.stderr, "Usage: carrel token create --email E --name N | carrel token list EMAIL | carrel token revoke ID")
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
		return nil
	}
	return errors.New("unknown or missing subcommand")
}

func runTokenCreate(ctx context.Context, e *env, args []string) error {
	fs := e.flags("token create", "token create --email E --name N")
	email := fs.String("email", "", "email `address` of the account the token acts for (required)")
	name := fs.String("name", "cli", "a `name` to recognise the token by")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *email == "" {
		return errors.New("--email is required")
	}
	cat, err := e.catalog(ctx)
	if err != nil {
		return err
	}
	defer cat.Close()
	acct, err := cat.AccountByEmail(ctx, *email)
	if err != nil {
		return errors.New(app.ErrorMessage(err))
	}
	if !acct.Active {
		return fmt.Errorf("account %s is deactivated", acct.Email)
	}
	secret, hash := auth.NewToken()
	if _, err := cat.IssueToken(ctx, acct.ID, *name, hash, &app.AuditEntry{ActorID: acct.ID, Detail: "carrel token create"}); err != nil {
		return errors.New(app.ErrorMessage(err))
	}
	fmt.Fprintln(e.stdout, secret)
	return nil
}
