package api

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"carrel/app"
)

// publicItem loads an item whose published versions the caller may see.
func (s *Server) publicItem(r *http.Request) (*app.Item, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	it, err := s.cat.Item(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !app.CanSeePublic(actor(r.Context()), it) {
		return nil, app.Errorf(app.ENOTFOUND, "item %d not found", id)
	}
	return it, nil
}

// publicFiles loads the version a request names, for serving its files:
// never those of a withdrawn item.
func (s *Server) publicFiles(r *http.Request) (*app.Item, *app.Version, error) {
	it, ver, err := s.publicVersion(r)
	if err != nil {
		return nil, nil, err
	}
	if !app.CanDownloadPublic(actor(r.Context()), it) {
		if it.Status == app.StatusWithdrawn {
			return nil, nil, app.Errorf(app.ENOTFOUND, "item %d was withdrawn: %s", it.ID, it.WithdrawReason)
		}
		return nil, nil, app.Errorf(app.ENOTFOUND, "the files of item %d are not available", it.ID)
	}
	return it, ver, nil
}

// publicVersion loads the version a request names ({v}, or the latest).
func (s *Server) publicVersion(r *http.Request) (*app.Item, *app.Version, error) {
	it, err := s.publicItem(r)
	if err != nil {
		return nil, nil, err
	}
	n := it.Version
	if v := r.PathValue("v"); v != "" {
		n, err = strconv.Atoi(v)
		if err != nil || n < 1 || n > it.Version {
			return nil, nil, app.Errorf(app.ENOTFOUND, "version %s of item %d not found", v, it.ID)
		}
	}
	ver, err := s.cat.Version(r.Context(), it.ID, n)
	return it, ver, err
}

// publicOrders are the orders GET /v2/articles accepts.
var publicOrders = map[string]bool{"created_date": true, "published_date": true, "modified_date": true}

func (s *Server) handlePublicList(w http.ResponseWriter, r *http.Request) {
	f, err := publicFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.vocab(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows, err := s.cat.ListItems(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]article, 0, len(rows))
	for _, l := range rows {
		out = append(out, s.shortArticle(r, v, l.Item, &l.Version.Metadata, l.Version.Published))
	}
	if len(rows) > 0 {
		setCursor(w, f.Order, f.Desc, rows[len(rows)-1].Position, len(rows), f.Limit)
	}
	s.writeJSON(w, http.StatusOK, out)
}

// publicFilter reads GET /v2/articles' filters.
func publicFilter(r *http.Request) (app.ItemFilter, error) {
	var f app.ItemFilter
	var err error
	if f.Offset, f.Limit, err = paging(r); err != nil {
		return f, err
	}
	q := r.URL.Query()
	f.Order = q.Get("order")
	if f.Order == "" {
		f.Order = "published_date"
	} else if !publicOrders[f.Order] {
		return f, app.Errorf(app.EUNPROCESSABLE, "order must be one of created_date, published_date, modified_date")
	}
	switch q.Get("order_direction") {
	case "", "desc":
		f.Desc = true
	case "asc":
	default:
		return f, app.Errorf(app.EUNPROCESSABLE, "order_direction must be asc or desc")
	}
	if pos, ok, err := cursorAfter(r, f.Order, f.Desc); err != nil {
		return f, err
	} else if ok {
		f.After = &pos
	}
	if f.PublishedSince, err = queryDate(r, "published_since"); err != nil {
		return f, err
	}
	if f.ModifiedSince, err = queryDate(r, "modified_since"); err != nil {
		return f, err
	}
	t, err := queryInt(r, "item_type")
	if err != nil {
		return f, err
	}
	f.ItemType = int(t)
	if f.GroupID, err = queryInt(r, "group"); err != nil {
		return f, err
	}
	if _, err = queryInt(r, "institution"); err != nil {
		return f, err
	}
	f.DOI, f.Handle, f.ResourceDOI = q.Get("doi"), q.Get("handle"), q.Get("resource_doi")
	return f, nil
}

func (s *Server) handlePublicArticle(w http.ResponseWriter, r *http.Request) {
	it, ver, err := s.publicVersion(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.vocab(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lastModified(w, publicModified(it, ver))
	s.writeJSON(w, http.StatusOK, s.completeArticle(r, v, it, ver, nil))
}

// publicModified is when a public record last changed: its version's
// publication, or the withdrawal that turned it into a tombstone. Draft
// edits do not count: they are not public, and neither is their time.
func publicModified(it *app.Item, ver *app.Version) time.Time {
	if it.Status == app.StatusWithdrawn && it.Modified.After(ver.Published) {
		return it.Modified
	}
	return ver.Published
}

func (s *Server) handlePublicVersion(w http.ResponseWriter, r *http.Request) {
	s.handlePublicArticle(w, r)
}

func (s *Server) handlePublicVersions(w http.ResponseWriter, r *http.Request) {
	it, err := s.publicItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	vs, err := s.cat.Versions(r.Context(), it.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type versionJSON struct {
		Version int    `json:"version"`
		URL     string `json:"url"`
	}
	out := []versionJSON{}
	for _, v := range vs {
		out = append(out, versionJSON{v.Number, fmt.Sprintf("%s/v2/articles/%d/versions/%d", s.base(r), it.ID, v.Number)})
	}
	s.writeJSON(w, http.StatusOK, out)
}

func (s *Server) handlePublicFiles(w http.ResponseWriter, r *http.Request) {
	it, ver, err := s.publicFiles(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lastModified(w, publicModified(it, ver))
	out := []fileJSON{}
	for i := range ver.Files {
		out = append(out, s.publicFile(r, &ver.Files[i]))
	}
	s.writeJSON(w, http.StatusOK, out)
}

func (s *Server) handlePublicVersionFiles(w http.ResponseWriter, r *http.Request) {
	s.handlePublicFiles(w, r)
}

func (s *Server) handlePublicFile(w http.ResponseWriter, r *http.Request) {
	_, ver, err := s.publicFiles(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fid, err := pathID(r, "fid")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for i := range ver.Files {
		if ver.Files[i].ID == fid {
			s.writeJSON(w, http.StatusOK, s.publicFile(r, &ver.Files[i]))
			return
		}
	}
	s.fail(w, r, app.Errorf(app.ENOTFOUND, "file %d not found", fid))
}
