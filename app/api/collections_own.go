package api

import (
	"fmt"
	"net/http"
	"strings"

	"carrel/app"
)

// collectionInput is Figshare's CollectionCreate/CollectionUpdate.
type collectionInput struct {
	Title                *string                `json:"title"`
	Description          *string                `json:"description"`
	Articles             *[]int64               `json:"articles"`
	Authors              *[]authorInput         `json:"authors"`
	Categories           *[]int64               `json:"categories"`
	CategoriesBySourceID *[]string              `json:"categories_by_source_id"`
	CustomFields         *map[string]any        `json:"custom_fields"`
	CustomFieldsList     *[]customFieldInput    `json:"custom_fields_list"`
	Fields               map[string]any         `json:"fields"`
	Funding              *string                `json:"funding"`
	FundingList          *[]app.Funding         `json:"funding_list"`
	GroupID              *int64                 `json:"group_id"`
	DOI                  *string                `json:"doi"`
	Handle               *string                `json:"handle"`
	Keywords             *[]string              `json:"keywords"`
	Tags                 *[]string              `json:"tags"`
	References           *[]string              `json:"references"`
	RelatedMaterials     *[]app.RelatedMaterial `json:"related_materials"`
	ResourceDOI          *string                `json:"resource_doi"`
	ResourceID           *string                `json:"resource_id"`
	ResourceLink         *string                `json:"resource_link"`
	ResourceTitle        *string                `json:"resource_title"`
	ResourceVersion      *int                   `json:"resource_version"`
	Timeline             *app.Timeline          `json:"timeline"`
}

// apply merges the input into md through the article rules, which the
// two records share.
func (in *collectionInput) apply(md *app.CollectionMetadata, v *vocabulary) error {
	if len(in.Fields) > 0 {
		return app.Errorf(app.EUNPROCESSABLE, "fields: item-type based metadata is not enabled in this repository; send the fields at the top level")
	}
	if in.Title != nil {
		if n := len([]rune(strings.TrimSpace(*in.Title))); n < 3 || n > app.MaxTitleLen {
			return app.Errorf(app.EUNPROCESSABLE, "title must be 3 to %d characters", app.MaxTitleLen)
		}
	}
	ai := articleInput{Title: in.Title, Description: in.Description, Authors: in.Authors, Categories: in.Categories,
		CategoriesBySourceID: in.CategoriesBySourceID, CustomFields: in.CustomFields, CustomFieldsList: in.CustomFieldsList,
		Funding: in.Funding, FundingList: in.FundingList, DOI: in.DOI, Handle: in.Handle, Keywords: in.Keywords, Tags: in.Tags,
		References: in.References, RelatedMaterials: in.RelatedMaterials, ResourceDOI: in.ResourceDOI,
		ResourceTitle: in.ResourceTitle, Timeline: in.Timeline}
	if err := ai.apply(&md.Metadata, v); err != nil {
		return err
	}
	if in.ResourceID != nil {
		md.ResourceID = strings.TrimSpace(*in.ResourceID)
	}
	if in.ResourceLink != nil {
		md.ResourceLink = strings.TrimSpace(*in.ResourceLink)
	}
	if in.ResourceVersion != nil {
		md.ResourceVersion = *in.ResourceVersion
	}
	return md.Validate()
}

// memberIDs checks the articles a request puts in a collection: each must
// be one the caller may add (their own, or anyone's public item). Others
// are reported as not found, so that private ids do not leak.
func (s *Server) memberIDs(r *http.Request, ids []int64) ([]int64, error) {
	if len(ids) > app.MaxCollectionItems {
		return nil, app.Errorf(app.EUNPROCESSABLE, "a collection holds at most %d articles", app.MaxCollectionItems)
	}
	for _, id := range ids {
		if id <= 0 {
			return nil, app.Errorf(app.EUNPROCESSABLE, "article ids must be positive integers")
		}
		it, err := s.cat.Item(r.Context(), id)
		if err != nil && app.ErrorCode(err) != app.ENOTFOUND {
			return nil, err
		}
		if err != nil || !app.CanAddToCollection(actor(r.Context()), it) {
			return nil, app.Errorf(app.EUNPROCESSABLE, "article %d not found", id)
		}
	}
	return ids, nil
}

func (s *Server) handleOwnCollections(w http.ResponseWriter, r *http.Request) {
	off, lim, err := paging(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := app.CollectionFilter{AccountID: actor(r.Context()).AccountID, Offset: off, Limit: lim, Order: "created_date", Desc: true}
	if err := listOrder(r, &f.Order, &f.Desc); err != nil {
		s.fail(w, r, err)
		return
	}
	rows, err := s.cat.ListCollections(r.Context(), f)
	s.writeCollections(w, r, rows, err, false)
}

// listOrder reads the order and order_direction query parameters.
func listOrder(r *http.Request, order *string, desc *bool) error {
	q := r.URL.Query()
	if o := q.Get("order"); o != "" {
		if !publicOrders[o] {
			return app.Errorf(app.EUNPROCESSABLE, "order must be one of created_date, published_date, modified_date")
		}
		*order = o
	}
	switch q.Get("order_direction") {
	case "":
	case "desc":
		*desc = true
	case "asc":
		*desc = false
	default:
		return app.Errorf(app.EUNPROCESSABLE, "order_direction must be asc or desc")
	}
	return nil
}

func (s *Server) handleCollectionCreate(w http.ResponseWriter, r *http.Request) {
	var in collectionInput
	if err := s.decode(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.Title == nil {
		s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "title is required"))
		return
	}
	v, err := s.vocab(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var md app.CollectionMetadata
	if err := in.apply(&md, v); err != nil {
		s.fail(w, r, err)
		return
	}
	items, err := s.memberIDs(r, deref(in.Articles))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	me := actor(r.Context())
	group, err := s.depositGroup(r, in.GroupID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.cat.CreateCollection(r.Context(), me.AccountID, group, md, items)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc := fmt.Sprintf("%s/v2/account/collections/%d", s.base(r), c.ID)
	w.Header().Set("Location", loc)
	s.writeJSON(w, http.StatusCreated, map[string]any{"entity_id": c.ID, "location": loc, "warnings": []string{}})
}

func (s *Server) handleOwnCollection(w http.ResponseWriter, r *http.Request) {
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
	s.writeJSON(w, http.StatusOK, s.completeCollection(r, v, c, nil, len(c.Items)))
}

func (s *Server) handleCollectionUpdate(w http.ResponseWriter, r *http.Request) {
	c, err := s.ownCollection(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in collectionInput
	if err := s.decode(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.GroupID != nil && *in.GroupID != c.GroupID {
		s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "group_id cannot be changed through this endpoint"))
		return
	}
	v, err := s.vocab(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	md := c.Draft
	if err := in.apply(&md, v); err != nil {
		s.fail(w, r, err)
		return
	}
	var items []int64
	if in.Articles != nil {
		if items, err = s.memberIDs(r, append([]int64{}, *in.Articles...)); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if _, err := s.cat.UpdateCollection(r.Context(), c.ID, md, items); err != nil {
		s.fail(w, r, err)
		return
	}
	s.collectionChanged(w, r, c.ID, http.StatusResetContent)
}

// collectionChanged answers a change to a collection's draft the way
// Figshare does: 201 or 205 with its location, 204 for a removal.
func (s *Server) collectionChanged(w http.ResponseWriter, r *http.Request, id int64, status int) {
	loc := fmt.Sprintf("%s/v2/account/collections/%d", s.base(r), id)
	switch status {
	case http.StatusNoContent:
		w.WriteHeader(status)
	case http.StatusCreated:
		w.Header().Set("Location", loc)
		s.writeJSON(w, status, map[string]string{"location": loc})
	default:
		w.Header().Set("Location", loc)
		s.writeJSON(w, status, map[string]any{"location": loc, "warnings": []string{}})
	}
}

func (s *Server) handleCollectionDelete(w http.ResponseWriter, r *http.Request) {
	c, err := s.ownCollection(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.cat.DeleteCollection(r.Context(), c.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleCollectionPublish(w http.ResponseWriter, r *http.Request) {
	c, err := s.ownCollection(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ver, err := s.cat.PublishCollection(r.Context(), c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc := fmt.Sprintf("%s/v2/collections/%d/versions/%d", s.base(r), c.ID, ver.Number)
	w.Header().Set("Location", loc)
	s.writeJSON(w, http.StatusCreated, map[string]string{"location": loc})
}

// handleCollectionResource links the collection to the resource it
// describes (Figshare's Resource: id, title, doi, link, status, version).
func (s *Server) handleCollectionResource(w http.ResponseWriter, r *http.Request) {
	c, err := s.ownCollection(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in resourceInput
	if err := s.decode(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.empty() {
		s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "a resource needs at least one of id, title, doi, link, version"))
		return
	}
	ci := collectionInput{ResourceID: in.ID, ResourceTitle: in.Title, ResourceDOI: in.DOI, ResourceLink: in.Link, ResourceVersion: in.Version}
	md := c.Draft
	if err := ci.apply(&md, &vocabulary{}); err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.cat.UpdateCollection(r.Context(), c.ID, md, nil); err != nil {
		s.fail(w, r, err)
		return
	}
	loc := fmt.Sprintf("%s/v2/account/collections/%d", s.base(r), c.ID)
	w.Header().Set("Location", loc)
	s.writeJSON(w, http.StatusResetContent, map[string]string{"location": loc})
}
