package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"carrel/app"
)

// AdminCatalog is what the administrators' pages need of the catalog
// beyond what the public pages use.
type AdminCatalog interface {
	Overview(ctx context.Context) (*app.Overview, error)
	GroupUsages(ctx context.Context) ([]app.GroupUsage, error)
	AuditEntries(ctx context.Context, f app.AuditFilter) ([]app.AuditEntry, error)
	ListAccounts(ctx context.Context, f app.AccountFilter) ([]app.Account, error)
	UpdateAccountAccess(ctx context.Context, id, groupID, quota int64, active bool, who app.AuditEntry) error
	RoleAssignments(ctx context.Context, accountID int64) ([]app.RoleAssignment, error)
	AssignRole(ctx context.Context, ra app.RoleAssignment, who app.AuditEntry) error
	RevokeRole(ctx context.Context, ra app.RoleAssignment, who app.AuditEntry) error
	Group(ctx context.Context, id int64) (*app.Group, error)
	Groups(ctx context.Context) ([]app.Group, error)
	CreateGroup(ctx context.Context, g *app.Group, who app.AuditEntry) error
	UpdateGroup(ctx context.Context, g *app.Group, who app.AuditEntry) error
	SetGroupReview(ctx context.Context, groupID int64, on bool, who app.AuditEntry) error
	// EditDraft is UpdateDraft audited: a curator's edit of another's item.
	EditDraft(ctx context.Context, id int64, md app.Metadata, who app.AuditEntry) (*app.Item, error)
	// Withdraw leaves a tombstone with the public reason (5 to 500
	// characters, else EUNPROCESSABLE); ECONFLICT unless published.
	Withdraw(ctx context.Context, id int64, reason string, who app.AuditEntry) error
	// TransferItem gives an item to another account; EUNPROCESSABLE for
	// an unknown or deactivated account or the current owner.
	TransferItem(ctx context.Context, id, to, quota int64, override bool, who app.AuditEntry) (*app.Item, error)
}

// dashboardPage is the data of /admin.
type dashboardPage struct {
	Jobs, HRFeed bool
	Overview     *app.Overview
	Statuses     []statusCount
	OldestAge    string
	Groups       []app.GroupUsage
	Recent       []auditRow
	JobList      []app.JobStatus
	JobsFailing  int
	Usage        *usageChart // the institution's views and downloads over the last 30 days
}

type statusCount struct {
	Status string
	Count  int64
}

// auditRow is an audit entry with the people it names.
type auditRow struct {
	app.AuditEntry
	Actor, OnBehalf string
}

// handleAdminIndex is the dashboard: the repository's state at a glance
// and the way to every administrators' tool.
func (s *Server) handleAdminIndex(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := dashboardPage{Jobs: s.cfg.Jobs != nil, HRFeed: s.cfg.HRFeed != nil}
	var err error
	if p.Overview, err = s.cat.Overview(ctx); err != nil {
		s.fail(w, r, err)
		return
	}
	for _, st := range []app.ItemStatus{app.StatusDraft, app.StatusPending, app.StatusPublished, app.StatusWithdrawn} {
		p.Statuses = append(p.Statuses, statusCount{string(st), p.Overview.ItemsByStatus[st]})
	}
	if !p.Overview.OldestPending.IsZero() {
		p.OldestAge = age(time.Since(p.Overview.OldestPending))
	}
	if p.Groups, err = s.cat.GroupUsages(ctx); err != nil {
		s.fail(w, r, err)
		return
	}
	entries, err := s.cat.AuditEntries(ctx, app.AuditFilter{Limit: 20})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Recent = s.auditRows(ctx, entries)
	if s.cfg.Usage != nil {
		now := time.Now().UTC()
		if p.Usage, err = s.chartOf(ctx, app.ScopeInstitution, app.InstitutionID, now.AddDate(0, 0, -29), now); err != nil {
			s.log.Error("usage chart", "req", requestID(ctx), "err", err)
		}
	}
	if s.cfg.Jobs != nil {
		if p.JobList, err = s.cfg.Jobs.Status(ctx); err != nil {
			s.fail(w, r, err)
			return
		}
		for _, j := range p.JobList {
			if j.Last != nil && j.Last.Outcome != app.JobOK && j.Last.Outcome != app.JobSkipped && j.Last.Outcome != app.JobRunning {
				p.JobsFailing++
			}
		}
	}
	s.render(w, r, http.StatusOK, "admin", view{Title: "Administration", Page: p})
}

// auditRows names the accounts in audit entries by email.
func (s *Server) auditRows(ctx context.Context, entries []app.AuditEntry) []auditRow {
	names := map[int64]string{0: ""}
	name := func(id int64) string {
		if n, ok := names[id]; ok {
			return n
		}
		n := "account " + strconv.FormatInt(id, 10)
		if a, err := s.cat.Account(ctx, id); err == nil {
			n = a.Email
		}
		names[id] = n
		return n
	}
	rows := make([]auditRow, len(entries))
	for i, e := range entries {
		rows[i] = auditRow{AuditEntry: e, Actor: name(e.ActorID), OnBehalf: name(e.OnBehalf)}
	}
	return rows
}

// auditPage is the data of /admin/audit.
type auditPage struct {
	Actor, Action, Target, From, To string
	Error                           string
	Rows                            []auditRow
	Page                            int
	Prev, Next                      string // links to the neighbouring pages
}

const auditPageSize = 50

// handleAdminAudit lists the audit log, newest first, filtered by actor
// (email or account id), action (a verb or a prefix such as "signin"),
// target and date range.
func (s *Server) handleAdminAudit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p := auditPage{Actor: strings.TrimSpace(q.Get("actor")), Action: strings.TrimSpace(q.Get("action")),
		Target: strings.TrimSpace(q.Get("target")), From: q.Get("from"), To: q.Get("to"), Page: 1}
	f, err := s.auditFilter(r, &p)
	if err != nil {
		p.Error = app.ErrorMessage(err)
		status := http.StatusBadRequest
		if app.ErrorCode(err) == app.ENOTFOUND {
			status = http.StatusOK
		}
		s.render(w, r, status, "admin_audit", view{Title: "Audit log", Page: p})
		return
	}
	entries, err := s.cat.AuditEntries(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	more := len(entries) > auditPageSize
	if more {
		entries = entries[:auditPageSize]
	}
	p.Rows = s.auditRows(r.Context(), entries)
	p.Prev, p.Next = pager(r, p.Page, more)
	s.render(w, r, http.StatusOK, "admin_audit", view{Title: "Audit log", Page: p})
}

// auditFilter reads the audit page's query into a filter: EINVALID for a
// malformed date or page, ENOTFOUND for an actor who does not exist.
func (s *Server) auditFilter(r *http.Request, p *auditPage) (app.AuditFilter, error) {
	f := app.AuditFilter{Target: p.Target, Limit: auditPageSize + 1}
	var err error
	if p.Page, err = pageNumber(r); err != nil {
		return f, err
	}
	f.Offset = (p.Page - 1) * auditPageSize
	f.Action = p.Action
	if f.Action != "" && !strings.Contains(f.Action, ".") {
		f.Action += "."
	}
	if f.Since, f.Until, err = dateRange(p.From, p.To); err != nil {
		return f, err
	}
	if p.Actor != "" {
		if id, err := strconv.ParseInt(p.Actor, 10, 64); err == nil && id > 0 {
			f.ActorID = id
		} else if a, err := s.cat.AccountByEmail(r.Context(), p.Actor); err == nil {
			f.ActorID = a.ID
		} else {
			return f, app.Errorf(app.ENOTFOUND, "No account has the email or id %q.", p.Actor)
		}
	}
	return f, nil
}

// dateRange parses a from/to pair of YYYY-MM-DD dates (either may be
// empty) into [since, until), until being the day after to.
func dateRange(from, to string) (since, until time.Time, err error) {
	if from != "" {
		if since, err = time.Parse(time.DateOnly, from); err != nil {
			return since, until, app.Errorf(app.EINVALID, "The start date %q is not a date like 2026-01-31.", from)
		}
	}
	if to != "" {
		if until, err = time.Parse(time.DateOnly, to); err != nil {
			return since, until, app.Errorf(app.EINVALID, "The end date %q is not a date like 2026-01-31.", to)
		}
		until = until.AddDate(0, 0, 1)
	}
	if !since.IsZero() && !until.IsZero() && !since.Before(until) {
		return since, until, app.Errorf(app.EINVALID, "The start date must not be after the end date.")
	}
	return since, until, nil
}

// pager links a paged list's neighbouring pages: the same address and
// query with another page number; empty where there is no such page.
func pager(r *http.Request, page int, more bool) (prev, next string) {
	link := func(page int) string {
		v := r.URL.Query()
		v.Set("page", strconv.Itoa(page))
		return r.URL.Path + "?" + v.Encode()
	}
	if page > 1 {
		prev = link(page - 1)
	}
	if more {
		next = link(page + 1)
	}
	return prev, next
}

// pageNumber reads the ?page= of a paged list: 1 when absent, EINVALID
// unless a whole number from 1.
func pageNumber(r *http.Request) (int, error) {
	v := r.URL.Query().Get("page")
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 100000 {
		return 0, app.Errorf(app.EINVALID, "The page number must be a whole number from 1.")
	}
	return n, nil
}
