package web

import (
	"fmt"
	"net/http"
	"strings"

	"carrel/app"
)

// myItem is one row of the depositor's item list.
type myItem struct {
	ID       int64
	Title    string
	Status   string
	Version  int
	Modified string
	EditURL  string
	PageURL  string
}

// accountPage is the data of /account: the depositor's items and storage.
type accountPage struct {
	Items   []myItem
	Storage storageView
}

func (s *Server) handleAccount(w http.ResponseWriter, r *http.Request) {
	s.renderAccount(w, r, http.StatusOK, quotaForm{Unit: "GB"})
}

// renderAccount shows the workspace, with the storage request form as
// given (and its errors, if any).
func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, f quotaForm) {
	acct := account(r.Context())
	items, err := s.cat.ListItems(r.Context(), app.ItemFilter{AccountID: acct.ID, Order: "modified_date", Desc: true, Limit: 500})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var p accountPage
	for _, li := range items {
		it := li.Item
		row := myItem{ID: it.ID, Title: it.Draft.Title, Status: statusLabel(it), Version: it.Version,
			Modified: it.Modified.UTC().Format("2 Jan 2006 15:04"), EditURL: fmt.Sprintf("/account/articles/%d", it.ID),
			PageURL: itemURL(it.Draft.Title, it.ID, 0)}
		if row.Title == "" {
			row.Title = "Untitled"
		}
		p.Items = append(p.Items, row)
	}
	if p.Storage, err = s.storageOf(r.Context(), acct, f); err != nil {
		s.fail(w, r, err)
		return
	}
	p.Storage.Sent = r.Method == http.MethodGet && r.URL.Query().Get("quota") == "sent"
	s.render(w, r, status, "account", view{Title: "My items", Page: p})
}

// statusLabel says where an item is, in the depositor's words.
func statusLabel(it *app.Item) string {
	switch {
	case it.Status == app.StatusWithdrawn:
		return "Withdrawn"
	case it.IsPublic() && it.DraftChanged:
		return "Published, with unpublished changes"
	case it.IsPublic():
		return "Published"
	}
	return "Draft"
}

// ownItem finds an item the signed-in account may edit; others are told it
// does not exist.
func (s *Server) ownItem(r *http.Request) (*app.Item, error) { return s.itemIf(r, app.CanEdit) }

// itemIf finds the item of the page's {id} if the policy function allows
// the signed-in actor; others are told it does not exist.
func (s *Server) itemIf(r *http.Request, may func(app.Actor, *app.Item) bool) (*app.Item, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	it, err := s.cat.Item(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !may(actor(r.Context()), it) {
		return nil, app.Errorf(app.ENOTFOUND, "item %d not found", id)
	}
	return it, nil
}

func (s *Server) handleNewForm(w http.ResponseWriter, r *http.Request) {
	acct := account(r.Context())
	f := itemForm{Authors: acct.FullName()}
	if acct.ORCID != "" {
		f.Authors += " | " + acct.ORCID
	}
	s.renderEdit(w, r, http.StatusOK, &editPage{Form: f})
}

func (s *Server) handleCreate(w http.ResponseWriter, r *http.Request) {
	acct := account(r.Context())
	p := &editPage{}
	md, ok := s.readForm(w, r, p, app.Metadata{})
	if !ok {
		s.renderEdit(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	it, err := s.cat.CreateItem(r.Context(), acct.ID, acct.GroupID, md)
	if err != nil {
		s.formFailed(w, r, p, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/account/articles/%d?saved=1", it.ID), http.StatusSeeOther)
}

func (s *Server) handleEditForm(w http.ResponseWriter, r *http.Request) {
	it, err := s.ownItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &editPage{Item: it, Form: formOf(&it.Draft), Saved: r.URL.Query().Has("saved"), Submitted: r.URL.Query().Has("submitted")}
	s.renderEdit(w, r, http.StatusOK, p)
}

func (s *Server) handleSave(w http.ResponseWriter, r *http.Request) {
	it, err := s.ownItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &editPage{Item: it}
	md, ok := s.readForm(w, r, p, it.Draft)
	if !ok {
		s.renderEdit(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	if err := s.saveDraft(r, it, md); err != nil {
		s.formFailed(w, r, p, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/account/articles/%d?saved=1", it.ID), http.StatusSeeOther)
}

// saveDraft stores the edited draft; an edit by anyone but the owner (a
// curator, or an administrator acting as the owner) is audited.
func (s *Server) saveDraft(r *http.Request, it *app.Item, md app.Metadata) error {
	if who := s.who(r); who.ActorID != it.AccountID || who.OnBehalf != 0 {
		_, err := s.cat.EditDraft(r.Context(), it.ID, md, who)
		return err
	}
	_, err := s.cat.UpdateDraft(r.Context(), it.ID, md)
	return err
}

// formFailed shows the form again, with everything typed, when the catalog
// refuses it; only unexpected errors leave the form.
func (s *Server) formFailed(w http.ResponseWriter, r *http.Request, p *editPage, err error) {
	switch code := app.ErrorCode(err); code {
	case app.EINVALID, app.EUNPROCESSABLE, app.ECONFLICT, app.ENOTFOUND:
		p.Error = app.ErrorMessage(err)
		s.renderEdit(w, r, statusOf[code], p)
	default:
		s.fail(w, r, err)
	}
}

func (s *Server) handlePublish(w http.ResponseWriter, r *http.Request) {
	it, err := s.ownItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	policy, err := s.cat.GroupPolicy(r.Context(), it.GroupID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if p := (&editPage{Item: it, Form: formOf(&it.Draft)}); missingFieldErrors(p, policy) {
		s.renderEdit(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	if need, err := s.needsReview(r, it); err != nil {
		s.fail(w, r, err)
		return
	} else if need {
		if _, err := s.cat.SubmitForReview(r.Context(), it.ID, s.who(r)); err != nil {
			s.formFailed(w, r, &editPage{Item: it, Form: formOf(&it.Draft)}, err)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/account/articles/%d?submitted=1", it.ID), http.StatusSeeOther)
		return
	}
	ver, err := s.cat.Publish(r.Context(), it.ID)
	if err != nil {
		p := &editPage{Item: it, Form: formOf(&it.Draft)}
		s.formFailed(w, r, p, err)
		return
	}
	http.Redirect(w, r, itemURL(ver.Metadata.Title, it.ID, 0), http.StatusSeeOther)
}

// renderEdit fills the choices and file list of the edit form and shows it.
func (s *Server) renderEdit(w http.ResponseWriter, r *http.Request, status int, p *editPage) {
	v, err := s.vocab(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Retired terms are offered only to the item that already has them.
	for _, t := range v.types {
		if !t.Retired || t.ID == p.Form.ItemType {
			p.Types = append(p.Types, t)
		}
	}
	for _, l := range v.licenses {
		if !l.Retired || l.ID == p.Form.License {
			p.Licenses = append(p.Licenses, l)
		}
	}
	p.Categories = categoryPicker(v.categories, p.Form.Categories)
	title := "New item"
	if p.Item != nil {
		title = "Edit: " + p.Item.Draft.Title
		files, err := s.cat.DraftFiles(r.Context(), p.Item.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, f := range files {
			row := fileRow{File: f}
			if f.Status == app.FileAvailable {
				row.DownloadURL = fmt.Sprintf("/v2/file/download/%d", f.ID)
				if previewKind(f.Name) != kindNone {
					row.PreviewURL = fmt.Sprintf("/preview/%d", f.ID)
				}
			}
			p.Files = append(p.Files, row)
		}
		if err := s.accessOf(r, p); err != nil {
			s.fail(w, r, err)
			return
		}
		if err := s.fillReview(r, p); err != nil {
			s.fail(w, r, err)
			return
		}
		p.Missing = p.Item.Draft.MissingForPublish()
		p.PageURL = itemURL(p.Item.Draft.Title, p.Item.ID, 0)
		p.Status = statusLabel(p.Item)
	}
	policy, err := s.cat.GroupPolicy(r.Context(), groupOf(r, p))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fillGroupChoices(p, policy)
	if p.Error != "" || len(p.Errors) > 0 {
		title = "Error: " + title
	}
	s.render(w, r, status, "edit", view{Title: strings.TrimSpace(title), Page: p})
}
