package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"carrel/app"
)

// quotaRow is a quota request as the administrators see it, with the
// requester and their storage now.
type quotaRow struct {
	app.QuotaRequest
	Person    *app.Account
	Used      int64
	Quota     int64 // in force now; 0 = no limit
	Default   bool  // the quota is the configured default
	Age       string
	DecidedBy string
	Offer     string // the amount pre-filled in the approval form
}

// quotaPage is the data of /admin/quota-requests.
type quotaPage struct {
	Pending, Decided []quotaRow
	Done             string // "approved" or "declined" after a decision
	// Failed is the request whose decision was refused, with why and
	// what was typed.
	Failed                int64
	Error                 string
	Quota, Note, Decision string
	MaxNote               int
}

const decidedShown = 20

// handleAdminQuotaRequests lists the requests waiting, oldest first, and
// the latest decisions.
func (s *Server) handleAdminQuotaRequests(w http.ResponseWriter, r *http.Request) {
	p := quotaPage{Done: r.URL.Query().Get("done")}
	if p.Done != "approved" && p.Done != "declined" {
		p.Done = ""
	}
	s.renderQuotaRequests(w, r, http.StatusOK, p)
}

func (s *Server) renderQuotaRequests(w http.ResponseWriter, r *http.Request, status int, p quotaPage) {
	ctx := r.Context()
	p.MaxNote = app.QuotaReasonMaxLength
	pending, err := s.cat.QuotaRequests(ctx, app.QuotaRequestFilter{Status: app.QuotaPending, Limit: 1000})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	decided, err := s.cat.DecidedQuotaRequests(ctx, decidedShown)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, list := range []struct {
		in  []app.QuotaRequest
		out *[]quotaRow
	}{{pending, &p.Pending}, {decided, &p.Decided}} {
		for _, q := range list.in {
			row, err := s.quotaRow(r, q)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			*list.out = append(*list.out, row)
		}
	}
	s.render(w, r, status, "admin_quota", view{Title: "Quota requests", Page: p})
}

func (s *Server) quotaRow(r *http.Request, q app.QuotaRequest) (quotaRow, error) {
	row := quotaRow{QuotaRequest: q, Age: age(time.Since(q.Created)), Offer: bytesInput(q.Requested)}
	var err error
	if row.Person, err = s.cat.Account(r.Context(), q.AccountID); err != nil {
		return row, err
	}
	if row.Used, _, err = s.cat.AccountUsage(r.Context(), q.AccountID); err != nil {
		return row, err
	}
	row.Quota, row.Default = s.effectiveQuota(row.Person)
	if q.DecidedBy != 0 {
		row.DecidedBy = "account " + strconv.FormatInt(q.DecidedBy, 10)
		if a, err := s.cat.Account(r.Context(), q.DecidedBy); err == nil {
			row.DecidedBy = a.Email
		}
	}
	return row, nil
}

// bytesInput writes a size as the approval form's field takes it back:
// "50 GB" when it is a whole number of a unit, else bytes.
func bytesInput(n int64) string {
	for _, u := range []string{"PB", "TB", "GB", "MB"} {
		if m := unitBytes(u); n >= m && n%m == 0 {
			return strconv.FormatInt(n/m, 10) + " " + u
		}
	}
	return strconv.FormatInt(n, 10)
}

// handleAdminQuotaDecide approves a request (with the amount requested,
// or another) or declines it with a reason. A refused decision shows the
// list again with why, keeping what was typed.
func (s *Server) handleAdminQuotaDecide(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(w, r, app.Errorf(app.ENOTFOUND, "There is no quota request at this address."))
		return
	}
	if _, err := s.cat.QuotaRequest(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	p := quotaPage{Failed: id, Quota: strings.TrimSpace(r.PostFormValue("quota")), Note: r.PostFormValue("note")}
	d := app.QuotaDecision{Note: p.Note}
	switch r.PostFormValue("decision") {
	case "approve":
		d.Approve = true
		if d.Quota, err = parseBytes(p.Quota); err != nil {
			err = app.Errorf(app.EUNPROCESSABLE, "The quota to grant is a size such as 50 GB, or empty for the amount requested.")
		}
	case "decline":
	default:
		err = app.Errorf(app.EINVALID, "Choose to approve or decline the request.")
	}
	if err == nil {
		_, err = s.cat.DecideQuotaRequest(r.Context(), id, d, s.who(r))
	}
	switch {
	case err == nil:
		done := "declined"
		if d.Approve {
			done = "approved"
		}
		http.Redirect(w, r, "/admin/quota-requests?done="+done, http.StatusSeeOther)
	case app.ErrorCode(err) == app.EINTERNAL:
		s.fail(w, r, err)
	default:
		p.Error, p.Decision = app.ErrorMessage(err), r.PostFormValue("decision")
		s.renderQuotaRequests(w, r, statusOf[app.ErrorCode(err)], p)
	}
}
