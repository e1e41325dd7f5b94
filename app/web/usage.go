package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"carrel/app"
	"carrel/app/auth"
)

// Recorder takes usage events and returns at once (app/stats buffers
// them). The pages record landing-page views and shares.
type Recorder interface {
	Record(ev app.UsageEvent)
}

// Usage is what the pages read of the usage counts.
type Usage interface {
	UsageTotal(ctx context.Context, q app.UsageQuery) (app.UsageCount, error)
	UsageTimeline(ctx context.Context, q app.UsageQuery, granularity string) ([]app.UsagePoint, error)
	// UsageReport gives monthly per-item counts for the COUNTER report.
	UsageReport(ctx context.Context, from, to time.Time) ([]app.UsageRow, error)
}

// itemUsage is the usage block of a landing page.
type itemUsage struct {
	Views, Downloads, Shares int64
	Chart                    *usageChart
}

// recordUse counts a view or share of a public version, unless the reader
// may see the item's draft: those who look after it (depositors checking
// their own page are not readers) and holders of a private link.
func (s *Server) recordUse(r *http.Request, kind app.UsageKind, it *app.Item, version int) {
	if s.cfg.Recorder == nil || r.Method != http.MethodGet || app.CanSeeDraft(actor(r.Context()), it) {
		return
	}
	s.cfg.Recorder.Record(app.UsageEvent{Kind: kind, ItemID: it.ID, Version: version,
		Client: app.UsageClient{Address: auth.ClientAddress(r, s.cfg.AddressHeader), UserAgent: r.UserAgent()}})
}

// usageFor reads an item's counts and builds its chart; statistics never
// stop a landing page from showing, so a failure is logged and skipped.
func (s *Server) usageFor(r *http.Request, it *app.Item) *itemUsage {
	if s.cfg.Usage == nil {
		return nil
	}
	ctx := r.Context()
	u := &itemUsage{}
	counts := map[app.UsageKind]*int64{app.UsageView: &u.Views, app.UsageDownload: &u.Downloads, app.UsageShare: &u.Shares}
	for kind, dst := range counts {
		c, err := s.cfg.Usage.UsageTotal(ctx, app.UsageQuery{Kind: kind, Scope: app.ScopeArticle, ID: it.ID})
		if err != nil {
			s.log.Error("usage counts", "req", requestID(ctx), "item", it.ID, "err", err)
			return nil
		}
		*dst = c.Total
	}
	chart, err := s.chartFor(ctx, it, time.Now().UTC())
	if err != nil {
		s.log.Error("usage chart", "req", requestID(ctx), "item", it.ID, "err", err)
		return u
	}
	u.Chart = chart
	return u
}

// chartFor counts views and downloads per day for an item published in
// the last two months, per month (at most the last five years) otherwise.
func (s *Server) chartFor(ctx context.Context, it *app.Item, now time.Time) (*usageChart, error) {
	return s.chartOf(ctx, app.ScopeArticle, it.ID, it.Published.UTC(), now)
}

// chartOf charts the views and downloads of a scope (an item, the
// institution...) since start: per day over the last two months, per month
// before that.
func (s *Server) chartOf(ctx context.Context, scope app.UsageScope, id int64, start, now time.Time) (*usageChart, error) {
	if start.IsZero() || start.After(now) {
		start = now
	}
	granularity, periods := "day", dayPeriods(start, now)
	if len(periods) > 62 {
		granularity, periods = "month", monthPeriods(start, now)
	}
	from, _ := time.Parse(time.DateOnly, periodStart(periods[0]))
	var series [2][]int64
	for i, kind := range []app.UsageKind{app.UsageView, app.UsageDownload} {
		points, err := s.cfg.Usage.UsageTimeline(ctx, app.UsageQuery{Kind: kind, Scope: scope, ID: id, From: from, To: now},
			granularity)
		if err != nil {
			return nil, err
		}
		byPeriod := map[string]int64{}
		for _, p := range points {
			byPeriod[p.Period] = p.Total
		}
		for _, p := range periods {
			series[i] = append(series[i], byPeriod[p])
		}
	}
	return newUsageChart(granularity, periods, series[0], series[1]), nil
}

func dayPeriods(from, to time.Time) []string {
	var out []string
	for d := from.Truncate(24 * time.Hour); !d.After(to); d = d.AddDate(0, 0, 1) {
		out = append(out, d.Format(time.DateOnly))
		if len(out) > 62 {
			break
		}
	}
	return out
}

func monthPeriods(from, to time.Time) []string {
	var out []string
	m := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC)
	for ; !m.After(to); m = m.AddDate(0, 1, 0) {
		out = append(out, m.Format("2006-01"))
	}
	if len(out) > 60 {
		out = out[len(out)-60:]
	}
	return out
}

// periodStart is the first day of a period name (2006-01-02 or 2006-01).
func periodStart(p string) string {
	if len(p) == 7 {
		return p + "-01"
	}
	return p
}

// shareTargets are the services a landing page offers to share on; the
// share route only ever redirects to these.
var shareTargets = []struct{ Key, Name, Format string }{
	{"email", "Email", "mailto:?subject=%[2]s&body=%[1]s"},
	{"mastodon", "Mastodon", "https://mastodonshare.com/?text=%[2]s&url=%[1]s"},
	{"linkedin", "LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?url=%[1]s"},
	{"bluesky", "Bluesky", "https://bsky.app/intent/compose?text=%[2]s%%20%[1]s"},
}

// shareLinks are a landing page's share links: each goes through /share so
// that the share is counted, then on to the service.
func shareLinks(it *app.Item) []shareLink {
	var out []shareLink
	for _, t := range shareTargets {
		out = append(out, shareLink{t.Name, fmt.Sprintf("/share/%d/%s", it.ID, t.Key)})
	}
	return out
}

// handleShare counts a share of a public item and sends the reader on to
// the chosen service with the item's landing URL.
func (s *Server) handleShare(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	it, err := s.cat.Item(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !app.CanDownloadPublic(actor(r.Context()), it) {
		s.fail(w, r, app.Errorf(app.ENOTFOUND, "item %d not found", id))
		return
	}
	ver, err := s.cat.Version(r.Context(), it.ID, it.Version)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, t := range shareTargets {
		if t.Key == r.PathValue("service") {
			s.recordUse(r, app.UsageShare, it, ver.Number)
			landing := s.baseURL(r) + itemURL(ver.Metadata.Title, it.ID, 0)
			target := fmt.Sprintf(t.Format, url.QueryEscape(landing), url.QueryEscape(ver.Metadata.Title))
			w.Header().Set("Referrer-Policy", "no-referrer")
			http.Redirect(w, r, strings.ReplaceAll(target, "+", "%20"), http.StatusSeeOther)
			return
		}
	}
	s.fail(w, r, app.Errorf(app.ENOTFOUND, "there is no share service %q", r.PathValue("service")))
}
