// Package notify tells people by email what happened to their work: a
// submission to its reviewers, an approval, a decline or a new message to
// the other side of a review, an embargo about to lift to its depositor, a
// request for more storage to the administrators and their decision to
// the requester.
//
// Notifications come from the audit log, which already records every such
// event: each run of the notify job turns the entries after its cursor into
// mail in the catalog's outbox (moving the cursor in the same
// transaction), then sends what is due over SMTP. A message that cannot be
// sent stays in the outbox and is retried with back-off, so an SMTP outage
// loses nothing.
package notify

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"text/template"
	"time"

	"carrel/app"
)

// Store is what notifications need of the catalog.
type Store interface {
	MailCursor(ctx context.Context) (int64, error)
	AuditAfter(ctx context.Context, after int64, limit int) ([]app.AuditEntry, error)
	// EnqueueMail writes mail and moves the cursor from one audit entry to
	// another; ECONFLICT if another run moved it first.
	EnqueueMail(ctx context.Context, mails []app.Mail, from, to int64) error
	DueMail(ctx context.Context, now time.Time, limit int) ([]app.Mail, error)
	MailSent(ctx context.Context, id int64) error
	MailFailed(ctx context.Context, id int64, reason string, next time.Time) error

	Review(ctx context.Context, id int64) (*app.Review, error)
	Item(ctx context.Context, id int64) (*app.Item, error)
	Account(ctx context.Context, id int64) (*app.Account, error)
	Reviewers(ctx context.Context, groupID int64) ([]app.Account, error)
	ReviewComments(ctx context.Context, id int64, offset, limit int) ([]app.ReviewComment, error)
	EmbargoesEnding(ctx context.Context, before time.Time) ([]app.Item, error)
	EmbargoReminded(ctx context.Context, itemID int64, until time.Time) error
	QuotaRequest(ctx context.Context, id int64) (*app.QuotaRequest, error)
	Administrators(ctx context.Context) ([]app.Account, error)
}

// Sender delivers one message; an error means it was not accepted.
type Sender interface {
	Send(ctx context.Context, to, subject, body string) error
}

// Config is the part of Carrel's configuration notifications use.
type Config struct {
	SiteName      string
	BaseURL       string        // links in messages point here
	EmbargoNotice time.Duration // how long before an embargo lifts its depositor is told
	RetryBase     time.Duration // first wait after a failed send; doubles up to an hour
}

// Notifier turns events into mail and sends it.
type Notifier struct {
	cfg   Config
	store Store
	send  Sender
	tmpl  map[string]*template.Template
	log   *slog.Logger
	now   func() time.Time
}

// New parses the mail templates (one file per event in fsys, first line
// "Subject: ...").
func New(cfg Config, store Store, send Sender, fsys fs.FS, log *slog.Logger) (*Notifier, error) {
	if cfg.RetryBase <= 0 {
		cfg.RetryBase = time.Minute
	}
	n := &Notifier{cfg: cfg, store: store, send: send, tmpl: map[string]*template.Template{}, log: log, now: time.Now}
	names, err := fs.Glob(fsys, "*.txt")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		t, err := template.ParseFS(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("mail template %s: %w", name, err)
		}
		n.tmpl[strings.TrimSuffix(name, ".txt")] = t
	}
	for _, need := range []string{"review_submitted", "review_approved", "review_declined", "review_comment", "embargo_ending",
		"quota_request", "quota_approved", "quota_declined"} {
		if n.tmpl[need] == nil {
			return nil, fmt.Errorf("mail template %s.txt is missing", need)
		}
	}
	return n, nil
}

// Run is the notify job: new events become mail in the outbox, then the
// due mail is sent. A message the SMTP server refuses is a problem of the
// run and is tried again later.
func (n *Notifier) Run(ctx context.Context, r *app.JobReport) error {
	if err := n.collect(ctx, r); err != nil {
		return err
	}
	if err := n.remindEmbargoes(ctx, r); err != nil {
		return err
	}
	due, err := n.store.DueMail(ctx, n.now(), 500)
	if err != nil {
		return err
	}
	for _, m := range due {
		if err := n.send.Send(ctx, m.To, m.Subject, m.Body); err != nil {
			wait := n.cfg.RetryBase << min(m.Attempts, 10)
			if wait > time.Hour {
				wait = time.Hour
			}
			if ferr := n.store.MailFailed(ctx, m.ID, err.Error(), n.now().Add(wait)); ferr != nil {
				return ferr
			}
			r.Add("mail_failed", 1)
			r.Problem("mail %d to %s: %v (next try in %s)", m.ID, m.To, err, wait)
			continue
		}
		if err := n.store.MailSent(ctx, m.ID); err != nil {
			return err
		}
		r.Add("mail_sent", 1)
	}
	return nil
}

// collect turns audit entries after the cursor into mail, a batch at a
// time, each batch enqueued together with the cursor's move.
func (n *Notifier) collect(ctx context.Context, r *app.JobReport) error {
	cursor, err := n.store.MailCursor(ctx)
	if err != nil {
		return err
	}
	for {
		entries, err := n.store.AuditAfter(ctx, cursor, 200)
		if err != nil || len(entries) == 0 {
			return err
		}
		var mails []app.Mail
		from := cursor
		for _, e := range entries {
			ms, err := n.mailsFor(ctx, e)
			if err != nil {
				return err
			}
			mails = append(mails, ms...)
			cursor = e.ID
		}
		if err := n.store.EnqueueMail(ctx, mails, from, cursor); err != nil {
			return err
		}
		r.Add("mail_queued", int64(len(mails)))
	}
}

// render fills an event's template for one recipient.
func (n *Notifier) render(event string, to app.Account, data map[string]any) (app.Mail, error) {
	data["Site"], data["BaseURL"], data["To"] = n.cfg.SiteName, strings.TrimRight(n.cfg.BaseURL, "/"), to
	var b bytes.Buffer
	if err := n.tmpl[event].Execute(&b, data); err != nil {
		return app.Mail{}, fmt.Errorf("mail template %s: %w", event, err)
	}
	first, body, _ := strings.Cut(b.String(), "\n")
	subject := strings.TrimSpace(strings.TrimPrefix(first, "Subject:"))
	return app.Mail{Event: event, To: to.Email, Subject: subject, Body: strings.TrimLeft(body, "\n")}, nil
}
