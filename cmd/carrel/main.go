// Command carrel runs Carrel, a self-hostable institutional repository,
// and administers it. It is the only place that wires Carrel's concrete
// parts together.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"carrel/app/catalog"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

// env is what every command gets: its streams and the common flags.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	configFile     string
	dataDir        string
	// listening, if set, is told the address the server listens on (tests
	// start it on port 0).
	listening func(addr string)
}

func commands() []command {
	return []command{
		{"serve", "run the web server and API", runServe},
		{"user", "manage accounts: carrel user add --email E --name N [--admin] [--password-stdin]; role EMAIL ROLE [--group ID] [--remove]; deactivate|activate EMAIL", runUser},
		{"group", "manage groups: carrel group add --name N [--parent ID] [--quota BYTES]; carrel group list; carrel group review ID on|off", runGroup},
		{"token", "manage API tokens: carrel token create --email E --name N | list EMAIL | revoke ID", runToken},
		{"doi", "DOI registration: carrel doi status [--all] shows the DataCite outbox", runDOI},
		{"keys", "rotate the session key: carrel keys rotate (old key accepted for 12h)", runKeys},
		{"oauth", "OAuth2 applications: carrel oauth app add --name N --redirect-uri URI | list | remove CLIENT_ID", runOAuth},
		{"jobs", "scheduled jobs: carrel jobs list | run NAME | runs NAME", runJobs},
		{"hrfeed", "import an HR feed of people: carrel hrfeed import FILE [--dry-run] [--force]", runHRFeed},
		{"backup", "copy the catalog now: carrel backup [--to DIR] (safe while serving)", runBackup},
		{"restore", "replace the catalog with a backup: carrel restore FILE (with carrel serve stopped)", runRestore},
		{"export", "carrel export bag ITEM[/VERSION] [--to DIR] writes a BagIt bag of a published version; carrel export metadata [--out FILE] writes the bulk metadata dump", runExport},
		{"storage", "where file bytes live: carrel storage status | migrate --to STORE [--max-blobs N] (online while serve runs)", runStorage},
		{"reindex", "rebuild the search index from the catalog (online, through a running carrel serve, or offline)", runReindex},
		{"dev", "development tools: carrel dev seed --items N [--seed S] [--files K] makes synthetic items", runDev},
		{"version", "print the version", runVersion},
	}
}

func main() {
	e := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}
	os.Exit(run(context.Background(), e, os.Args[1:]))
}

// run dispatches to a subcommand and returns the process exit code.
func run(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(e.stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(ctx, e, args[1:])
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			if err != nil {
				fmt.Fprintf(e.stderr, "carrel %s: %v\n", c.name, err)
				return 1
			}
			return 0
		}
	}
	fmt.Fprintf(e.stderr, "carrel: unknown command %q\n\n", args[0])
	usage(e.stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintf(w, `Carrel %s — a self-hostable institutional repository.

Usage: carrel <command> [flags]

Commands:
`, version)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Every command takes:
  --config FILE   a TOML configuration file (see config.example.toml); none is needed
  --data DIR      the data directory (default ./carrel-data): catalog.db, blobs/, index/

Run "carrel <command> --help" for a command's flags. Settings can also be
given as environment variables CARREL_<SECTION>_<KEY>, e.g. CARREL_SERVER_ADDR.
Search syntax (prefixes such as :title:, AND/OR/NOT, "phrases") is in
docs/search.md; "carrel reindex" rebuilds the index online while serve runs.
`)
}

// flags returns a flag set with the common flags bound to e.
func (e *env) flags(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("carrel "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.StringVar(&e.configFile, "config", "", "configuration `FILE` (TOML)")
	fs.StringVar(&e.dataDir, "data", "", "data `DIR` (default ./carrel-data)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: carrel %s\n\nFlags:\n", synopsis)
		fs.VisitAll(func(f *flag.Flag) {
			arg, help := flag.UnquoteUsage(f)
			if arg == "value" || arg == "" {
				arg = ""
			} else {
				arg = " " + arg
			}
			if f.DefValue != "" && f.DefValue != "false" {
				help += fmt.Sprintf(" (default %q)", f.DefValue)
			}
			fmt.Fprintf(fs.Output(), "  --%s%s\n      %s\n", f.Name, arg, help)
		})
	}
	return fs
}

// parse parses flags and refuses stray arguments.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// parseMixed parses flags that may come before, between or after the
// positional arguments (carrel jobs run NAME --data DIR) and returns the
// positional ones.
func parseMixed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// config loads the configuration the common flags name.
func (e *env) config() (Config, error) { return loadConfig(e.configFile, e.dataDir) }

// openCatalog opens the catalog in the data directory, creating it.
func openCatalog(ctx context.Context, cfg Config) (*catalog.DB, error) {
	if err := os.MkdirAll(cfg.Server.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	cat, err := catalog.Open(ctx, filepath.Join(cfg.Server.DataDir, "catalog.db"))
	if err != nil {
		return nil, err
	}
	if dir := cfg.Server.VocabularyDir; dir != "" {
		if err := cat.LoadVocabularies(ctx, os.DirFS(dir)); err != nil {
			cat.Close()
			return nil, fmt.Errorf("vocabularies in %s: %w", dir, err)
		}
	}
	return cat, nil
}

// newLogger builds the structured logger the config asks for.
func newLogger(w io.Writer, cfg LogConfig) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.Level))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func runVersion(_ context.Context, e *env, args []string) error {
	fs := e.flags("version", "version")
	if err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "carrel %s\n", version)
	return nil
}

// parsePositional parses flags that may come before, between or after the
// positional arguments, and returns the positional ones.
func parsePositional(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos, args = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
}
