package web

import (
	"context"
	"encoding/csv"
	"fmt"
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

// report is one of the administrators' reports: a file name without its
// extension, the columns, and the rows, each cell a string, int64, bool or
// time.Time (the zero time is an empty cell). It is sent as CSV or, when
// the address ends in .xlsx, as a workbook.
type report struct {
	name    string
	columns []reportColumn
	rows    func(write func(...any) error) error
}

// reportColumn is a report's column: its header and its width in a
// spreadsheet, in characters.
type reportColumn struct {
	name  string
	width float64
}

func (s *Server) sendReport(w http.ResponseWriter, r *http.Request, rep report) {
	if strings.HasSuffix(r.URL.Path, ".xlsx") {
		s.xlsxReport(w, r, rep)
		return
	}
	s.csvReport(w, r, rep)
}

// csvReport streams a CSV download, flushing as it goes. Once the first
// row is written an error can only cut the download short; it is logged.
func (s *Server) csvReport(w http.ResponseWriter, r *http.Request, rep report) {
	cw := csv.NewWriter(w)
	started := false
	n := 0
	start := func() error {
		started = true
		h := w.Header()
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", `attachment; filename="`+rep.name+`.csv"`)
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
		header := make([]string, len(rep.columns))
		for i, c := range rep.columns {
			header[i] = c.name
		}
		return cw.Write(header)
	}
	write := func(cells ...any) error {
		if !started {
			if err := start(); err != nil {
				return err
			}
		}
		rec := make([]string, len(cells))
		for i, c := range cells {
			rec[i] = csvCell(c)
		}
		if err := cw.Write(rec); err != nil {
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
	err := rep.rows(write)
	if err == nil && !started {
		err = start()
	}
	if err != nil {
		if !started {
			s.fail(w, r, err)
			return
		}
		s.log.Error("report cut short", "req", requestID(r.Context()), "report", rep.name, "err", err)
		return
	}
	cw.Flush()
}

// csvCell writes a report cell as CSV text; text a spreadsheet would run
// as a formula starts with a quote (OWASP's advice on CSV injection).
func csvCell(v any) string {
	switch v := v.(type) {
	case int64:
		return strconv.FormatInt(v, 10)
	case bool:
		return strconv.FormatBool(v)
	case time.Time:
		if v.IsZero() {
			return ""
		}
		return v.UTC().Format(time.RFC3339)
	case string:
		return app.SpreadsheetCell(v)
	}
	return app.SpreadsheetCell(fmt.Sprint(v))
}

func (s *Server) handleReportItems(w http.ResponseWriter, r *http.Request) {
	f, err := s.reportFilter(r, string(app.StatusDraft), string(app.StatusPending), string(app.StatusPublished), string(app.StatusWithdrawn))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.sendReport(w, r, report{name: "items", columns: []reportColumn{{"id", 8}, {"title", 50}, {"status", 10}, {"group_id", 9},
		{"group", 30}, {"owner", 30}, {"version", 8}, {"doi", 28}, {"files", 8}, {"bytes", 14},
		{"created", 20}, {"modified", 20}, {"published", 20}, {"withdrawal_reason", 40}},
		rows: func(write func(...any) error) error {
			return s.cat.ReportItems(r.Context(), f, func(it *app.ReportItem) error {
				return write(it.ID, it.Title, it.Status, it.GroupID, it.Group, it.Owner, int64(it.Version), it.DOI, it.Files, it.Bytes,
					it.Created, it.Modified, it.Published, it.WithdrawReason)
			})
		}})
}

func (s *Server) handleReportAccounts(w http.ResponseWriter, r *http.Request) {
	f, err := s.reportFilter(r, "active", "inactive")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.sendReport(w, r, report{name: "accounts", columns: []reportColumn{{"id", 8}, {"email", 32}, {"first_name", 18}, {"last_name", 18},
		{"orcid", 21}, {"active", 8}, {"administrator", 13}, {"group_id", 9}, {"group", 30},
		{"quota", 14}, {"items", 8}, {"bytes", 14}, {"created", 20}},
		rows: func(write func(...any) error) error {
			return s.cat.ReportAccounts(r.Context(), f, func(a *app.ReportAccount) error {
				return write(a.ID, a.Email, a.FirstName, a.LastName, a.ORCID, a.Active, a.Admin, a.GroupID, a.Group, a.Quota,
					a.Items, a.Bytes, a.Created)
			})
		}})
}
