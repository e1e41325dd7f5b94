package api

import (
	"fmt"
	"net/http"

	"carrel/app"
)

// ownItem loads an item the caller may edit. Items the caller may not see
// are ENOTFOUND, never EFORBIDDEN, so that ids do not leak.
func (s *Server) ownItem(r *http.Request) (*app.Item, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	it, err := s.cat.Item(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !app.CanEdit(actor(r.Context()), it) {
		return nil, app.Errorf(app.ENOTFOUND, "item %d not found", id)
	}
	return it, nil
}

func (s *Server) handleOwnList(w http.ResponseWriter, r *http.Request) {
	off, lim, err := paging(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.vocab(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows, err := s.cat.ListItems(r.Context(), app.ItemFilter{AccountID: actor(r.Context()).AccountID, Offset: off, Limit: lim, Order: "created_date", Desc: true})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]article, 0, len(rows))
	for _, l := range rows {
		published := l.Item.Published
		if l.Version != nil {
			published = l.Version.Published
		}
		out = append(out, s.shortArticle(r, v, l.Item, &l.Item.Draft, published))
	}
	s.writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleCreate(w http.ResponseWriter, r *http.Request) {
	var in articleInput
	if err := s.decode(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.Title == nil || *in.Title == "" {
		s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "title is required"))
		return
	}
	v, err := s.vocab(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var md app.Metadata
	if err := in.apply(&md, v); err != nil {
		s.fail(w, r, err)
		return
	}
	me := actor(r.Context())
	group, err := s.depositGroup(r, in.GroupID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	it, err := s.cat.CreateItem(r.Context(), me.AccountID, group, md)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc := fmt.Sprintf("%s/v2/account/articles/%d", s.base(r), it.ID)
	w.Header().Set("Location", loc)
	s.writeJSON(w, http.StatusCreated, map[string]any{"entity_id": it.ID, "location": loc, "warnings": []string{}})
}

func (s *Server) handleOwnArticle(w http.ResponseWriter, r *http.Request) {
	it, err := s.ownItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.vocab(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	files, err := s.cat.DraftFiles(r.Context(), it.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lastModified(w, it.Modified)
	s.writeJSON(w, http.StatusOK, s.completeArticle(r, v, it, nil, files))
}

func (s *Server) handleUpdate(w http.ResponseWriter, r *http.Request) {
	it, err := s.ownItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in articleInput
	if err := s.decode(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.Title != nil && *in.Title == "" {
		s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "title cannot be empty"))
		return
	}
	if in.GroupID != nil && *in.GroupID != it.GroupID {
		s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "group_id cannot be changed through this endpoint"))
		return
	}
	v, err := s.vocab(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	md := it.Draft
	if err := in.apply(&md, v); err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.cat.UpdateDraft(r.Context(), it.ID, md); err != nil {
		s.fail(w, r, err)
		return
	}
	loc := fmt.Sprintf("%s/v2/account/articles/%d", s.base(r), it.ID)
	w.Header().Set("Location", loc)
	s.writeJSON(w, http.StatusResetContent, map[string]any{"location": loc, "warnings": []string{}})
}

func (s *Server) handleDelete(w http.ResponseWriter, r *http.Request) {
	it, err := s.ownItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	keys, err := s.cat.DeleteItem(r.Context(), it.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.removeBlobs(r, keys)
	w.WriteHeader(http.StatusNoContent)
}

// removeBlobs deletes bytes no record refers to any more. A failure only
// leaves an orphan blob behind, which is logged.
func (s *Server) removeBlobs(r *http.Request, keys []string) {
	for _, k := range keys {
		if err := s.blobs.Delete(r.Context(), k); err != nil {
			s.log.Warn("could not delete orphan blob", "req", requestID(r.Context()), "key", k, "err", err)
		}
	}
}

func (s *Server) handlePublish(w http.ResponseWriter, r *http.Request) {
	it, err := s.ownItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if review, err := s.needsReview(r, it); err != nil {
		s.fail(w, r, err)
		return
	} else if review {
		s.submitForReview(w, r, it)
		return
	}
	ver, err := s.cat.Publish(r.Context(), it.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc := fmt.Sprintf("%s/v2/articles/%d/versions/%d", s.base(r), it.ID, ver.Number)
	w.Header().Set("Location", loc)
	s.writeJSON(w, http.StatusCreated, map[string]string{"location": loc})
}

// depositGroup is the group a new record goes into: the one requested, or
// the caller's own. EUNPROCESSABLE if the caller may not deposit there.
func (s *Server) depositGroup(r *http.Request, requested *int64) (int64, error) {
	me := actor(r.Context())
	acct, err := s.cat.Account(r.Context(), me.AccountID)
	if err != nil {
		return 0, err
	}
	group := acct.GroupID
	if requested != nil {
		group = *requested
	}
	if !app.CanDepositIn(me, acct.GroupID, group) {
		return 0, app.Errorf(app.EUNPROCESSABLE, "group_id %d is not a group you may deposit in", group)
	}
	return group, nil
}
