package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"carrel/app"
)

// CollectionWorkspace is what the collection workspace needs of the
// catalog.
type CollectionWorkspace interface {
	ListCollections(ctx context.Context, f app.CollectionFilter) ([]app.ListedCollection, error)
	CreateCollection(ctx context.Context, accountID, groupID int64, md app.CollectionMetadata, items []int64) (*app.Collection, error)
	UpdateCollection(ctx context.Context, id int64, md app.CollectionMetadata, items []int64) (*app.Collection, error)
	PublishCollection(ctx context.Context, id int64) (*app.CollectionVersion, error)
}

// myCollection is one row of the collection list.
type myCollection struct {
	Title, Status, EditURL, PageURL string
	Version, Items                  int
}

// collectionEditPage is the data of the collection edit form.
type collectionEditPage struct {
	editPage
	Collection *app.Collection
	Choices    []itemChoice
}

// itemChoice is an item that may be ticked into a collection.
type itemChoice struct {
	ID      int64
	Title   string
	Status  string
	Checked bool
}

func (s *Server) handleMyCollections(w http.ResponseWriter, r *http.Request) {
	rows, err := s.cat.ListCollections(r.Context(), app.CollectionFilter{AccountID: account(r.Context()).ID, Order: "modified_date", Desc: true, Limit: 500})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var out []myCollection
	for _, l := range rows {
		c := l.Collection
		status := "Draft"
		if c.IsPublic() {
			status = "Published"
			if c.DraftChanged {
				status = "Published, with unpublished changes"
			}
		}
		out = append(out, myCollection{Title: c.Draft.Title, Status: status, Version: c.Version,
			EditURL: fmt.Sprintf("/account/collections/%d", c.ID), PageURL: collectionURL(c.Draft.Title, c.ID, 0)})
	}
	s.render(w, r, http.StatusOK, "collections", view{Title: "My collections", Page: out})
}

func (s *Server) handleCollectionCreate(w http.ResponseWriter, r *http.Request) {
	acct := account(r.Context())
	p := &collectionEditPage{}
	md, ok := s.readForm(w, r, &p.editPage, app.Metadata{})
	if ok && len(md.Authors) == 0 {
		md.Authors = []app.Author{{FullName: acct.FullName(), ORCID: acct.ORCID, AccountID: acct.ID}}
	}
	if ok && len([]rune(md.Title)) < 3 {
		p.Errors["title"], p.Error, ok = "The title must be at least 3 characters.", "Please correct the fields marked below.", false
	}
	if !ok {
		s.renderCollectionEdit(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	c, err := s.cat.CreateCollection(r.Context(), acct.ID, acct.GroupID, app.CollectionMetadata{Metadata: md}, nil)
	if err != nil {
		s.collectionFormFailed(w, r, p, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/account/collections/%d?saved=1", c.ID), http.StatusSeeOther)
}

// ownCollection finds a collection the signed-in account may edit.
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

func (s *Server) handleCollectionEdit(w http.ResponseWriter, r *http.Request) {
	c, err := s.ownCollection(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &collectionEditPage{Collection: c}
	p.Form, p.Saved = formOf(&c.Draft.Metadata), r.URL.Query().Has("saved")
	s.renderCollectionEdit(w, r, http.StatusOK, p)
}

func (s *Server) handleCollectionSave(w http.ResponseWriter, r *http.Request) {
	c, err := s.ownCollection(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &collectionEditPage{Collection: c}
	md, ok := s.readForm(w, r, &p.editPage, c.Draft.Metadata)
	if !ok {
		s.renderCollectionEdit(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	var items []int64
	for _, v := range append(r.PostForm["items"], strings.Fields(strings.ReplaceAll(r.PostForm.Get("add_items"), ",", " "))...) {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			p.Errors["add_items"], p.Error = fmt.Sprintf("%q is not an item id.", v), "Please correct the fields marked below."
			s.renderCollectionEdit(w, r, http.StatusUnprocessableEntity, p)
			return
		}
		it, err := s.cat.Item(r.Context(), id)
		if err != nil && app.ErrorCode(err) != app.ENOTFOUND {
			s.fail(w, r, err)
			return
		}
		if err != nil || !app.CanAddToCollection(actor(r.Context()), it) {
			p.Errors["add_items"] = fmt.Sprintf("There is no published item %d, nor one of yours.", id)
			p.Error = "Please correct the fields marked below."
			s.renderCollectionEdit(w, r, http.StatusUnprocessableEntity, p)
			return
		}
		items = append(items, id)
	}
	cm := c.Draft
	cm.Metadata = md
	if _, err := s.cat.UpdateCollection(r.Context(), c.ID, cm, append([]int64{}, items...)); err != nil {
		s.collectionFormFailed(w, r, p, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/account/collections/%d?saved=1", c.ID), http.StatusSeeOther)
}

func (s *Server) handleCollectionPublish(w http.ResponseWriter, r *http.Request) {
	c, err := s.ownCollection(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ver, err := s.cat.PublishCollection(r.Context(), c.ID)
	if err != nil {
		p := &collectionEditPage{Collection: c}
		p.Form = formOf(&c.Draft.Metadata)
		s.collectionFormFailed(w, r, p, err)
		return
	}
	http.Redirect(w, r, collectionURL(ver.Metadata.Title, c.ID, 0), http.StatusSeeOther)
}

// collectionFormFailed shows the form again when the catalog refuses it.
func (s *Server) collectionFormFailed(w http.ResponseWriter, r *http.Request, p *collectionEditPage, err error) {
	switch code := app.ErrorCode(err); code {
	case app.EINVALID, app.EUNPROCESSABLE, app.ECONFLICT, app.ENOTFOUND:
		p.Error = app.ErrorMessage(err)
		s.renderCollectionEdit(w, r, statusOf[code], p)
	default:
		s.fail(w, r, err)
	}
}

// renderCollectionEdit fills the category and item choices and shows the
// form: the owner's items, and the others already in the collection.
func (s *Server) renderCollectionEdit(w http.ResponseWriter, r *http.Request, status int, p *collectionEditPage) {
	v, err := s.vocab(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Categories = categoryPicker(v.categories, p.Form.Categories)
	in := map[int64]bool{}
	title := "New collection"
	if p.Collection != nil {
		title = "Edit: " + p.Collection.Draft.Title
		for _, id := range p.Collection.Items {
			in[id] = true
		}
		p.Missing = p.Collection.Draft.MissingForPublish()
		p.PageURL = collectionURL(p.Collection.Draft.Title, p.Collection.ID, 0)
	}
	mine, err := s.cat.ListItems(r.Context(), app.ItemFilter{AccountID: account(r.Context()).ID, Order: "modified_date", Desc: true, Limit: 500})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, l := range mine {
		p.Choices = append(p.Choices, itemChoice{ID: l.Item.ID, Title: l.Item.Draft.Title, Status: statusLabel(l.Item), Checked: in[l.Item.ID]})
		delete(in, l.Item.ID)
	}
	if p.Collection != nil {
		for _, id := range p.Collection.Items {
			if !in[id] {
				continue
			}
			it, err := s.cat.Item(r.Context(), id)
			if app.ErrorCode(err) == app.ENOTFOUND {
				continue
			} else if err != nil {
				s.fail(w, r, err)
				return
			}
			row, ok, err := s.memberRow(r.Context(), actor(r.Context()), it, false)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			if ok {
				p.Choices = append(p.Choices, itemChoice{ID: id, Title: row.Title, Status: "Published by " + row.Authors, Checked: true})
			}
		}
	}
	s.render(w, r, status, "collection_edit", view{Title: title, Page: p})
}
