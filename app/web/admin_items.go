package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"carrel/app"
)

// itemsPage is the data of /admin/items: every item the curator looks
// after, whatever its state, filtered.
type itemsPage struct {
	Query, Status, Owner string
	GroupID              int64
	ItemType             int
	Groups               []app.GroupUsage
	Types                []app.ItemType
	Statuses             []string
	Rows                 []app.ReportItem
	Error                string
	Page                 int
	Prev, Next           string
}

// curatedItemPage is the data of /admin/items/{id}.
type curatedItemPage struct {
	Item      *app.Item
	Title     string
	Status    string
	Owner     *app.Account
	Group     string
	ItemType  string
	PageURL   string
	Withdraw  bool // the item is published, so it may be withdrawn
	Saved     string
	Error     string
	Reason    string // the withdrawal reason typed, shown again on error
	NewOwner  string
	Override  bool // transfer past the new owner's quota, as typed
	CanOver   bool // the curator is an administrator, who may override a quota
	History   []auditRow
	EmbargoOn bool
}

const itemsPageSize = 50

// curator lets through administrators and group administrators; the
// handlers then show and change only the items of the curator's groups.
func (s *Server) curator(h http.HandlerFunc) http.HandlerFunc {
	return s.signedIn(func(w http.ResponseWriter, r *http.Request) {
		if groups, all := actor(r.Context()).GroupsWith(app.RoleGroupAdmin); !all && len(groups) == 0 {
			s.fail(w, r, app.Errorf(app.ENOTFOUND, "There is no page at this address."))
			return
		}
		h(w, r)
	})
}

// handleAdminItems finds items by title or id, status, group, owner and
// item type.
func (s *Server) handleAdminItems(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	p := itemsPage{Query: strings.TrimSpace(q.Get("q")), Status: q.Get("status"), Owner: strings.TrimSpace(q.Get("owner")),
		Statuses: []string{string(app.StatusDraft), string(app.StatusPending), string(app.StatusPublished), string(app.StatusWithdrawn)}}
	var err error
	if p.Groups, err = s.cat.GroupUsages(ctx); err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.vocab(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Types = v.types
	f, err := s.itemsFilter(r, &p)
	if err != nil {
		p.Error = app.ErrorMessage(err)
		s.render(w, r, statusOf[app.ErrorCode(err)], "admin_items", view{Title: "Error: Items", Page: p})
		return
	}
	if err := s.cat.ReportItems(ctx, f, func(it *app.ReportItem) error {
		p.Rows = append(p.Rows, *it)
		return nil
	}); err != nil {
		s.fail(w, r, err)
		return
	}
	more := len(p.Rows) > itemsPageSize
	if more {
		p.Rows = p.Rows[:itemsPageSize]
	}
	p.Prev, p.Next = pager(r, p.Page, more)
	s.render(w, r, http.StatusOK, "admin_items", view{Title: "Items", Page: p})
}

// itemsFilter reads the item finder's query: EINVALID for a status, group,
// item type or page that is not one of the choices, EUNPROCESSABLE for an
// owner who does not exist.
func (s *Server) itemsFilter(r *http.Request, p *itemsPage) (app.ReportFilter, error) {
	q := r.URL.Query()
	f := app.ReportFilter{Query: p.Query, Status: p.Status, Newest: true, Limit: itemsPageSize + 1}
	if groups, all := actor(r.Context()).GroupsWith(app.RoleGroupAdmin); !all {
		f.Within = groups
	}
	var err error
	if p.Page, err = pageNumber(r); err != nil {
		return f, err
	}
	f.Offset = (p.Page - 1) * itemsPageSize
	if p.Status != "" && !contains(p.Statuses, p.Status) {
		return f, app.Errorf(app.EINVALID, "The status must be one of %s.", strings.Join(p.Statuses, ", "))
	}
	if p.GroupID, err = formInt(q.Get("group"), "group"); err != nil {
		return f, err
	}
	if f.GroupID = p.GroupID; f.GroupID != 0 {
		if _, err := s.cat.Group(r.Context(), f.GroupID); err != nil {
			return f, app.Errorf(app.EINVALID, "There is no group %d.", f.GroupID)
		}
	}
	t, err := formInt(q.Get("type"), "item type")
	if err != nil {
		return f, err
	}
	p.ItemType, f.ItemType = int(t), int(t)
	if p.Owner != "" {
		if f.OwnerID, err = s.accountRef(r, p.Owner); err != nil {
			return f, err
		}
	}
	return f, nil
}

// accountRef finds an account by email or id; EUNPROCESSABLE if none.
func (s *Server) accountRef(r *http.Request, ref string) (int64, error) {
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil && id > 0 {
		if _, err := s.cat.Account(r.Context(), id); err == nil {
			return id, nil
		}
	} else if a, err := s.cat.AccountByEmail(r.Context(), ref); err == nil {
		return a.ID, nil
	}
	return 0, app.Errorf(app.EUNPROCESSABLE, "No account has the email or id %q.", ref)
}

// curatedItem finds the item of the page if the signed-in curator looks
// after it; others are told it does not exist.
func (s *Server) curatedItem(r *http.Request) (*app.Item, error) { return s.itemIf(r, app.CanCurate) }

func (s *Server) handleAdminItem(w http.ResponseWriter, r *http.Request) {
	s.renderCuratedItem(w, r, http.StatusOK, &curatedItemPage{Saved: r.URL.Query().Get("saved")})
}

// renderCuratedItem shows an item's curation page, with why a change was
// refused if it was.
func (s *Server) renderCuratedItem(w http.ResponseWriter, r *http.Request, status int, p *curatedItemPage) {
	ctx := r.Context()
	it, err := s.curatedItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Item, p.Title, p.Status = it, it.Draft.Title, statusLabel(it)
	if p.Title == "" {
		p.Title = "Untitled"
	}
	if p.Owner, err = s.cat.Account(ctx, it.AccountID); err != nil {
		s.fail(w, r, err)
		return
	}
	names, err := s.groupNames(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Group = names[it.GroupID]
	v, err := s.vocab(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, t := range v.types {
		if t.ID == it.Draft.ItemType {
			p.ItemType = t.Name
		}
	}
	p.PageURL = itemURL(it.Draft.Title, it.ID, 0)
	p.Withdraw = it.Status == app.StatusPublished
	p.EmbargoOn = it.Embargo.Type != app.EmbargoNone
	p.CanOver = actor(ctx).Admin
	entries, err := s.cat.AuditEntries(ctx, app.AuditFilter{Target: fmt.Sprintf("item:%d", it.ID), Limit: 50})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.History = s.auditRows(ctx, entries)
	title := p.Title
	if p.Error != "" {
		title = "Error: " + title
	}
	s.render(w, r, status, "admin_item", view{Title: title, Page: p})
}

// itemProblem shows the item's page again with why a change was refused.
func (s *Server) itemProblem(w http.ResponseWriter, r *http.Request, p *curatedItemPage, err error) {
	if app.ErrorCode(err) == app.EINTERNAL {
		s.fail(w, r, err)
		return
	}
	p.Error = app.ErrorMessage(err)
	s.renderCuratedItem(w, r, statusOf[app.ErrorCode(err)], p)
}

// handleAdminItemWithdraw withdraws a published item with a public reason,
// through the same catalog call as the API's unpublish.
func (s *Server) handleAdminItemWithdraw(w http.ResponseWriter, r *http.Request) {
	it, err := s.curatedItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	p := &curatedItemPage{Reason: r.PostFormValue("reason")}
	if !app.CanWithdraw(actor(r.Context()), it) {
		s.fail(w, r, app.Errorf(app.ENOTFOUND, "item %d not found", it.ID))
		return
	}
	if err := s.cat.Withdraw(r.Context(), it.ID, p.Reason, s.who(r)); err != nil {
		s.itemProblem(w, r, p, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/items/%d?saved=withdrawn", it.ID), http.StatusSeeOther)
}

// handleAdminItemTransfer makes another account, named by email or id, the
// item's owner. A transfer that would take the new owner past their
// storage quota is refused (409, with the numbers) unless an administrator
// ticks the override, which the audit log records.
func (s *Server) handleAdminItemTransfer(w http.ResponseWriter, r *http.Request) {
	it, err := s.curatedItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	p := &curatedItemPage{NewOwner: strings.TrimSpace(r.PostFormValue("owner")), Override: r.PostFormValue("override_quota") == "on"}
	if err := func() error {
		if p.Override && !actor(r.Context()).Admin {
			return app.Errorf(app.EFORBIDDEN, "Only administrators may transfer an item past the new owner's storage quota.")
		}
		if p.NewOwner == "" {
			return app.Errorf(app.EUNPROCESSABLE, "Name the new owner by email or account id.")
		}
		to, err := s.accountRef(r, p.NewOwner)
		if err != nil {
			return err
		}
		target, err := s.cat.Account(r.Context(), to)
		if err != nil {
			return err
		}
		if !app.CanTransfer(actor(r.Context()), it, target.GroupID) {
			return app.Errorf(app.EFORBIDDEN, "You may transfer items only to people of the groups you administer.")
		}
		quota := target.Quota
		if quota == 0 {
			quota = s.cfg.DefaultQuota
		}
		_, err = s.cat.TransferItem(r.Context(), it.ID, to, quota, p.Override, s.who(r))
		return err
	}(); err != nil {
		s.itemProblem(w, r, p, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/items/%d?saved=transferred", it.ID), http.StatusSeeOther)
}
