package main

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"path"
	"strings"
	"sync"
	"time"

	"carrel/app"
	"carrel/app/auth"
	"carrel/app/catalog"
	"carrel/corpus"
	"carrel/storage"
)

func runDev(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "seed" {
		fmt.Fprintln(e.stderr, "Usage: carrel dev seed --items N [--seed S] [--files K] [--owners N] [--force]")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return nil
		}
		return errors.New("unknown or missing subcommand")
	}
	return runSeed(ctx, e, args[1:])
}

// seedBatch is how many items one catalog transaction imports.
const seedBatch = 500

func runSeed(ctx context.Context, e *env, args []string) error {
	fs := e.flags("dev seed", "dev seed --items N [--seed S] [--files K] [--owners N] [--force]")
	items := fs.Int("items", 0, "how many synthetic items to create (required)")
	seed := fs.Int64("seed", 1, "random `seed`; the same seed gives the same items")
	files := fs.Int("files", 3, "at most `K` small files per item, written to the blob store (0 for none)")
	owners := fs.Int("owners", 200, "how many depositor accounts (seed-NNNN@seed.invalid) own the items")
	force := fs.Bool("force", false, "seed even though the catalog holds real (not seeded) items")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case *items <= 0:
		return errors.New("--items must be at least 1")
	case *files < 0 || *files > 20:
		return errors.New("--files must be 0 to 20")
	case *owners < 1 || *owners > 100_000:
		return errors.New("--owners must be 1 to 100000")
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
	if real, err := cat.HasRealItems(ctx); err != nil {
		return err
	} else if real && !*force {
		return fmt.Errorf("%s holds real deposits; seeding would mix synthetic items with them (use --force to seed anyway)",
			cfg.Server.DataDir)
	}
	blobs, err := openBlobs(ctx, cfg, cat)
	if err != nil {
		return err
	}
	if running, err := serverRunning(cfg); err != nil {
		return err
	} else if running {
		return fmt.Errorf("carrel serve is running on %s; stop it before seeding", cfg.Server.DataDir)
	}
	index, err := openIndexOffline(cfg)
	if err != nil {
		return err
	}
	defer index.Close()
	indexer, err := cat.NewIndexer(ctx, index)
	if err != nil {
		return err
	}
	accounts, err := seedAccounts(ctx, cat, *owners)
	if err != nil {
		return err
	}
	groups, err := seedGroups(ctx, cat, seedGroupCount)
	if err != nil {
		return err
	}
	v, err := vocabulary(ctx, cat)
	if err != nil {
		return err
	}
	maxFiles := *files
	if maxFiles == 0 {
		maxFiles = -1
	}
	s := seeder{cat: cat, blobs: blobs, indexer: indexer, accounts: accounts, groups: groups,
		gen: corpus.New(*seed, v, corpus.Options{Owners: *owners, Groups: len(groups), MaxFiles: maxFiles})}
	start := time.Now()
	published, err := s.run(ctx, *items, progressBar(e.stderr, *items))
	if err != nil {
		return err
	}
	took := time.Since(start)
	fmt.Fprintf(e.stderr, "\nseeded %d items (%d published, %d drafts) in %s: %.0f items/s\n",
		*items, published, *items-published, took.Round(time.Millisecond), float64(*items)/took.Seconds())
	return nil
}

// seeder makes synthetic items in a three-stage pipeline, so that the
// cores share the work: generating items and storing their files, importing
// them into the catalog in batches, and indexing what was imported.
type seeder struct {
	cat      *catalog.DB
	blobs    storage.Backend
	indexer  *catalog.Indexer
	accounts []int64
	groups   []int64
	gen      *corpus.Generator
}

// run makes n items and returns how many were published.
func (s *seeder) run(ctx context.Context, n int, progress func(int)) (int, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	batches := make(chan []catalog.ImportItem, 2)
	imported := make(chan struct{}, 1)
	var wg sync.WaitGroup
	published := 0
	wg.Go(func() { // generate and store files
		defer close(batches)
		for done := 0; done < n && ctx.Err() == nil; {
			batch, err := s.batch(ctx, min(seedBatch, n-done))
			if err != nil {
				cancel(err)
				return
			}
			for _, it := range batch {
				if !it.Published.IsZero() {
					published++
				}
			}
			done += len(batch)
			select {
			case batches <- batch:
			case <-ctx.Done():
			}
		}
	})
	indexed := make(chan struct{})
	go func() { // index in the background; Import only queues the changes
		defer close(indexed)
		for range imported {
			if err := s.indexer.CatchUp(ctx); err != nil {
				cancel(err)
				return
			}
		}
	}()
	done := 0
	for batch := range batches {
		if _, err := s.cat.Import(ctx, batch); err != nil {
			cancel(err)
			break
		}
		done += len(batch)
		progress(done)
		select {
		case imported <- struct{}{}:
		default: // the indexer has a catch-up pending and will see this batch too
		}
	}
	wg.Wait()
	close(imported)
	<-indexed
	if err := context.Cause(ctx); err != nil {
		return 0, err
	}
	// Whatever the last background pass missed.
	return published, s.indexer.CatchUp(ctx)
}

// batch generates k items and stores their files.
func (s *seeder) batch(ctx context.Context, k int) ([]catalog.ImportItem, error) {
	gen := make([]corpus.Item, 0, k)
	for range k {
		gen = append(gen, s.gen.Next())
	}
	stored, err := storeFiles(ctx, s.blobs, gen)
	if err != nil {
		return nil, err
	}
	out := make([]catalog.ImportItem, len(gen))
	for i, it := range gen {
		out[i] = catalog.ImportItem{AccountID: s.accounts[it.Owner], GroupID: s.groups[it.Group], Metadata: it.Metadata,
			Files: stored[i], Created: it.Created, Modified: it.Modified, Published: it.Published, Seeded: true}
	}
	return out, nil
}

// seedAccounts returns the ids of the owner accounts, creating those that
// do not exist yet.
func seedAccounts(ctx context.Context, cat *catalog.DB, n int) ([]int64, error) {
	ids := make([]int64, n)
	for i := range ids {
		email := fmt.Sprintf("seed-%04d@seed.invalid", i+1)
		a, err := cat.AccountByEmail(ctx, email)
		if app.ErrorCode(err) == app.ENOTFOUND {
			a = &app.Account{Email: email, FirstName: "Seed", LastName: fmt.Sprintf("Depositor %d", i+1)}
			err = cat.CreateAccount(ctx, a, "")
		}
		if err != nil {
			return nil, err
		}
		ids[i] = a.ID
	}
	return ids, nil
}

// seedGroupCount is how many groups seeded items are deposited in: five
// faculties and their schools.
const seedGroupCount = 15

// seedGroups returns the ids of the groups seeded items go in, creating
// those that do not exist yet.
func seedGroups(ctx context.Context, cat *catalog.DB, n int) ([]int64, error) {
	existing, err := cat.Groups(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, n)
	for i, name := range corpus.GroupNames(n) {
		var parent int64
		if f := corpus.FacultyOf(i); f >= 0 {
			parent = ids[f]
		}
		for _, g := range existing {
			if g.Name == name && g.ParentID == parent {
				ids[i] = g.ID
			}
		}
		if ids[i] == 0 {
			g := app.Group{Name: name, ParentID: parent}
			if err := cat.CreateGroup(ctx, &g, cliActor()); err != nil {
				return nil, err
			}
			ids[i] = g.ID
		}
	}
	return ids, nil
}

// vocabulary is the catalog's item types, licenses and categories.
func vocabulary(ctx context.Context, cat *catalog.DB) (corpus.Vocabulary, error) {
	var v corpus.Vocabulary
	var err error
	if v.ItemTypes, err = cat.ItemTypes(ctx); err != nil {
		return v, err
	}
	if v.Licenses, err = cat.Licenses(ctx); err != nil {
		return v, err
	}
	v.Categories, err = cat.Categories(ctx)
	return v, err
}

// storeFiles writes the generated items' files to the blob store, several
// at a time, and returns their catalog records by item.
func storeFiles(ctx context.Context, blobs storage.Backend, items []corpus.Item) ([][]app.File, error) {
	out := make([][]app.File, len(items))
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	slots := make(chan struct{}, 16)
	for i, it := range items {
		out[i] = make([]app.File, len(it.Files))
		for k, f := range it.Files {
			slots <- struct{}{}
			wg.Go(func() {
				defer func() { <-slots }()
				if err := storeFile(ctx, blobs, f, &out[i][k]); err != nil {
					cancel(err)
				}
			})
		}
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	return out, nil
}

// storeFile writes one generated file and fills in its record.
func storeFile(ctx context.Context, blobs storage.Backend, f corpus.File, rec *app.File) error {
	body := f.Content()
	key := auth.RandomID(16)
	m, s := md5.Sum(body), sha256.Sum256(body)
	*rec = app.File{Name: f.Name, Size: int64(len(body)), ComputedMD5: hex.EncodeToString(m[:]),
		SHA256: hex.EncodeToString(s[:]), MimeType: mime.TypeByExtension(strings.ToLower(path.Ext(f.Name))),
		StorageKey: "files/" + key[:2] + "/" + key[2:4] + "/" + key, UploadToken: auth.RandomID(16)}
	if err := blobs.Put(ctx, rec.StorageKey, bytes.NewReader(body), rec.Size); err != nil {
		return fmt.Errorf("storing %s: %w", f.Name, err)
	}
	return nil
}
