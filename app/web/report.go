package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"carrel/app"
)

// counterMetrics maps the counted kinds to COUNTER R5 metric types: views
// and downloads together are investigations, downloads are requests.
var counterMetrics = []struct {
	kind, metric string
	unique       bool
}{
	{"investigation", "Total_Item_Investigations", false},
	{"investigation", "Unique_Item_Investigations", true},
	{"download", "Total_Item_Requests", false},
	{"download", "Unique_Item_Requests", true},
}

// handleCounterReport sends a COUNTER R5-style Item Report as CSV: a
// header block, then one row per item and metric with a column per month.
// Only reporters with institution-wide reach (and administrators) get it.
func (s *Server) handleCounterReport(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Usage == nil || !actor(r.Context()).HasRole(app.RoleReporter, 0) {
		s.fail(w, r, app.Errorf(app.ENOTFOUND, "There is no page at this address."))
		return
	}
	begin, end, err := reportPeriod(r, time.Now().UTC())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	last := end.AddDate(0, 1, -1)
	rows, err := s.cfg.Usage.UsageReport(r.Context(), begin, last)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var months []string
	for m := begin; !m.After(end); m = m.AddDate(0, 1, 0) {
		months = append(months, m.Format("2006-01"))
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="counter-ir-%s-%s.csv"`, months[0], months[len(months)-1]))
	cw := csv.NewWriter(w)
	for _, rec := range [][]string{
		{"Report_Name", "Item Report"}, {"Report_ID", "IR"}, {"Release", "5"},
		{"Institution_Name", s.cfg.Publisher}, {"Institution_ID", ""},
		{"Metric_Types", "Total_Item_Investigations; Unique_Item_Investigations; Total_Item_Requests; Unique_Item_Requests"},
		{"Report_Filters", ""}, {"Report_Attributes", ""}, {"Exceptions", ""},
		{"Reporting_Period", "Begin_Date=" + begin.Format(time.DateOnly) + "; End_Date=" + last.Format(time.DateOnly)},
		{"Created", time.Now().UTC().Format(time.RFC3339)}, {"Created_By", s.cfg.SiteName}, {},
	} {
		cw.Write(rec)
	}
	head := []string{"Item", "Publisher", "Platform", "DOI", "Proprietary_ID", "URI", "Metric_Type", "Reporting_Period_Total"}
	for _, m := range months {
		t, _ := time.Parse("2006-01", m)
		head = append(head, t.Format("Jan-2006"))
	}
	cw.Write(head)
	base := s.baseURL(r)
	for start := 0; start < len(rows); {
		end := start
		for end < len(rows) && rows[end].ItemID == rows[start].ItemID {
			end++
		}
		item := rows[start:end]
		for _, m := range counterMetrics {
			counts := map[string]int64{}
			var total int64
			for _, row := range item {
				if row.Kind == m.kind {
					n := row.Total
					if m.unique {
						n = row.Unique
					}
					counts[row.Month] += n
					total += n
				}
			}
			if total == 0 {
				continue
			}
			rec := []string{app.SpreadsheetCell(item[0].Title), app.SpreadsheetCell(s.cfg.Publisher), app.SpreadsheetCell(s.cfg.SiteName), app.SpreadsheetCell(item[0].DOI),
				"carrel:" + strconv.FormatInt(item[0].ItemID, 10), base + itemURL(item[0].Title, item[0].ItemID, 0),
				m.metric, strconv.FormatInt(total, 10)}
			for _, mo := range months {
				rec = append(rec, strconv.FormatInt(counts[mo], 10))
			}
			cw.Write(rec)
		}
		start = end
	}
	cw.Flush()
}

// reportPeriod reads ?begin=YYYY-MM&end=YYYY-MM (first months of the
// period); the default is the twelve months up to this one.
func reportPeriod(r *http.Request, now time.Time) (begin, end time.Time, err error) {
	end = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	begin = end.AddDate(0, -11, 0)
	for name, dst := range map[string]*time.Time{"begin": &begin, "end": &end} {
		if v := r.URL.Query().Get(name); v != "" {
			t, err := time.Parse("2006-01", v)
			if err != nil {
				return begin, end, app.Errorf(app.EINVALID, "%s %q is not a month (YYYY-MM)", name, v)
			}
			*dst = t
		}
	}
	if end.Before(begin) {
		return begin, end, app.Errorf(app.EUNPROCESSABLE, "end %s is before begin %s", end.Format("2006-01"), begin.Format("2006-01"))
	}
	if end.AddDate(-10, 0, 0).After(begin) {
		return begin, end, app.Errorf(app.EUNPROCESSABLE, "a report covers at most ten years")
	}
	return begin, end, nil
}
