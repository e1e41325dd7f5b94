package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"carrel/app"
)

// ReportCatalog is what the account report operations need.
type ReportCatalog interface {
	AddAccountReport(ctx context.Context, r *app.AccountReport) error
	AccountReports(ctx context.Context, accountID, groupID int64) ([]app.AccountReport, error)
	// AccountReport is one report; ENOTFOUND if none.
	AccountReport(ctx context.Context, id int64) (app.AccountReport, error)
}

func (s *Server) reportRoutes() {
	s.handle("GET /v2/account/articles/export", s.authed(s.handleAccountReports))
	s.handle("POST /v2/account/articles/export", s.authed(s.handleAccountReportCreate))
	// Where download_url points (a Carrel path; Figshare's is a storage URL).
	s.handle("GET /v2/account/reports/{rid}/download", s.authed(s.handleAccountReportDownload))
}

// accountReportJSON is Figshare's AccountReport.
type accountReportJSON struct {
	ID          int64  `json:"id"`
	AccountID   int64  `json:"account_id"`
	CreatedDate string `json:"created_date"`
	Status      string `json:"status"`
	DownloadURL string `json:"download_url"`
	GroupID     int64  `json:"group_id"`
}

func (s *Server) accountReportOf(r *http.Request, rep app.AccountReport) accountReportJSON {
	return accountReportJSON{ID: rep.ID, AccountID: rep.AccountID, CreatedDate: stamp(rep.Created), Status: rep.Status,
		DownloadURL: fmt.Sprintf("%s/v2/account/reports/%d/download", s.base(r), rep.ID), GroupID: rep.GroupID}
}

// handleAccountReports lists the caller's reports, newest first, optionally
// those limited to group_id.
func (s *Server) handleAccountReports(w http.ResponseWriter, r *http.Request) {
	group, err := queryInt(r, "group_id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := s.cat.AccountReports(r.Context(), actor(r.Context()).AccountID, group)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]accountReportJSON, 0, len(list))
	for _, rep := range list {
		out = append(out, s.accountReportOf(r, rep))
	}
	s.writeJSON(w, http.StatusOK, out)
}

// handleAccountReportCreate writes a CSV of the caller's items (limited to
// the group_id query parameter, a Carrel extension, when given) to the
// blob store and records it; the report is done when this answers. One a
// day, as Figshare allows: sooner is 429.
func (s *Server) handleAccountReportCreate(w http.ResponseWriter, r *http.Request) {
	me := actor(r.Context()).AccountID
	group, err := queryInt(r, "group_id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	prev, err := s.cat.AccountReports(r.Context(), me, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(prev) > 0 && time.Since(prev[0].Created) < app.AccountReportInterval {
		next := prev[0].Created.Add(app.AccountReportInterval)
		w.Header().Set("Retry-After", strconv.Itoa(int(time.Until(next).Seconds())+1))
		s.writeJSON(w, http.StatusTooManyRequests, errorBody{Code: "TooManyRequests",
			Message: fmt.Sprintf("one report a day: the last one (id %d) is listed by GET /v2/account/articles/export; ask again after %s", prev[0].ID, stamp(next))})
		return
	}
	body, err := s.itemReport(r, me, group)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rep := app.AccountReport{AccountID: me, GroupID: group, Status: "done", Size: int64(len(body)),
		StorageKey: fmt.Sprintf("reports/account-%d-%s.csv", me, newLinkToken())}
	if err := s.blobs.Put(r.Context(), rep.StorageKey, bytes.NewReader(body), rep.Size); err != nil {
		s.fail(w, r, app.Internal(err, "store report"))
		return
	}
	if err := s.cat.AddAccountReport(r.Context(), &rep); err != nil {
		s.blobs.Delete(context.WithoutCancel(r.Context()), rep.StorageKey)
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, s.accountReportOf(r, rep))
}

// itemReport is the CSV of an account's items (and their drafts), a row an
// item, oldest first.
func (s *Server) itemReport(r *http.Request, accountID, groupID int64) ([]byte, error) {
	v, err := s.vocab(r.Context())
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	cw.Write([]string{"id", "title", "status", "version", "item_type", "group_id", "doi", "handle", "created_date",
		"modified_date", "published_date", "embargo_type", "is_confidential", "url"})
	f := app.ItemFilter{AccountID: accountID, GroupID: groupID, Order: "created_date", Limit: maxPageSize}
	for {
		rows, err := s.cat.ListItems(r.Context(), f)
		if err != nil {
			return nil, err
		}
		for _, l := range rows {
			it, md := l.Item, &l.Item.Draft
			published := ""
			if !it.Published.IsZero() {
				published = stamp(it.Published)
			}
			cw.Write([]string{strconv.FormatInt(it.ID, 10), app.SpreadsheetCell(md.Title), string(it.Status), strconv.Itoa(it.Version),
				v.types[md.ItemType].StringID, strconv.FormatInt(it.GroupID, 10), app.SpreadsheetCell(md.DOI), app.SpreadsheetCell(md.Handle),
				stamp(it.Created), stamp(it.Modified), published, string(it.Embargo.Type),
				strconv.FormatBool(it.Confidentiality.Confidential), s.base(r) + app.LandingPath(md.Title, it.ID)})
		}
		if len(rows) < f.Limit {
			break
		}
		f.After = &rows[len(rows)-1].Position
	}
	cw.Flush()
	return buf.Bytes(), cw.Error()
}

// handleAccountReportDownload sends a report's CSV to the account that
// asked for it; everyone else is told it does not exist.
func (s *Server) handleAccountReportDownload(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "rid")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rep, err := s.cat.AccountReport(r.Context(), id)
	if err == nil && rep.AccountID != actor(r.Context()).AccountID {
		err = app.Errorf(app.ENOTFOUND, "report %d not found", id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	blob, _, err := s.blobs.Open(r.Context(), rep.StorageKey)
	if err != nil {
		s.fail(w, r, app.Internal(err, "open report"))
		return
	}
	defer blob.Close()
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", contentDisposition("attachment", fmt.Sprintf("carrel-items-%d.csv", rep.ID)))
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, "", rep.Created, blob)
}
