package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"carrel/app"
	"carrel/search"
)

// Searcher is the full-text index the search endpoints query.
type Searcher interface {
	Search(ctx context.Context, q search.Query) (*search.Result, error)
}

// articleSearch is Figshare's ArticleSearch (and PrivateArticleSearch).
type articleSearch struct {
	SearchFor      string `json:"search_for"`
	Page           *int   `json:"page"`
	PageSize       *int   `json:"page_size"`
	Limit          *int   `json:"limit"`
	Offset         *int   `json:"offset"`
	Order          string `json:"order"`
	OrderDirection string `json:"order_direction"`
	Institution    int64  `json:"institution"`
	Group          int64  `json:"group"`
	PublishedSince string `json:"published_since"`
	ModifiedSince  string `json:"modified_since"`
	ItemType       int    `json:"item_type"`
	ResourceDOI    string `json:"resource_doi"`
	DOI            string `json:"doi"`
	Handle         string `json:"handle"`
	ProjectID      int64  `json:"project_id"`
}

// searchQuery turns a request body into an index query.
func (in *articleSearch) searchQuery() (search.Query, error) {
	q := search.Query{Text: in.SearchFor, ItemType: in.ItemType, GroupID: in.Group, InstitutionID: in.Institution,
		DOI: in.DOI, Handle: in.Handle, ResourceDOI: in.ResourceDOI}
	hasPage, hasLimit := in.Page != nil || in.PageSize != nil, in.Limit != nil || in.Offset != nil
	if hasPage && hasLimit {
		return q, app.Errorf(app.EUNPROCESSABLE, "use either page/page_size or limit/offset, not both")
	}
	page, size := deref(in.Page), deref(in.PageSize)
	if page == 0 {
		page = 1
	}
	if size == 0 {
		size = defPageSize
	}
	if page < 1 || page > maxPage || size < 1 || size > maxPageSize {
		return q, app.Errorf(app.EUNPROCESSABLE, "page must be 1 to %d and page_size 1 to %d", maxPage, maxPageSize)
	}
	q.Offset, q.Limit = (page-1)*size, size
	if hasLimit {
		q.Offset, q.Limit = deref(in.Offset), deref(in.Limit)
		if q.Limit == 0 {
			q.Limit = defPageSize
		}
		if q.Limit < 1 || q.Limit > maxPageSize || q.Offset < 0 {
			return q, app.Errorf(app.EUNPROCESSABLE, "limit must be 1 to %d and offset not negative", maxPageSize)
		}
	}
	if in.ProjectID != 0 {
		return q, app.Errorf(app.EUNPROCESSABLE, "project_id: projects are not available in this repository")
	}
	var err error
	for name, dst := range map[string]*time.Time{"published_since": &q.PublishedSince, "modified_since": &q.ModifiedSince} {
		v := map[string]string{"published_since": in.PublishedSince, "modified_since": in.ModifiedSince}[name]
		if *dst, err = parseDate(name, v); err != nil {
			return q, err
		}
	}
	switch in.Order {
	case "", "relevance":
	case "published_date", "modified_date", "created_date", "title", "views", "downloads", "shares":
		q.Sort = in.Order
	default:
		return q, app.Errorf(app.EUNPROCESSABLE, "order %q is not one of published_date, modified_date, created_date, title, views, downloads, shares", in.Order)
	}
	switch strings.ToLower(in.OrderDirection) {
	case "", "desc":
		q.Desc = true
	case "asc":
	default:
		return q, app.Errorf(app.EUNPROCESSABLE, "order_direction must be asc or desc")
	}
	return q, nil
}

func (s *Server) handlePublicSearch(w http.ResponseWriter, r *http.Request) {
	s.runSearch(w, r, search.ScopePublic)
}

func (s *Server) handleOwnSearch(w http.ResponseWriter, r *http.Request) {
	s.runSearch(w, r, search.ScopeOwn)
}

// runSearch answers a search with Figshare's short article records, in the
// index's order; public hits show their published version, own hits their
// draft.
func (s *Server) runSearch(w http.ResponseWriter, r *http.Request, scope search.Scope) {
	var in articleSearch
	if err := s.decode(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	q, err := in.searchQuery()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q.Viewer, q.Scope = actor(r.Context()), scope
	_, out, err := s.searchArticles(r, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, out)
}

// searchArticles runs q and returns the result with its hits as Figshare's
// short article records, in the index's order: public hits show their
// published version, own hits their draft. The catalog has the last word
// on access, so a hit the index has not yet caught up with is dropped.
func (s *Server) searchArticles(r *http.Request, q search.Query) (*search.Result, []articleWithProject, error) {
	ctx, cancel := context.WithTimeout(r.Context(), searchTimeout)
	defer cancel()
	res, err := s.search.Search(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	v, err := s.vocab(r.Context())
	if err != nil {
		return nil, nil, err
	}
	out := make([]articleWithProject, 0, len(res.Hits))
	for _, h := range res.Hits {
		it, err := s.cat.Item(r.Context(), h.ItemID)
		if app.ErrorCode(err) == app.ENOTFOUND {
			continue // deleted since it was indexed
		} else if err != nil {
			return nil, nil, err
		}
		if q.Scope == search.ScopeOwn {
			if app.CanSeeDraft(q.Viewer, it) {
				out = append(out, articleWithProject{article: s.shortArticle(r, v, it, &it.Draft, it.Published)})
			}
			continue
		}
		if !app.FindableByAll(it, time.Now()) {
			continue // the index is behind the catalog; the catalog decides
		}
		ver, err := s.cat.Version(r.Context(), it.ID, it.Version)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, articleWithProject{article: s.shortArticle(r, v, it, &ver.Metadata, ver.Published)})
	}
	return res, out, nil
}

// searchTimeout bounds every search request; a query that runs longer
// answers 422 "query took too long" rather than holding the request.
const searchTimeout = 10 * time.Second
