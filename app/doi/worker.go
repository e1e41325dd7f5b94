package doi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"carrel/app"
)

// Outbox is the catalog's queue of DOI registrations.
type Outbox interface {
	// DueDOIRegistrations lists unsent registrations due by now, oldest
	// first, at most one per DOI.
	DueDOIRegistrations(ctx context.Context, now time.Time, limit int) ([]app.DOIRegistration, error)
	// DOISent marks a registration delivered, the agency now holding the
	// DOI in state.
	DOISent(ctx context.Context, id int64, doi, state string) error
	// DOIFailed records a failed attempt and when to try again.
	DOIFailed(ctx context.Context, id int64, reason string, next time.Time) error
	// DOIState is the state the agency holds a DOI in, "" if none.
	DOIState(ctx context.Context, doi string) (string, error)
}

// Payload is what DataCite is told about a published DOI.
type Payload struct {
	URL string // the landing page the DOI resolves to
	XML []byte // DataCite XML 4.6, its identifier the DOI
}

// Payloads builds the payload of a registration from the catalog's current
// state; ENOTFOUND when the item or version is gone.
type Payloads interface {
	Payload(ctx context.Context, r app.DOIRegistration) (Payload, error)
}

// Worker delivers the outbox to DataCite.
type Worker struct {
	client  *Client
	out     Outbox
	pay     Payloads
	log     *slog.Logger
	wake    chan struct{}
	mu      sync.Mutex // one delivery at a time, so no row is sent twice at once
	Now     func() time.Time
	Backoff time.Duration // after the first failure; doubles each time
	MaxWait time.Duration // the longest wait between attempts
}

// NewWorker returns a worker with back-off from 30 seconds up to 6 hours.
func NewWorker(c *Client, out Outbox, pay Payloads, log *slog.Logger) *Worker {
	return &Worker{client: c, out: out, pay: pay, log: log, wake: make(chan struct{}, 1), Now: time.Now,
		Backoff: 30 * time.Second, MaxWait: 6 * time.Hour}
}

// Wake asks the worker to look at the outbox now (after a publish).
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run delivers due registrations until ctx ends: whenever woken, and every
// poll interval for retries that have come due.
func (w *Worker) Run(ctx context.Context, poll time.Duration) {
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		var r app.JobReport
		if err := w.Deliver(ctx, &r); err != nil && ctx.Err() == nil {
			w.log.Warn("doi outbox", "err", err, "problems", len(r.Problems))
		}
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
		case <-t.C:
		}
	}
}

// Deliver sends every due registration once; it is the doi-outbox job.
// Registrations that fail are rescheduled with back-off and reported.
func (w *Worker) Deliver(ctx context.Context, r *app.JobReport) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	for ctx.Err() == nil {
		due, err := w.out.DueDOIRegistrations(ctx, w.Now(), 100)
		if err != nil {
			return err
		}
		if len(due) == 0 {
			break
		}
		failed := 0
		for _, reg := range due {
			if err := w.deliver(ctx, reg); err != nil {
				failed++
				r.Add("failed", 1)
				r.Problem("%s (%s): %v", reg.DOI, reg.Event, err)
				next := w.Now().Add(w.wait(reg.Attempts))
				w.log.Warn("DataCite registration failed; will retry", "doi", reg.DOI, "event", reg.Event,
					"attempt", reg.Attempts+1, "retry_at", next.UTC().Format(time.RFC3339), "err", err)
				if err := w.out.DOIFailed(ctx, reg.ID, err.Error(), next); err != nil {
					return err
				}
				continue
			}
			r.Add("sent", 1)
		}
		if failed == len(due) {
			break // everything due failed and is rescheduled; stop for now
		}
	}
	if len(r.Problems) > 0 {
		return fmt.Errorf("%d DOI registrations failed and will be retried", len(r.Problems))
	}
	return ctx.Err()
}

// wait is how long to wait after the given number of earlier attempts.
func (w *Worker) wait(attempts int) time.Duration {
	d := w.Backoff
	for i := 0; i < attempts && d < w.MaxWait; i++ {
		d *= 2
	}
	return min(d, w.MaxWait)
}

// deliver sends one registration and records it as sent.
func (w *Worker) deliver(ctx context.Context, reg app.DOIRegistration) error {
	state, err := w.out.DOIState(ctx, reg.DOI)
	if err != nil {
		return err
	}
	a := Attributes{DOI: reg.DOI}
	newState := "draft"
	switch reg.Event {
	case app.DOIDraft:
		if state != "" { // already at DataCite (draft or beyond): nothing to do
			return w.out.DOISent(ctx, reg.ID, reg.DOI, state)
		}
		err = w.client.Create(ctx, a)
		var e *Error
		if errors.As(err, &e) && e.taken() {
			err = nil
		}
	case app.DOIPublish:
		p, perr := w.pay.Payload(ctx, reg)
		if perr != nil {
			return perr
		}
		a.Event, a.URL, a.XML, newState = "publish", p.URL, p.XML, "findable"
		err = w.client.Put(ctx, a, state != "")
	case app.DOIHide:
		if state == "" || state == "draft" { // nothing public at DataCite to hide
			return w.out.DOISent(ctx, reg.ID, reg.DOI, state)
		}
		a.Event, newState = "hide", "registered"
		err = w.client.Update(ctx, a)
	default:
		return fmt.Errorf("unknown event %q", reg.Event)
	}
	if err != nil {
		return err
	}
	w.log.Info("DataCite registration sent", "doi", reg.DOI, "event", reg.Event, "state", newState)
	return w.out.DOISent(ctx, reg.ID, reg.DOI, newState)
}
