// Package preserve hands Carrel's holdings to preservation systems: the
// preservation-export job writes a BagIt 1.0 bag (RFC 8493) for every newly
// published version and a note bag for every withdrawal, and the
// fixity-audit job re-reads stored files against their recorded SHA-256.
package preserve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"carrel/app"
	"carrel/storage"
)

// Catalog is what the export needs of the metadata store.
type Catalog interface {
	UnexportedVersions(ctx context.Context, limit int) ([]app.VersionRef, error)
	UnrecordedWithdrawals(ctx context.Context, limit int) ([]app.VersionRef, error)
	RecordExport(ctx context.Context, ref app.VersionRef, kind, bag string) error
	// Item and Version answer ENOTFOUND for what does not exist.
	Item(ctx context.Context, id int64) (*app.Item, error)
	Version(ctx context.Context, itemID int64, number int) (*app.Version, error)
}

// Describer renders a version's metadata in standard formats, as files for
// a bag's metadata/ directory keyed by name ("datacite.xml").
type Describer interface {
	Describe(ctx context.Context, it *app.Item, v *app.Version) (map[string][]byte, error)
}

// Config says where bags go and what they say about their source.
type Config struct {
	Target string // directory the bags are written into (created 0750)
	// Store, if set, receives the bags instead of Target: a blob store
	// such as an S3 bucket.
	Store        storage.Backend
	Tar          bool   // write each bag as one .tar file instead of a directory
	Publisher    string // bag-info Source-Organization
	ContactEmail string // bag-info Contact-Email
	BaseURL      string // for landing-page URLs when a version has no DOI
}

// Exporter writes preservation bags.
type Exporter struct {
	cat    Catalog
	blobs  storage.Backend
	desc   Describer
	cfg    Config
	now    func() time.Time
	target target
}

// New returns an Exporter.
func New(cat Catalog, blobs storage.Backend, desc Describer, cfg Config, now func() time.Time) *Exporter {
	var t target = dirTarget{dir: cfg.Target, tar: cfg.Tar, now: now}
	if cfg.Store != nil {
		t = storeTarget{store: cfg.Store, tar: cfg.Tar, now: now}
	}
	return &Exporter{cat: cat, blobs: blobs, desc: desc, cfg: cfg, now: now, target: t}
}

// batch is how many versions one pass of the job asks the catalog for.
const batch = 200

// Job is the preservation-export job: a bag for every published version
// without one, then a note bag for every unrecorded withdrawal. A bag that
// cannot be written is a problem in the report and is retried next run.
func (e *Exporter) Job() app.JobFunc {
	return func(ctx context.Context, r *app.JobReport) error {
		if err := e.target.prepare(); err != nil {
			return err
		}
		for _, kind := range []string{"version", "withdrawal"} {
			failed := map[app.VersionRef]bool{}
			for {
				list := e.cat.UnexportedVersions
				if kind == "withdrawal" {
					list = e.cat.UnrecordedWithdrawals
				}
				refs, err := list(ctx, batch+len(failed))
				if err != nil {
					return err
				}
				todo := 0
				for _, ref := range refs {
					if failed[ref] {
						continue
					}
					todo++
					name, wrote, err := e.export(ctx, ref, kind)
					if err != nil {
						failed[ref] = true
						r.Problem("item %d version %d (%s): %v", ref.ItemID, ref.Number, kind, err)
						continue
					}
					if err := e.cat.RecordExport(ctx, ref, kind, name); err != nil {
						return err
					}
					if wrote {
						r.Add("bags_written", 1)
					} else {
						r.Add("bags_already_present", 1)
					}
				}
				if todo == 0 || ctx.Err() != nil {
					break
				}
			}
		}
		return ctx.Err()
	}
}

// ExportVersion writes the bag of one published version into the target
// (if it is not there already) and returns its path (or key in a store).
// It does not record the export; the job does.
func (e *Exporter) ExportVersion(ctx context.Context, ref app.VersionRef) (string, error) {
	if err := e.target.prepare(); err != nil {
		return "", err
	}
	name, _, err := e.export(ctx, ref, "version")
	return e.target.where(name), err
}

// export writes one bag unless a complete one is already in the target
// (bags are renamed into place only when complete, so one that exists is
// whole). It reports whether it wrote.
func (e *Exporter) export(ctx context.Context, ref app.VersionRef, kind string) (string, bool, error) {
	name := fmt.Sprintf("carrel-item-%d-v%d", ref.ItemID, ref.Number)
	if kind == "withdrawal" {
		name += "-withdrawal"
	}
	if done, err := e.target.exists(ctx, name); err != nil || done {
		return name, false, err
	}
	it, err := e.cat.Item(ctx, ref.ItemID)
	if err != nil {
		return name, false, err
	}
	v, err := e.cat.Version(ctx, ref.ItemID, ref.Number)
	if err != nil {
		return name, false, err
	}
	var b bag
	if kind == "withdrawal" {
		b, err = e.withdrawalBag(it, v)
	} else {
		b, err = e.versionBag(ctx, it, v)
	}
	if err != nil {
		return name, false, err
	}
	b.name = name
	s, err := e.target.create(ctx, name)
	if err != nil {
		return name, false, err
	}
	if err := writeBag(ctx, s, b); err != nil {
		s.Abort()
		return name, false, err
	}
	if err := s.Commit(); err != nil {
		s.Abort()
		return name, false, err
	}
	return name, true, nil
}

// identifier is the version's DOI, or its landing page when it has none.
func (e *Exporter) identifier(it *app.Item, v *app.Version) string {
	if v.Metadata.DOI != "" {
		return "https://doi.org/" + strings.TrimPrefix(v.Metadata.DOI, "https://doi.org/")
	}
	return strings.TrimSuffix(e.cfg.BaseURL, "/") + app.LandingPath(v.Metadata.Title, it.ID) + fmt.Sprintf("/versions/%d", v.Number)
}

func (e *Exporter) commonInfo(it *app.Item, v *app.Version) []field {
	return []field{
		{"Source-Organization", e.cfg.Publisher},
		{"Contact-Email", e.cfg.ContactEmail},
		{"External-Identifier", e.identifier(it, v)},
		{"External-Description", v.Metadata.Title},
		{"Bagging-Date", e.now().UTC().Format("2006-01-02")},
		{"Bag-Group-Identifier", fmt.Sprintf("carrel-item-%d", it.ID)},
		{"Internal-Sender-Identifier", fmt.Sprintf("item %d version %d", it.ID, v.Number)},
		{"Bag-Software-Agent", "Carrel"},
	}
}

func (e *Exporter) versionBag(ctx context.Context, it *app.Item, v *app.Version) (bag, error) {
	b := bag{info: e.commonInfo(it, v), tags: map[string][]byte{}}
	b.info = append(b.info, field{"Carrel-Version-Published", v.Published.UTC().Format(time.RFC3339)})
	seen := map[string]bool{}
	for _, f := range v.Files {
		p := f.Path()
		if !safePath(p) {
			return b, fmt.Errorf("file %d has a path that cannot be a bag path: %q", f.ID, p)
		}
		if seen[p] {
			return b, fmt.Errorf("two files of the version have the path %q", p)
		}
		seen[p] = true
		key := f.StorageKey
		b.payload = append(b.payload, payloadFile{path: p, size: f.Size, sha256: f.SHA256,
			open: func(ctx context.Context) (io.ReadCloser, error) {
				blob, _, err := e.blobs.Open(ctx, key)
				if errors.Is(err, storage.ErrNotExist) {
					return nil, fmt.Errorf("the stored file %s is missing (run the fixity audit)", key)
				}
				return blob, err
			}})
	}
	meta, err := e.desc.Describe(ctx, it, v)
	if err != nil {
		return b, fmt.Errorf("describing the version: %w", err)
	}
	for name, body := range meta {
		b.tags["metadata/"+name] = body
	}
	b.tags["metadata/carrel.json"], err = carrelJSON(it, v, e.identifier(it, v))
	return b, err
}

func (e *Exporter) withdrawalBag(it *app.Item, v *app.Version) (bag, error) {
	note, err := json.MarshalIndent(map[string]any{
		"item_id": it.ID, "last_version": v.Number, "title": v.Metadata.Title, "identifier": e.identifier(it, v),
		"status": it.Status, "reason": it.WithdrawReason, "recorded": e.now().UTC(),
		"note": "The item was withdrawn from public view. Its earlier bags remain the preserved record of what was published.",
	}, "", "  ")
	if err != nil {
		return bag{}, err
	}
	b := bag{info: e.commonInfo(it, v), tags: map[string][]byte{}}
	b.info = append(b.info, field{"Carrel-Withdrawal-Reason", it.WithdrawReason})
	body := append(note, '\n')
	b.payload = []payloadFile{{path: "withdrawal.json", size: int64(len(body)),
		open: func(context.Context) (io.ReadCloser, error) {
			return io.NopCloser(strings.NewReader(string(body))), nil
		}}}
	return b, nil
}

// carrelJSON is Carrel's own record of the version: its metadata in
// Figshare's field names and its files with their checksums.
func carrelJSON(it *app.Item, v *app.Version, id string) ([]byte, error) {
	type file struct {
		ID       int64  `json:"id"`
		Path     string `json:"path"`
		Size     int64  `json:"size"`
		MD5      string `json:"computed_md5"`
		SHA256   string `json:"sha256"`
		MimeType string `json:"mimetype"`
	}
	files := []file{}
	for _, f := range v.Files {
		files = append(files, file{f.ID, f.Path(), f.Size, f.ComputedMD5, f.SHA256, f.MimeType})
	}
	body, err := json.MarshalIndent(map[string]any{"item_id": it.ID, "version": v.Number, "identifier": id,
		"published_date": v.Published.UTC(), "metadata": v.Metadata, "files": files}, "", "  ")
	return append(body, '\n'), err
}

// safePath accepts a relative, clean, slash-separated path whose parts are
// not empty, "." or "..".
func safePath(p string) bool {
	if p == "" || strings.HasPrefix(p, "/") || strings.ContainsAny(p, "\\\x00") || path.Clean(p) != p {
		return false
	}
	for _, part := range strings.Split(p, "/") {
		if part == "" || part == "." || part == ".." {
			return false
		}
	}
	return true
}
