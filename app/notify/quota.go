package notify

import (
	"context"
	"fmt"
	"strings"

	"carrel/app"
)

// quotaMails tells the administrators of a new request for more storage,
// and the requester of the decision.
func (n *Notifier) quotaMails(ctx context.Context, e app.AuditEntry) ([]app.Mail, error) {
	var id int64
	if _, err := fmt.Sscanf(e.Detail, "request %d", &id); err != nil {
		return nil, nil
	}
	q, err := n.store.QuotaRequest(ctx, id)
	if app.ErrorCode(err) == app.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	requester, err := n.store.Account(ctx, q.AccountID)
	if err != nil {
		return nil, err
	}
	actorID := doer(e)
	base := strings.TrimRight(n.cfg.BaseURL, "/")
	data := func() map[string]any {
		return map[string]any{"Requester": requester.FullName(), "RequesterEmail": requester.Email, "Requested": app.FormatBytes(q.Requested),
			"Previous": app.FormatBytes(q.Previous), "Granted": app.FormatBytes(q.Granted), "Reason": q.Reason, "Note": q.Note,
			"Link": base + "/admin/quota-requests", "AccountLink": base + "/account"}
	}
	var to []app.Account
	event := ""
	switch e.Action {
	case "quota.request":
		event = "quota_request"
		if to, err = n.store.Administrators(ctx); err != nil {
			return nil, err
		}
	case "quota.approve":
		event, to = "quota_approved", []app.Account{*requester}
	case "quota.decline":
		event, to = "quota_declined", []app.Account{*requester}
	default:
		return nil, nil
	}
	var out []app.Mail
	for _, a := range to {
		if !a.Active || a.ID == actorID {
			continue // nobody is told of what they did themselves
		}
		m, err := n.render(event, a, data())
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}
