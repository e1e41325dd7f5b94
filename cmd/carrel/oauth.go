package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"carrel/app"
	"carrel/app/api"
)

const oauthUsage = `Usage: carrel oauth app add --name N --redirect-uri URI [--redirect-uri URI...]
       carrel oauth app list
       carrel oauth app remove CLIENT_ID`

// uriList collects a repeated flag.
type uriList []string

func (l *uriList) String() string     { return strings.Join(*l, ",") }
func (l *uriList) Set(v string) error { *l = append(*l, v); return nil }

var _ flag.Value = (*uriList)(nil)

// runOAuth manages the applications that may obtain OAuth2 access to
// people's accounts.
func runOAuth(ctx context.Context, e *env, args []string) error {
	if len(args) < 2 || args[0] != "app" {
		fmt.Fprintln(e.stderr, oauthUsage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			e.flags("oauth app", "oauth app add|list|remove ...").Usage()
			return nil
		}
		return errors.New("unknown or missing subcommand")
	}
	sub, rest := args[1], args[2:]
	var name string
	var uris uriList
	var pos []string
	var err error
	switch sub {
	case "add":
		fs := e.flags("oauth app add", "oauth app add --name N --redirect-uri URI [--redirect-uri URI...]")
		fs.StringVar(&name, "name", "", "the application's `name`, shown to people asked to authorize it (required)")
		fs.Var(&uris, "redirect-uri", "an exact `URI` the application receives codes at (repeatable; https, or http on the loopback address)")
		err = parse(fs, rest)
	case "list":
		err = parse(e.flags("oauth app list", "oauth app list"), rest)
	case "remove":
		pos, err = parsePositional(e.flags("oauth app remove", "oauth app remove CLIENT_ID"), rest)
		if err == nil && len(pos) != 1 {
			err = errors.New("give exactly one client id")
		}
	default:
		fmt.Fprintln(e.stderr, oauthUsage)
		return fmt.Errorf("unknown subcommand %q", sub)
	}
	if err != nil {
		return err
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
	switch sub {
	case "add":
		a, secret := api.NewOAuthApp(name, uris, 0)
		if err := cat.CreateOAuthApp(ctx, a); err != nil {
			return errors.New(app.ErrorMessage(err))
		}
		fmt.Fprintf(e.stdout, "client_id     %s\nclient_secret %s\n", a.ClientID, secret)
		fmt.Fprintln(e.stderr, "Give both to the application's developers. The secret is stored only as a hash and cannot be shown again.")
	case "list":
		apps, err := cat.OAuthApps(ctx)
		if err != nil {
			return errors.New(app.ErrorMessage(err))
		}
		for _, a := range apps {
			fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%s\n", a.ClientID, a.Created.UTC().Format("2006-01-02"), a.Name, strings.Join(a.RedirectURIs, " "))
		}
	case "remove":
		if err := cat.RemoveOAuthApp(ctx, pos[0], 0); err != nil {
			return errors.New(app.ErrorMessage(err))
		}
		fmt.Fprintf(e.stdout, "removed application %s; every token it held stopped working\n", pos[0])
	}
	return nil
}
