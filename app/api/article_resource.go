package api

import (
	"net/http"

	"carrel/app"
)

// resourceInput is Figshare's Resource: what an item or collection
// describes (a paper, say), linked by private_article_resource and
// private_collection_resource.
type resourceInput struct {
	ID      *string `json:"id"`
	Title   *string `json:"title"`
	DOI     *string `json:"doi"`
	Link    *string `json:"link"`
	Status  *string `json:"status"`
	Version *int    `json:"version"`
}

func (in *resourceInput) empty() bool {
	return in.ID == nil && in.Title == nil && in.DOI == nil && in.Link == nil && in.Version == nil
}

// handleArticleResource links the item's draft to the resource it
// describes. An item records the resource's DOI and title (resource_doi,
// resource_title); the other Resource fields have no place on an item and
// are refused rather than dropped.
func (s *Server) handleArticleResource(w http.ResponseWriter, r *http.Request) {
	editDraftAs(s, w, r, func(md *app.Metadata, in *resourceInput) error {
		if in.ID != nil || in.Link != nil || in.Version != nil {
			return app.Errorf(app.EUNPROCESSABLE, "an item records only the resource's doi and title; id, link and version belong to collections")
		}
		if in.DOI == nil && in.Title == nil {
			return app.Errorf(app.EUNPROCESSABLE, "a resource needs a doi or a title")
		}
		ai := articleInput{ResourceDOI: in.DOI, ResourceTitle: in.Title}
		return ai.apply(md, &vocabulary{})
	})
}
