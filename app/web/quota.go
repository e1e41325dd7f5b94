package web

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"strings"

	"carrel/app"
)

// QuotaCatalog is what the storage pages (the depositor's and the
// administrators') need of the catalog.
type QuotaCatalog interface {
	AccountUsage(ctx context.Context, accountID int64) (total, public int64, err error)
	// RequestQuota records a request for more storage; EUNPROCESSABLE if
	// it cannot be made, ECONFLICT if one is already waiting.
	RequestQuota(ctx context.Context, q *app.QuotaRequest, defaultQuota int64, who app.AuditEntry) error
	// DecideQuotaRequest approves (setting the quota) or declines a
	// request; ECONFLICT if it was already decided.
	DecideQuotaRequest(ctx context.Context, id int64, d app.QuotaDecision, who app.AuditEntry) (*app.QuotaRequest, error)
	QuotaRequest(ctx context.Context, id int64) (*app.QuotaRequest, error)
	QuotaRequests(ctx context.Context, f app.QuotaRequestFilter) ([]app.QuotaRequest, error)
	DecidedQuotaRequests(ctx context.Context, limit int) ([]app.QuotaRequest, error)
}

// storageView is the depositor's storage on /account: what is used
// against the quota, the request waiting, past decisions, and the form
// to ask for more.
type storageView struct {
	Used    int64
	Quota   int64 // 0 = no limit
	Default bool  // the quota is the configured default, not the account's own
	Percent int64 // of the quota used, 0 to 100, for the meter
	Pending *app.QuotaRequest
	Past    []app.QuotaRequest
	Sent    bool // a request was just sent
	Form    quotaForm
	Units   []string
}

// quotaForm is what the depositor typed into "Request more storage",
// kept when it is shown again with its errors.
type quotaForm struct {
	Amount, Unit, Reason string
	Errors               map[string]string // by field: amount, reason
	Error                string            // not about one field
	MaxReason            int
}

// effectiveQuota is the quota in force for an account: its own, or the
// configured default; 0 means no limit.
func (s *Server) effectiveQuota(a *app.Account) (quota int64, isDefault bool) {
	if a.Quota > 0 {
		return a.Quota, false
	}
	return s.cfg.DefaultQuota, true
}

// storageOf gathers an account's storage for its workspace page.
func (s *Server) storageOf(ctx context.Context, a *app.Account, f quotaForm) (storageView, error) {
	v := storageView{Form: f, Units: []string{"MB", "GB", "TB"}}
	v.Form.MaxReason = app.QuotaReasonMaxLength
	var err error
	if v.Used, _, err = s.cat.AccountUsage(ctx, a.ID); err != nil {
		return v, err
	}
	v.Quota, v.Default = s.effectiveQuota(a)
	if v.Quota > 0 {
		v.Percent = min(100, v.Used*100/v.Quota)
	}
	list, err := s.cat.QuotaRequests(ctx, app.QuotaRequestFilter{AccountID: a.ID, Limit: 6})
	if err != nil {
		return v, err
	}
	for i := range list {
		if list[i].Status == app.QuotaPending {
			v.Pending = &list[i]
		} else {
			v.Past = append(v.Past, list[i])
		}
	}
	if len(v.Past) > 5 {
		v.Past = v.Past[:5]
	}
	return v, nil
}

// handleQuotaRequest sends the signed-in depositor's request for more
// storage. Bad input shows the workspace again with what was typed and
// why it was refused; nothing is saved.
func (s *Server) handleQuotaRequest(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	acct := account(r.Context())
	f := quotaForm{Amount: strings.TrimSpace(r.PostFormValue("amount")), Unit: r.PostFormValue("unit"), Reason: r.PostFormValue("reason"),
		Errors: map[string]string{}}
	current, _ := s.effectiveQuota(acct)
	q := app.QuotaRequest{AccountID: acct.ID, Reason: f.Reason}
	var err error
	if q.Requested, err = quotaAmount(f.Amount, f.Unit); err == nil {
		err = q.ValidateAmount(current)
	}
	if err != nil {
		f.Errors["amount"] = app.ErrorMessage(err)
	}
	if err := q.ValidateReason(); err != nil {
		f.Errors["reason"] = app.ErrorMessage(err)
	}
	if current == 0 { // no form is shown: there is nothing to ask for
		f.Errors, err = nil, q.ValidateAmount(current)
	} else if waiting, werr := s.cat.QuotaRequests(r.Context(), app.QuotaRequestFilter{AccountID: acct.ID, Status: app.QuotaPending, Limit: 1}); werr != nil {
		s.fail(w, r, werr)
		return
	} else if len(waiting) > 0 { // nor while a request waits
		f.Errors, err = nil, app.ErrQuotaPending()
	}
	if len(f.Errors) == 0 && err == nil {
		err = s.cat.RequestQuota(r.Context(), &q, s.cfg.DefaultQuota, s.who(r))
		switch {
		case err == nil:
			http.Redirect(w, r, "/account?quota=sent#storage-h", http.StatusSeeOther)
			return
		case app.ErrorCode(err) == app.EINTERNAL:
			s.fail(w, r, err)
			return
		}
	}
	status := http.StatusUnprocessableEntity
	if len(f.Errors) == 0 {
		f.Error, status = app.ErrorMessage(err), statusOf[app.ErrorCode(err)]
	}
	s.renderAccount(w, r, status, f)
}

// quotaAmount reads the storage asked for: a positive number in a unit of
// the form (MB, GB or TB).
func quotaAmount(amount, unit string) (int64, error) {
	mult := unitBytes(unit)
	if unit != "MB" && unit != "GB" && unit != "TB" {
		return 0, app.Errorf(app.EUNPROCESSABLE, "Choose the unit from the list.")
	}
	n, err := strconv.ParseFloat(amount, 64)
	switch {
	case amount == "":
		return 0, app.Errorf(app.EUNPROCESSABLE, "Enter the total storage you need, such as 50 GB.")
	case err != nil || math.IsNaN(n) || math.IsInf(n, 0):
		return 0, app.Errorf(app.EUNPROCESSABLE, "%q is not a number; enter the total storage you need, such as 50.", amount)
	case n <= 0:
		return 0, app.Errorf(app.EUNPROCESSABLE, "Enter the storage you need as a number greater than zero.")
	case n*float64(mult) > float64(app.MaxQuota):
		return app.MaxQuota + 1, nil // refused with the request's own message
	}
	return int64(math.Round(n * float64(mult))), nil
}
