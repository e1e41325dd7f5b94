package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"carrel/app"
)

// PublicArticle renders an item's published version exactly as
// GET /v2/articles/{id} answers an anonymous caller, for writers outside
// HTTP such as the bulk metadata dump. Links use the configured BaseURL,
// which the caller must set. ENOTFOUND when the public may not see the
// item at all.
func (s *Server) PublicArticle(ctx context.Context, it *app.Item, ver *app.Version) (json.RawMessage, error) {
	if s.cfg.BaseURL == "" {
		return nil, app.Internal(fmt.Errorf("no base URL"), "render public article")
	}
	if !app.CanSeePublic(app.Actor{}, it) {
		return nil, app.Errorf(app.ENOTFOUND, "item %d not found", it.ID)
	}
	v, err := s.vocab(ctx)
	if err != nil {
		return nil, err
	}
	// The renderers read the caller and the site's address from a request;
	// this one carries no credentials, so the caller is anonymous.
	r, err := http.NewRequestWithContext(ctx, http.MethodGet, s.cfg.BaseURL, nil)
	if err != nil {
		return nil, app.Internal(err, "render public article")
	}
	b, err := json.Marshal(s.completeArticle(r, v, it, ver, nil))
	if err != nil {
		return nil, app.Internal(err, "render public article")
	}
	return b, nil
}
