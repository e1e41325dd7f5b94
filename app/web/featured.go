package web

import (
	"context"
	"net/http"
	"time"

	"carrel/app"
)

// Featured items: an administrator picks, from an item's landing page,
// what the home page shows above the recent ones.

// featuredCards are the featured items the public may still see.
func (s *Server) featuredCards(ctx context.Context, v *vocabulary) ([]card, error) {
	ids, err := s.cat.Featured(ctx)
	if err != nil {
		return nil, err
	}
	var out []card
	for _, id := range ids {
		it, err := s.cat.Item(ctx, id)
		if app.ErrorCode(err) == app.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		if it.Version == 0 || !app.FindableByAll(it, time.Now()) {
			continue // withdrawn or embargoed since it was featured
		}
		ver, err := s.cat.Version(ctx, it.ID, it.Version)
		if err != nil {
			return nil, err
		}
		out = append(out, cardOf(v, app.ListedItem{Item: it, Version: ver}))
	}
	return out, nil
}

// handleFeature features the item on the home page (feature=on) or stops
// featuring it (feature=off); administrators only.
func (s *Server) handleFeature(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	var on bool
	switch r.PostFormValue("feature") {
	case "on":
		on = true
	case "off":
	default:
		s.fail(w, r, app.Errorf(app.EINVALID, "Choose to feature the item or not."))
		return
	}
	it, err := s.cat.Item(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.cat.SetFeatured(r.Context(), id, on, s.who(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, itemURL(it.Draft.Title, id, 0)+"?featured="+r.PostFormValue("feature"), http.StatusSeeOther)
}
