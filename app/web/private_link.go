package web

import (
	"context"
	"mime"
	"net/http"
	"time"

	"carrel/app"
)

// linkActor resolves the private link a /s/{token} request names into the
// request's actor: whoever is signed in, holding the link. An unknown,
// deleted or expired link is ENOTFOUND, checked on every request.
func (s *Server) linkActor(r *http.Request) (app.Actor, *app.Item, error) {
	ctx := r.Context()
	l, err := s.cat.PrivateLinkByToken(ctx, r.PathValue("token"))
	if err != nil {
		return app.Actor{}, nil, err
	}
	if l.Kind != app.LinkArticle {
		return app.Actor{}, nil, app.Errorf(app.ENOTFOUND, "private link not found")
	}
	it, err := s.cat.Item(ctx, l.TargetID)
	if err != nil {
		return app.Actor{}, nil, err
	}
	a := actor(ctx)
	a.Link = app.LinkGrant{Kind: l.Kind, TargetID: l.TargetID}
	return a, it, nil
}

// privateHeaders keep a private-link page out of search engines, caches
// and other sites' Referer logs, which would otherwise learn the token.
func privateHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Robots-Tag", "noindex, nofollow")
	h.Set("Cache-Control", "private, no-store")
}

// handlePrivateLink shows the item a private link opens: its draft, or its
// published record with files even under embargo (never a confidential
// item's files).
func (s *Server) handlePrivateLink(w http.ResponseWriter, r *http.Request) {
	privateHeaders(w)
	if s.serveCollectionLink(w, r) {
		return
	}
	a, it, err := s.linkActor(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &itemPage{Item: it, LinkToken: r.PathValue("token")}
	files, err := s.itemView(r, a, it, p, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Draft = false // the holder is not the owner; the page says it is private instead
	p.Versions, p.Cite = nil, citation{}
	if err := s.fillItemPage(r, p, files); err != nil {
		s.fail(w, r, err)
		return
	}
	p.Share, p.ZipURL = nil, ""
	s.render(w, r, http.StatusOK, "item", view{Title: p.Meta.Title, Meta: []metaTag{{"robots", "noindex, nofollow"}}, Page: p})
}

// handlePrivateLinkFile serves a file of the item a private link opens.
func (s *Server) handlePrivateLinkFile(w http.ResponseWriter, r *http.Request) {
	privateHeaders(w)
	a, it, err := s.linkActor(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fid, err := pathID(r, "fid")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := s.linkedFile(r.Context(), a, it, fid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	blob, _, err := s.blobs.Open(r.Context(), f.StorageKey)
	if err != nil {
		s.fail(w, r, app.Internal(err, "open file"))
		return
	}
	defer blob.Close()
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	http.ServeContent(w, r, "", f.Created, blob)
}

// linkedFile finds a file the link holder may download: one of the draft's
// when the draft is open to it, else one of the latest published version's
// when the policy lets it have the files.
func (s *Server) linkedFile(ctx context.Context, a app.Actor, it *app.Item, fid int64) (*app.File, error) {
	notFound := app.Errorf(app.ENOTFOUND, "file %d not found", fid)
	var files []app.File
	switch {
	case it.Version > 0 && app.PublicView(a, it, time.Now()) == app.ViewFull:
		ver, err := s.cat.Version(ctx, it.ID, it.Version)
		if err != nil {
			return nil, err
		}
		files = ver.Files
	case it.Version == 0 && app.CanDownloadDraft(a, it):
		var err error
		if files, err = s.cat.DraftFiles(ctx, it.ID); err != nil {
			return nil, err
		}
	}
	for i := range files {
		if files[i].ID == fid && files[i].Status == app.FileAvailable {
			return &files[i], nil
		}
	}
	return nil, notFound
}
