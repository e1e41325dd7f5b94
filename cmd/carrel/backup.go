package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"carrel/app"
	"carrel/app/backup"
	"carrel/app/catalog"
)

func backupConfig(cfg Config) backup.Config {
	return backup.Config{Dir: cfg.backupDir(), Keep: cfg.Backup.Keep, Version: version}
}

func backupJob(d jobDeps) app.JobFunc {
	return backup.Job(d.cat, backupConfig(d.cfg), time.Now)
}

func runBackup(ctx context.Context, e *env, args []string) error {
	fs := e.flags("backup", "backup [--to DIR] [--config FILE] [--data DIR]\n\n"+
		"Copies the catalog, consistently, while Carrel runs. Without --to it runs the\n"+
		"backup job (recorded, into backup.dir, with retention); with --to it writes\n"+
		"one copy and its manifest into DIR and deletes nothing.")
	to := fs.String("to", "", "write the copy into `DIR` instead of backup.dir")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := e.config()
	if err != nil {
		return err
	}
	if *to == "" {
		return jobsCommand(ctx, e, cfg, "run", []string{"backup"})
	}
	cat, err := openCatalog(ctx, cfg)
	if err != nil {
		return err
	}
	defer cat.Close()
	bc := backupConfig(cfg)
	bc.Dir = *to
	path, m, err := backup.Make(ctx, cat, bc, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\n", path)
	fmt.Fprintf(e.stderr, "backup: %d bytes, sha256 %s, schema %d\n", m.Size, m.SHA256, m.SchemaVersion)
	return nil
}

func runRestore(ctx context.Context, e *env, args []string) error {
	fs := e.flags("restore", "restore FILE [--config FILE] [--data DIR]\n\n"+
		"Replaces the catalog with the backup FILE (a carrel-catalog-*.db made by\n"+
		"carrel backup or the backup job) after checking it against its manifest.\n"+
		"carrel serve must be stopped. The current catalog is kept beside it as\n"+
		"catalog.db.before-restore-TIME; the search index is rebuilt at the next start.")
	pos, err := parseMixed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("restore takes one argument: the backup file")
	}
	file := pos[0]
	cfg, err := e.config()
	if err != nil {
		return err
	}
	release, err := lockDataDir(cfg.Server.DataDir)
	if err != nil {
		return err
	}
	defer release()
	dbPath := filepath.Join(cfg.Server.DataDir, "catalog.db")
	aside, m, err := backup.Restore(file, dbPath, catalog.KnownSchemaVersion(), time.Now())
	if err != nil {
		return err
	}
	// The index describes the catalog that was replaced; the next start
	// rebuilds it from the restored one.
	if err := os.RemoveAll(filepath.Join(cfg.Server.DataDir, "index")); err != nil {
		return fmt.Errorf("restored, but the old search index could not be removed (remove %s by hand): %w",
			filepath.Join(cfg.Server.DataDir, "index"), err)
	}
	fmt.Fprintf(e.stdout, "restored the catalog from %s (made %s by Carrel %s)\n", file, m.Created.Format(time.RFC3339), m.CarrelVersion)
	if aside != "" {
		fmt.Fprintf(e.stdout, "the previous catalog is kept as %s\n", aside)
	}
	fmt.Fprintln(e.stdout, "start carrel serve: it applies any newer migrations and rebuilds the search index")
	return nil
}
