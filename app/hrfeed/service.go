package hrfeed

import (
	"bytes"
	"context"
	"io"

	"carrel/app"
)

// MaxFeedSize bounds an uploaded feed: about 100,000 people.
const MaxFeedSize = 64 << 20

// Store is what importing a feed needs of the catalog.
type Store interface {
	FedAccounts(ctx context.Context) ([]app.FedAccount, error)
	Groups(ctx context.Context) ([]app.Group, error)
	StoreFeedUpload(ctx context.Context, body []byte, by int64) (int64, string, error)
	// FeedUpload returns a stored feed: ENOTFOUND if gone, ECONFLICT if
	// already applied.
	FeedUpload(ctx context.Context, id int64) ([]byte, error)
	// ApplyAccountChanges applies a plan in one transaction: ECONFLICT if
	// an account changed since it was planned.
	ApplyAccountChanges(ctx context.Context, uploadID int64, changes []app.AccountChange, who app.AuditEntry) error
}

// Service checks and applies HR feeds.
type Service struct {
	Store Store
}

var _ app.HRFeedImporter = (*Service)(nil)

// Check reads a feed, keeps it for applying later, and returns what it
// would change. ETOOLARGE if the feed is bigger than MaxFeedSize.
func (s *Service) Check(ctx context.Context, r io.Reader, by int64) (*app.FeedPlan, error) {
	body, err := io.ReadAll(io.LimitReader(r, MaxFeedSize+1))
	if err != nil {
		return nil, app.Errorf(app.EINVALID, "reading the feed: %v", err)
	}
	if len(body) > MaxFeedSize {
		return nil, app.Errorf(app.ETOOLARGE, "the feed is larger than %d MiB", MaxFeedSize>>20)
	}
	id, digest, err := s.Store.StoreFeedUpload(ctx, body, by)
	if err != nil {
		return nil, err
	}
	p, err := s.plan(ctx, body)
	if err != nil {
		return nil, err
	}
	p.UploadID, p.SHA256 = id, digest
	return p, nil
}

// Apply applies a checked feed. It plans again against the accounts as
// they are now, and refuses — applying nothing — if the feed has any
// problem (EUNPROCESSABLE, listing each with its line), or if it would
// deactivate every account it manages and force is not set.
func (s *Service) Apply(ctx context.Context, uploadID int64, force bool, who app.AuditEntry) (*app.FeedPlan, error) {
	body, err := s.Store.FeedUpload(ctx, uploadID)
	if err != nil {
		return nil, err
	}
	p, err := s.plan(ctx, body)
	if err != nil {
		return nil, err
	}
	p.UploadID = uploadID
	if err := p.ProblemsError(); err != nil {
		return p, err
	}
	if p.DeactivatesEveryone && !force {
		return p, app.Errorf(app.EUNPROCESSABLE, "this feed would deactivate all %d active accounts it manages; "+
			"if that is really intended, apply it with force", p.Count("deactivate"))
	}
	if err := s.Store.ApplyAccountChanges(ctx, uploadID, p.Changes, who); err != nil {
		return p, err
	}
	return p, nil
}

func (s *Service) plan(ctx context.Context, body []byte) (*app.FeedPlan, error) {
	recs, probs := Parse(bytes.NewReader(body))
	accounts, err := s.Store.FedAccounts(ctx)
	if err != nil {
		return nil, err
	}
	groups, err := s.Store.Groups(ctx)
	if err != nil {
		return nil, err
	}
	p := Plan(recs, accounts, groups)
	p.Problems = append(probs, p.Problems...)
	return p, nil
}
