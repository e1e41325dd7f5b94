package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"carrel/app"
)

// CollectionCatalog is what the collection endpoints need of the catalog.
type CollectionCatalog interface {
	CreateCollection(ctx context.Context, accountID, groupID int64, md app.CollectionMetadata, items []int64) (*app.Collection, error)
	Collection(ctx context.Context, id int64) (*app.Collection, error)
	UpdateCollection(ctx context.Context, id int64, md app.CollectionMetadata, items []int64) (*app.Collection, error)
	SetCollectionItems(ctx context.Context, id int64, items []int64) error
	DeleteCollection(ctx context.Context, id int64) error
	PublishCollection(ctx context.Context, id int64) (*app.CollectionVersion, error)
	// ReserveCollectionDOI and ReserveCollectionHandle give a collection an
	// identifier, or return the one it has; ECONFLICT for one with its own.
	ReserveCollectionDOI(ctx context.Context, id int64, doi string) (string, error)
	ReserveCollectionHandle(ctx context.Context, id int64, handle string) (string, error)
	CollectionVersion(ctx context.Context, id int64, number int) (*app.CollectionVersion, error)
	CollectionVersions(ctx context.Context, id int64) ([]app.CollectionVersion, error)
	ListCollections(ctx context.Context, f app.CollectionFilter) ([]app.ListedCollection, error)
}

func (s *Server) collectionRoutes() {
	s.handle("GET /v2/collections", s.handlePublicCollections)
	s.handle("POST /v2/collections/search", s.handlePublicCollectionSearch)
	s.handle("GET /v2/collections/{id}", s.handlePublicCollection)
	s.handle("GET /v2/collections/{id}/versions", s.handleCollectionVersions)
	s.handle("GET /v2/collections/{id}/versions/{v}", s.handlePublicCollection)
	s.handle("GET /v2/collections/{id}/articles", s.handlePublicCollectionArticles)

	s.handle("GET /v2/account/collections", s.authed(s.handleOwnCollections))
	s.handle("POST /v2/account/collections", s.authed(s.handleCollectionCreate))
	s.handle("POST /v2/account/collections/search", s.authed(s.handleOwnCollectionSearch))
	s.handle("GET /v2/account/collections/{id}", s.authed(s.handleOwnCollection))
	s.handle("PUT /v2/account/collections/{id}", s.authed(s.handleCollectionUpdate))
	s.handle("PATCH /v2/account/collections/{id}", s.authed(s.handleCollectionUpdate))
	s.handle("DELETE /v2/account/collections/{id}", s.authed(s.handleCollectionDelete))
	s.handle("POST /v2/account/collections/{id}/publish", s.authed(s.handleCollectionPublish))
	s.handle("POST /v2/account/collections/{id}/resource", s.authed(s.handleCollectionResource))
	s.handle("POST /v2/account/collections/{id}/reserve_doi", s.authed(s.handleCollectionReserveDOI))
	s.handle("POST /v2/account/collections/{id}/reserve_handle", s.authed(s.handleCollectionReserveHandle))
	s.handle("GET /v2/account/collections/{id}/authors", s.authed(s.handleCollectionAuthors))
	s.handle("POST /v2/account/collections/{id}/authors", s.authed(s.handleCollectionAuthorsSet))
	s.handle("PUT /v2/account/collections/{id}/authors", s.authed(s.handleCollectionAuthorsSet))
	s.handle("DELETE /v2/account/collections/{id}/authors/{aid}", s.authed(s.handleCollectionAuthorDelete))
	s.handle("GET /v2/account/collections/{id}/categories", s.authed(s.handleCollectionCategories))
	s.handle("POST /v2/account/collections/{id}/categories", s.authed(s.handleCollectionCategoriesSet))
	s.handle("PUT /v2/account/collections/{id}/categories", s.authed(s.handleCollectionCategoriesSet))
	s.handle("DELETE /v2/account/collections/{id}/categories/{cid}", s.authed(s.handleCollectionCategoryDelete))
	s.handle("GET /v2/account/collections/{id}/articles", s.authed(s.handleOwnCollectionArticles))
	s.handle("POST /v2/account/collections/{id}/articles", s.authed(s.handleCollectionArticlesSet))
	s.handle("PUT /v2/account/collections/{id}/articles", s.authed(s.handleCollectionArticlesSet))
	s.handle("DELETE /v2/account/collections/{id}/articles/{aid}", s.authed(s.handleCollectionArticleDelete))
	s.collectionLinkRoutes()
}

// publicCollection loads the collection a request names and the version it
// asks for ({v}, or the latest), if the caller may see it.
func (s *Server) publicCollection(r *http.Request) (*app.Collection, *app.CollectionVersion, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, nil, err
	}
	c, err := s.cat.Collection(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	if !app.CanSeeCollection(actor(r.Context()), c) {
		return nil, nil, app.Errorf(app.ENOTFOUND, "collection %d not found", id)
	}
	n := c.Version
	if v := r.PathValue("v"); v != "" {
		n, err = strconv.Atoi(v)
		if err != nil || n < 1 || n > c.Version {
			return nil, nil, app.Errorf(app.ENOTFOUND, "version %s of collection %d not found", v, id)
		}
	}
	ver, err := s.cat.CollectionVersion(r.Context(), id, n)
	return c, ver, err
}

// ownCollection loads a collection the caller may edit; others'
// collections are ENOTFOUND.
func (s *Server) ownCollection(r *http.Request) (*app.Collection, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	c, err := s.cat.Collection(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !app.CanEditCollection(actor(r.Context()), c) {
		return nil, app.Errorf(app.ENOTFOUND, "collection %d not found", id)
	}
	return c, nil
}

// visibleMembers returns the items of ids that the caller is shown as
// members of a published collection, in order.
func (s *Server) visibleMembers(ctx context.Context, ids []int64) ([]*app.Item, error) {
	var out []*app.Item
	for _, id := range ids {
		it, err := s.cat.Item(ctx, id)
		if app.ErrorCode(err) == app.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		if app.CanListInCollection(actor(ctx), it) {
			out = append(out, it)
		}
	}
	return out, nil
}

func (s *Server) handlePublicCollections(w http.ResponseWriter, r *http.Request) {
	f, err := publicFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows, err := s.cat.ListCollections(r.Context(), app.CollectionFilter{GroupID: f.GroupID, PublishedSince: f.PublishedSince,
		ModifiedSince: f.ModifiedSince, DOI: f.DOI, Handle: f.Handle, ResourceDOI: f.ResourceDOI, Order: f.Order, Desc: f.Desc,
		Offset: f.Offset, Limit: f.Limit, After: f.After})
	if len(rows) > 0 {
		setCursor(w, f.Order, f.Desc, rows[len(rows)-1].Position, len(rows), f.Limit)
	}
	s.writeCollections(w, r, rows, err, true)
}

// writeCollections answers a listing: public rows show their latest
// version, the owner's rows their draft.
func (s *Server) writeCollections(w http.ResponseWriter, r *http.Request, rows []app.ListedCollection, err error, public bool) {
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]collectionJSON, 0, len(rows))
	for _, l := range rows {
		if public {
			out = append(out, s.shortCollection(r, l.Collection, &l.Version.Metadata, l.Version.Published))
			continue
		}
		var published = l.Collection.Published
		if l.Version != nil {
			published = l.Version.Published
		}
		out = append(out, s.shortCollection(r, l.Collection, &l.Collection.Draft, published))
	}
	s.writeJSON(w, http.StatusOK, out)
}

func (s *Server) handlePublicCollection(w http.ResponseWriter, r *http.Request) {
	c, ver, err := s.publicCollection(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	members, err := s.visibleMembers(r.Context(), ver.Items)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.vocab(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, s.completeCollection(r, v, c, ver, len(members)))
}

func (s *Server) handleCollectionVersions(w http.ResponseWriter, r *http.Request) {
	c, _, err := s.publicCollection(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	vs, err := s.cat.CollectionVersions(r.Context(), c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type versionJSON struct {
		Version int           `json:"version"`
		URL     string        `json:"url"`
		Funding []fundingJSON `json:"funding"`
	}
	out := []versionJSON{}
	for _, v := range vs {
		out = append(out, versionJSON{v.Number, fmt.Sprintf("%s/v2/collections/%d/versions/%d", s.base(r), c.ID, v.Number),
			fundingOf(v.Metadata.FundingList)})
	}
	s.writeJSON(w, http.StatusOK, out)
}

func (s *Server) handlePublicCollectionArticles(w http.ResponseWriter, r *http.Request) {
	off, lim, err := paging(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, ver, err := s.publicCollection(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	members, err := s.visibleMembers(r.Context(), ver.Items)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out, err := s.memberArticles(r, members, off, lim, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, out)
}

// memberArticles renders a page of items as short articles: the caller's
// own drafts when drafts is set and the caller may see them, else each
// item's latest published version.
func (s *Server) memberArticles(r *http.Request, items []*app.Item, off, lim int, drafts bool) ([]article, error) {
	v, err := s.vocab(r.Context())
	if err != nil {
		return nil, err
	}
	out := []article{}
	for i := off; i < len(items) && len(out) < lim; i++ {
		it := items[i]
		if drafts && app.CanSeeDraft(actor(r.Context()), it) {
			out = append(out, s.shortArticle(r, v, it, &it.Draft, it.Published))
			continue
		}
		ver, err := s.cat.Version(r.Context(), it.ID, it.Version)
		if err != nil {
			return nil, err
		}
		out = append(out, s.shortArticle(r, v, it, &ver.Metadata, ver.Published))
	}
	return out, nil
}
