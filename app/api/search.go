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
	SearchFor string `json:"search_for"`
	bodyPaging
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
	var err error
	if q.Offset, q.Limit, err = in.window(); err != nil {
		return q, err
	}
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
	// Every full page carries an X-Cursor, so the hits carry positions.
	q.Viewer, q.Scope, q.Cursor = actor(r.Context()), scope, true
	c, ok, err := readCursor(r, q.Sort, q.Desc, func(c listCursor) bool { return len(c.After) > 0 })
	if err == nil && ok && (in.Page != nil || in.Offset != nil) {
		err = app.Errorf(app.EUNPROCESSABLE, "X-Cursor continues a search by itself: send limit or page_size with it, not offset or page")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if ok {
		q.After, q.Offset = c.After, 0
	}
	if in.ProjectID != 0 {
		if q.ItemIDs, err = s.projectItemIDs(r, in.ProjectID); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	res, out, err := s.searchArticles(r, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// A full page gets the cursor of its last hit; the hits the catalog
	// dropped still count, so the walk neither stops early nor repeats.
	if n := len(res.Hits); n > 0 && n == q.Limit {
		writeCursor(w, listCursor{Order: q.Sort, Desc: q.Desc, After: res.Hits[n-1].SortKeys})
	}
	s.writeJSON(w, http.StatusOK, out)
}

// projectItemIDs are the items of a project the caller may see, for
// search's project_id filter: none for a project the caller may not see
// or that does not exist, so the filter reveals nothing. The search's own
// access filter still decides which of them the caller finds.
func (s *Server) projectItemIDs(r *http.Request, id int64) ([]int64, error) {
	p, err := s.cat.Project(r.Context(), id)
	if app.ErrorCode(err) == app.ENOTFOUND {
		return []int64{}, nil
	} else if err != nil {
		return nil, err
	}
	if a := actor(r.Context()); !app.CanSeeProject(a, p) && !app.CanSeeProjectPrivate(a, p) {
		return []int64{}, nil
	}
	ids, err := s.cat.ProjectItems(r.Context(), id)
	if ids == nil && err == nil {
		ids = []int64{}
	}
	return ids, err
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
