package api

import (
	"net/http"

	"carrel/app"
)

// handleInstitutionArticles is GET /v2/account/institution/articles: the
// institution's published items for its administrators, with the filters,
// orders and paging of GET /v2/articles (X-Cursor included). Unlike the
// public listing it is only for administrators, so its records are those
// an administrator sees. Figshare's status filter is not offered: the
// endpoint lists published items, the one status it is documented for here.
func (s *Server) handleInstitutionArticles(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Has("status") {
		s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "the status filter is not supported: this listing holds the institution's published items; use /v2/account/institution/reviews for items awaiting review"))
		return
	}
	if r.URL.Query().Get("order") == "created_date" {
		s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "order must be published_date or modified_date"))
		return
	}
	s.handlePublicList(w, r)
}
