package web

import (
	"fmt"
	"net/http"
	"time"

	"carrel/app"
)

// itemView fills in the page with what the access policy lets the actor
// see of the item (version want, 0 for the latest) and returns the files
// the page may list.
func (s *Server) itemView(r *http.Request, a app.Actor, it *app.Item, p *itemPage, want int) ([]app.File, error) {
	ctx := r.Context()
	view := app.PublicView(a, it, time.Now())
	switch {
	case view == app.ViewTombstone:
		ver, err := s.cat.Version(ctx, it.ID, it.Version)
		if err != nil {
			return nil, err
		}
		p.Meta, p.Withdrawn, p.Version, p.Latest = &ver.Metadata, true, ver.Number, it.Version
		return nil, nil
	case view >= app.ViewStub:
		if want == 0 {
			want = it.Version
		}
		ver, err := s.cat.Version(ctx, it.ID, want)
		if err != nil {
			return nil, err
		}
		p.Meta, p.Version, p.Latest = &ver.Metadata, ver.Number, it.Version
		p.Notice = accessNotice(it)
		if view == app.ViewStub {
			p.Stub = true
			p.Meta = &app.Metadata{Title: ver.Metadata.Title, DOI: ver.Metadata.DOI, ItemType: ver.Metadata.ItemType}
			return nil, nil
		}
		if p.Versions, err = s.cat.Versions(ctx, it.ID); err != nil {
			return nil, err
		}
		p.Cite = s.citationFor(r, it, ver, r.URL.Query().Get("cite"))
		if view < app.ViewFull {
			return nil, nil
		}
		if !ver.Metadata.DownloadDisabled && len(ver.Files) > 0 {
			p.ZipURL = fmt.Sprintf("/v2/articles/%d/versions/%d/download", it.ID, ver.Number)
		}
		return ver.Files, nil
	case app.CanSeeDraft(a, it) && want == 0:
		p.Meta, p.Draft = &it.Draft, true
		p.Notice = accessNotice(it)
		if !app.CanDownloadDraft(a, it) {
			return nil, nil
		}
		return s.cat.DraftFiles(ctx, it.ID)
	}
	return nil, app.Errorf(app.ENOTFOUND, "item %d not found", it.ID)
}

// accessNotice tells readers what is withheld and why.
func accessNotice(it *app.Item) string {
	if it.Confidentiality.Confidential {
		msg := "The files of this item are confidential."
		if it.Confidentiality.Reason != "" {
			msg += " Reason: " + it.Confidentiality.Reason
		}
		return msg
	}
	e := it.Embargo
	if !e.Active(time.Now()) {
		return ""
	}
	msg := e.Title + "."
	if e.Until.IsZero() {
		msg += " The embargo is permanent."
	} else {
		msg += " The embargo lifts on " + e.Until.UTC().Format("2 January 2006") + "."
	}
	if e.Reason != "" {
		msg += " Reason: " + e.Reason
	}
	return msg
}
