package web

import (
	"context"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"carrel/app"
)

// ReportCatalog streams the administrators' reports.
type ReportCatalog interface {
	ReportItems(ctx context.Context, f app.ReportFilter, fn func(*app.ReportItem) error) error
	ReportAccounts(ctx context.Context, f app.ReportFilter, fn func(*app.ReportAccount) error) error
}

// reportsPage is the data of /admin/reports.
type reportsPage struct {
	Groups []app.GroupUsage
	Error  string
}

func (s *Server) handleAdminReports(w http.ResponseWriter, r *http.Request) {
	groups, err := s.cat.GroupUsages(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_reports", view{Title: "Reports", Page: reportsPage{Groups: groups}})
}

// reportFilter reads a report's filters: EINVALID for a bad status, an
// unknown group or a malformed date.
func (s *Server) reportFilter(r *http.Request, statuses ...string) (app.ReportFilter, error) {
	q := r.URL.Query()
	f := app.ReportFilter{Status: q.Get("status")}
	if f.Status != "" && !contains(statuses, f.Status) {
		return f, app.Errorf(app.EINVALID, "The status must be one of %s.", strings.Join(statuses, ", "))
	}
	var err error
	if f.GroupID, err = formInt(q.Get("group"), "group"); err != nil {
		return f, err
	}
	if f.GroupID != 0 {
		if _, err := s.cat.Group(r.Context(), f.GroupID); err != nil {
			return f, app.Errorf(app.EINVALID, "There is no group %d.", f.GroupID)
		}
	}
	f.Since, f.Until, err = dateRange(q.Get("from"), q.Get("to"))
	return f, err
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// csvReport streams a CSV download, flushing as it goes. Once the first
// row is written an error can only cut the download short; it is logged.
func (s *Server) csvReport(w http.ResponseWriter, r *http.Request, name string, header []string, rows func(write func(...string) error) error) {
	cw := csv.NewWriter(w)
	started := false
	n := 0
	start := func() error {
		started = true
		h := w.Header()
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
		return cw.Write(header)
	}
	write := func(cells ...string) error {
		if !started {
			if err := start(); err != nil {
				return err
			}
		}
		for i, c := range cells {
			cells[i] = app.SpreadsheetCell(c)
		}
		if err := cw.Write(cells); err != nil {
			return err
		}
		if n++; n%500 == 0 {
			cw.Flush()
			if err := cw.Error(); err != nil {
				return err
			}
			http.NewResponseController(w).Flush()
		}
		return nil
	}
	err := rows(write)
	if err == nil && !started {
		err = start()
	}
	if err != nil {
		if !started {
			s.fail(w, r, err)
			return
		}
		s.log.Error("report cut short", "req", requestID(r.Context()), "report", name, "err", err)
		return
	}
	cw.Flush()
}

func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func (s *Server) handleReportItems(w http.ResponseWriter, r *http.Request) {
	f, err := s.reportFilter(r, string(app.StatusDraft), string(app.StatusPending), string(app.StatusPublished), string(app.StatusWithdrawn))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	header := []string{"id", "title", "status", "group_id", "group", "owner", "version", "doi", "files", "bytes",
		"created", "modified", "published", "withdrawal_reason"}
	s.csvReport(w, r, "items.csv", header, func(write func(...string) error) error {
		return s.cat.ReportItems(r.Context(), f, func(it *app.ReportItem) error {
			return write(strconv.FormatInt(it.ID, 10), it.Title, it.Status, strconv.FormatInt(it.GroupID, 10), it.Group, it.Owner,
				strconv.Itoa(it.Version), it.DOI, strconv.FormatInt(it.Files, 10), strconv.FormatInt(it.Bytes, 10),
				csvTime(it.Created), csvTime(it.Modified), csvTime(it.Published), it.WithdrawReason)
		})
	})
}

func (s *Server) handleReportAccounts(w http.ResponseWriter, r *http.Request) {
	f, err := s.reportFilter(r, "active", "inactive")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	header := []string{"id", "email", "first_name", "last_name", "orcid", "active", "administrator", "group_id", "group",
		"quota", "items", "bytes", "created"}
	s.csvReport(w, r, "accounts.csv", header, func(write func(...string) error) error {
		return s.cat.ReportAccounts(r.Context(), f, func(a *app.ReportAccount) error {
			return write(strconv.FormatInt(a.ID, 10), a.Email, a.FirstName, a.LastName, a.ORCID, strconv.FormatBool(a.Active),
				strconv.FormatBool(a.Admin), strconv.FormatInt(a.GroupID, 10), a.Group, strconv.FormatInt(a.Quota, 10),
				strconv.FormatInt(a.Items, 10), strconv.FormatInt(a.Bytes, 10), csvTime(a.Created))
		})
	})
}
