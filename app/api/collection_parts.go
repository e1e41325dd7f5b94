package api

import (
	"net/http"
	"slices"

	"carrel/app"
)

// A collection draft's authors, categories and articles as sub-resources:
// list, add (POST, 201), replace (PUT, 205), remove one (DELETE, 204).

// editCollection loads the caller's collection, decodes the body (for POST
// and PUT), lets change edit the draft, and stores it.
func (s *Server) editCollection(w http.ResponseWriter, r *http.Request, change func(*app.CollectionMetadata, *draftPart) error) {
	c, err := s.ownCollection(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var body draftPart
	if r.Method != http.MethodDelete {
		if err := s.decode(w, r, &body); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	md := c.Draft
	md.Authors = append([]app.Author{}, md.Authors...)
	if err := change(&md, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.cat.UpdateCollection(r.Context(), c.ID, md, nil); err != nil {
		s.fail(w, r, err)
		return
	}
	s.collectionChanged(w, r, c.ID, changeStatus(r))
}

// changeStatus is Figshare's answer to a sub-resource change by method.
func changeStatus(r *http.Request) int {
	switch r.Method {
	case http.MethodPost:
		return http.StatusCreated
	case http.MethodDelete:
		return http.StatusNoContent
	}
	return http.StatusResetContent
}

func (s *Server) handleCollectionAuthors(w http.ResponseWriter, r *http.Request) {
	c, err := s.ownCollection(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := []authorJSON{}
	for _, a := range c.Draft.Authors {
		out = append(out, authorOf(a))
	}
	s.writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleCollectionAuthorsSet(w http.ResponseWriter, r *http.Request) {
	s.editCollection(w, r, func(md *app.CollectionMetadata, body *draftPart) error {
		return setAuthors(r, &md.Metadata, body)
	})
}

func (s *Server) handleCollectionAuthorDelete(w http.ResponseWriter, r *http.Request) {
	aid, err := pathID(r, "aid")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.editCollection(w, r, func(md *app.CollectionMetadata, _ *draftPart) error {
		return removeAuthor(&md.Metadata, aid, "collection")
	})
}

func (s *Server) handleCollectionCategories(w http.ResponseWriter, r *http.Request) {
	c, err := s.ownCollection(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.vocab(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := []app.Category{}
	for _, id := range c.Draft.Categories {
		if cat, ok := v.categories[id]; ok {
			out = append(out, cat)
		}
	}
	s.writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleCollectionCategoriesSet(w http.ResponseWriter, r *http.Request) {
	s.editCollection(w, r, func(md *app.CollectionMetadata, body *draftPart) error { return setCategories(r, &md.Metadata, body) })
}

func (s *Server) handleCollectionCategoryDelete(w http.ResponseWriter, r *http.Request) {
	cid, err := pathID(r, "cid")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.editCollection(w, r, func(md *app.CollectionMetadata, _ *draftPart) error {
		return removeCategory(&md.Metadata, cid, "collection")
	})
}

// handleOwnCollectionArticles lists the draft's articles: the caller's own
// as drafts, others' as their public record. Items the caller can no
// longer see (another's item that was withdrawn from view) are left out.
func (s *Server) handleOwnCollectionArticles(w http.ResponseWriter, r *http.Request) {
	off, lim, err := paging(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.ownCollection(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var items []*app.Item
	for _, id := range c.Items {
		it, err := s.cat.Item(r.Context(), id)
		if app.ErrorCode(err) == app.ENOTFOUND {
			continue
		} else if err != nil {
			s.fail(w, r, err)
			return
		}
		if app.CanSeeDraft(actor(r.Context()), it) || app.CanListInCollection(actor(r.Context()), it) {
			items = append(items, it)
		}
	}
	out, err := s.memberArticles(r, items, off, lim, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, out)
}

// handleCollectionArticlesSet adds (POST) or replaces (PUT) the draft's
// articles (Figshare's ArticlesCreator body).
func (s *Server) handleCollectionArticlesSet(w http.ResponseWriter, r *http.Request) {
	c, err := s.ownCollection(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var body struct {
		Articles *[]int64 `json:"articles"`
	}
	if err := s.decode(w, r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	if body.Articles == nil {
		s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "articles is required"))
		return
	}
	ids, err := s.memberIDs(r, *body.Articles)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if r.Method == http.MethodPost {
		ids = append(append([]int64{}, c.Items...), ids...)
	}
	if err := s.cat.SetCollectionItems(r.Context(), c.ID, ids); err != nil {
		s.fail(w, r, err)
		return
	}
	s.collectionChanged(w, r, c.ID, changeStatus(r))
}

func (s *Server) handleCollectionArticleDelete(w http.ResponseWriter, r *http.Request) {
	c, err := s.ownCollection(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	aid, err := pathID(r, "aid")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !slices.Contains(c.Items, aid) {
		s.fail(w, r, app.Errorf(app.ENOTFOUND, "article %d is not in this collection", aid))
		return
	}
	if err := s.cat.SetCollectionItems(r.Context(), c.ID, slices.DeleteFunc(c.Items, func(id int64) bool { return id == aid })); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// collectionSearch is Figshare's CollectionSearch.
type collectionSearch struct {
	articleSearch
}

func (s *Server) handlePublicCollectionSearch(w http.ResponseWriter, r *http.Request) {
	s.searchCollections(w, r, 0)
}

func (s *Server) handleOwnCollectionSearch(w http.ResponseWriter, r *http.Request) {
	s.searchCollections(w, r, actor(r.Context()).AccountID)
}

// searchCollections answers a collection search: public collections'
// latest versions, or the owner's drafts, whose title, description,
// keywords or authors hold every word of search_for.
func (s *Server) searchCollections(w http.ResponseWriter, r *http.Request, owner int64) {
	var in collectionSearch
	if err := s.decode(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := in.filter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f.AccountID = owner
	rows, err := s.cat.ListCollections(r.Context(), f)
	if len(rows) > 0 {
		setCursor(w, f.Order, f.Desc, rows[len(rows)-1].Position, len(rows), f.Limit)
	}
	s.writeCollections(w, r, rows, err, owner == 0)
}

// filter validates the search body (and the request's X-Cursor) and turns
// it into a listing filter.
func (in *collectionSearch) filter(r *http.Request) (app.CollectionFilter, error) {
	order := in.Order
	in.Order = ""
	if in.ItemType != 0 || in.ProjectID != 0 {
		return app.CollectionFilter{}, app.Errorf(app.EUNPROCESSABLE, "item_type and project_id do not apply to collections")
	}
	q, err := in.searchQuery()
	if err != nil {
		return app.CollectionFilter{}, err
	}
	f := app.CollectionFilter{GroupID: in.Group, PublishedSince: q.PublishedSince, ModifiedSince: q.ModifiedSince, DOI: in.DOI,
		Handle: in.Handle, ResourceDOI: in.ResourceDOI, Text: in.SearchFor, Desc: q.Desc, Offset: q.Offset, Limit: q.Limit}
	switch order {
	case "", "created_date", "published_date", "modified_date":
		f.Order = order
	default:
		return f, app.Errorf(app.EUNPROCESSABLE, "order must be one of created_date, published_date, modified_date (views, shares and cites are not counted for collections)")
	}
	pos, ok, err := cursorAfter(r, f.Order, f.Desc)
	if ok {
		f.After = &pos
	}
	return f, err
}
