package api

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"carrel/app"
)

// Recorder takes usage events; it must return at once (app/stats buffers
// them). The API records downloads.
type Recorder interface {
	Record(ev app.UsageEvent)
}

// Usage is what the statistics API reads: the daily counts that the
// stats-rollup job keeps. Each method answers EINVALID for a scope Carrel
// does not count and EUNPROCESSABLE for a bad date range.
type Usage interface {
	UsageTotal(ctx context.Context, q app.UsageQuery) (app.UsageCount, error)
	UsageTimeline(ctx context.Context, q app.UsageQuery, granularity string) ([]app.UsagePoint, error)
	UsageByCountry(ctx context.Context, q app.UsageQuery, granularity string) ([]app.UsageCountry, error)
	UsageTop(ctx context.Context, q app.UsageQuery, limit int) ([]app.UsageRank, error)
	UsageItems(ctx context.Context, q app.UsageQuery) ([]int64, error)
}

// statsRoutes are the paths of Figshare's statistics service that Carrel
// serves under /stats, with and without an institution prefix. They are
// routed by handleStats because the prefix makes them ambiguous to a
// ServeMux.
var statsRoutes = []string{
	"GET /stats/total/{counter}/{scope}/{id}",
	"GET /stats/timeline/{granularity}/{counter}/{scope}/{id}",
	"GET /stats/breakdown/{granularity}/{counter}/{scope}/{id}",
	"GET /stats/top/{counter}/{scope}",
	"GET /stats/{institution}/total/{counter}/{scope}/{id}",
	"GET /stats/{institution}/timeline/{granularity}/{counter}/{scope}/{id}",
	"GET /stats/{institution}/breakdown/{granularity}/{counter}/{scope}/{id}",
	"GET /stats/{institution}/top/{counter}/{scope}",
}

// statsScopes are the scopes Figshare's stats service knows; those Carrel
// does not count yet answer 400 from the store.
var statsScopes = map[string]bool{"article": true, "author": true, "group": true, "project": true,
	"collection": true, "institution": true}

// statsRequest is a parsed /stats path.
type statsRequest struct {
	endpoint    string // total, timeline, breakdown, top
	institution bool   // the institution-prefixed variant
	granularity string
	query       app.UsageQuery
}

// handleStats answers every /stats path: it parses the path, checks who may
// see what, and hands the query to the endpoint.
func (s *Server) handleStats(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Usage == nil {
		s.fail(w, r, app.Errorf(app.ENOTFOUND, "statistics are not available"))
		return
	}
	req, err := s.parseStats(r)
	if err == nil {
		err = s.authorizeStats(r, req)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, q := r.Context(), req.query
	switch req.endpoint {
	case "total":
		c, err := s.cfg.Usage.UsageTotal(ctx, q)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.writeJSON(w, http.StatusOK, map[string]int64{"totals": c.Total})
	case "timeline":
		points, err := s.cfg.Usage.UsageTimeline(ctx, q, req.granularity)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		obj := orderedObject{}
		for _, p := range points {
			obj.add(p.Period, p.Total)
		}
		s.writeJSON(w, http.StatusOK, map[string]any{"timeline": obj.raw()})
	case "breakdown":
		s.writeBreakdown(w, r, q, req.granularity)
	case "top":
		s.writeTop(w, r, q)
	}
}

// parseStats reads the path and query of a /stats request. Unknown
// endpoints are 404, unknown counters, scopes and granularities 400, bad
// dates 400 and reversed or huge ranges 422.
func (s *Server) parseStats(r *http.Request) (*statsRequest, error) {
	segs := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, "/stats"), "/"), "/")
	req := &statsRequest{}
	if len(segs) > 0 && !isStatsEndpoint(segs[0]) {
		if s.cfg.Institution == "" || segs[0] != s.cfg.Institution {
			return nil, app.Errorf(app.ENOTFOUND, "no such institution or statistics endpoint: %s", segs[0])
		}
		req.institution, segs = true, segs[1:]
	}
	notFound := app.Errorf(app.ENOTFOUND, "no such statistics endpoint: %s", r.URL.Path)
	if len(segs) == 0 || !isStatsEndpoint(segs[0]) {
		return nil, notFound
	}
	req.endpoint, segs = segs[0], segs[1:]
	want := map[string]int{"total": 3, "timeline": 4, "breakdown": 4, "top": 2}[req.endpoint]
	if len(segs) != want {
		return nil, notFound
	}
	if req.endpoint == "timeline" || req.endpoint == "breakdown" {
		req.granularity, segs = segs[0], segs[1:]
		if _, ok := map[string]bool{"day": true, "month": true, "year": true, "total": true}[req.granularity]; !ok {
			return nil, app.Errorf(app.EINVALID, "granularity %q is not supported (use day, month, year or total)", req.granularity)
		}
	}
	kind, err := app.ParseCounter(segs[0])
	if err != nil {
		return nil, err
	}
	if !statsScopes[segs[1]] {
		return nil, app.Errorf(app.EINVALID, "item type %q is not supported (use article, author, group, project, collection or institution)", segs[1])
	}
	q := app.UsageQuery{Kind: kind, Scope: app.UsageScope(segs[1])}
	if req.endpoint != "top" {
		if q.ID, err = strconv.ParseInt(segs[2], 10, 64); err != nil || q.ID <= 0 {
			return nil, app.Errorf(app.EINVALID, "id %q is not a positive integer", segs[2])
		}
	}
	if err := parseStatsQuery(r, &q); err != nil {
		return nil, err
	}
	req.query = q
	return req, nil
}

func isStatsEndpoint(s string) bool {
	return s == "total" || s == "timeline" || s == "breakdown" || s == "top"
}

// parseStatsQuery reads start_date, end_date and (for articles) version.
func parseStatsQuery(r *http.Request, q *app.UsageQuery) error {
	v := r.URL.Query()
	for name, dst := range map[string]*time.Time{"start_date": &q.From, "end_date": &q.To} {
		if s := v.Get(name); s != "" {
			t, err := time.Parse(time.DateOnly, s)
			if err != nil {
				return app.Errorf(app.EINVALID, "%s %q is not a date (YYYY-MM-DD)", name, s)
			}
			*dst = t
		}
	}
	if s := v.Get("version"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || q.Scope != app.ScopeArticle {
			return app.Errorf(app.EINVALID, "version must be a positive integer, and only with article statistics")
		}
		q.Version = n
	}
	return q.Validate()
}

// authorizeStats applies the access policy. An article's statistics are
// as visible as the article (404 otherwise); author, collection and project
// totals count only items the caller may see; group reports need the
// reporter role on the group, institution reports (and the
// institution-prefixed paths) the reporter role institution-wide.
func (s *Server) authorizeStats(r *http.Request, req *statsRequest) error {
	a := actor(r.Context())
	q := &req.query
	if req.institution || q.Scope == app.ScopeGroup || q.Scope == app.ScopeInstitution {
		if a.Anonymous() {
			return app.Errorf(app.EUNAUTHORIZED, "group and institution statistics need a reporter's token")
		}
		group := int64(0) // institution-wide
		if q.Scope == app.ScopeGroup && !req.institution {
			group = q.ID
		}
		if !a.HasRole(app.RoleReporter, group) {
			return app.Errorf(app.EFORBIDDEN, "these statistics need the reporter role")
		}
		if q.Scope == app.ScopeInstitution && req.endpoint != "top" {
			q.ID = app.InstitutionID
		}
		return nil
	}
	if err := s.authorizeContainer(r, q, req.endpoint); err != nil {
		return err
	}
	if q.Scope == app.ScopeArticle && req.endpoint != "top" {
		it, err := s.cat.Item(r.Context(), q.ID)
		if err != nil || !(app.CanSeePublic(a, it) || app.CanSeeDraft(a, it)) {
			return app.Errorf(app.ENOTFOUND, "item %d not found", q.ID)
		}
		return nil
	}
	return s.visibleItems(r.Context(), a, q)
}

// visibleItems limits q to the items of its scope the actor may see.
func (s *Server) visibleItems(ctx context.Context, a app.Actor, q *app.UsageQuery) error {
	all := *q
	if q.ID == 0 { // a top list ranks among all items
		all.Scope, all.ID = app.ScopeInstitution, app.InstitutionID
	}
	ids, err := s.cfg.Usage.UsageItems(ctx, all)
	if err != nil {
		return err
	}
	q.ItemIDs = []int64{}
	for _, id := range ids {
		it, err := s.cat.Item(ctx, id)
		if app.ErrorCode(err) == app.ENOTFOUND {
			continue
		} else if err != nil {
			return err
		}
		if app.CanSeePublic(a, it) || app.CanSeeDraft(a, it) {
			q.ItemIDs = append(q.ItemIDs, id)
		}
	}
	return nil
}

// writeBreakdown answers Figshare's breakdown shape: period, then country,
// then {"total": n}. Countries are ISO 3166-1 codes; "Unknown" when the
// GeoIP database did not know the address (or there is none).
func (s *Server) writeBreakdown(w http.ResponseWriter, r *http.Request, q app.UsageQuery, granularity string) {
	rows, err := s.cfg.Usage.UsageByCountry(r.Context(), q, granularity)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	periods := orderedObject{}
	var countries orderedObject
	for i, c := range rows {
		name := c.Country
		if name == "" {
			name = "Unknown"
		}
		countries.add(name, map[string]int64{"total": c.Total})
		if i == len(rows)-1 || rows[i+1].Period != c.Period {
			periods.add(c.Period, countries.raw())
			countries = orderedObject{}
		}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"breakdown": periods.raw()})
}

// writeTop answers {"top": {"<id>": n, ...}}, most used first.
func (s *Server) writeTop(w http.ResponseWriter, r *http.Request, q app.UsageQuery) {
	if r.URL.Query().Has("sub_item") {
		s.fail(w, r, app.Errorf(app.EINVALID, "sub_item is not supported: Carrel ranks items, authors and groups"))
		return
	}
	limit := 10
	if c := r.URL.Query().Get("count"); c != "" {
		n, err := strconv.Atoi(c)
		if err != nil || n < 1 || n > 1000 {
			s.fail(w, r, app.Errorf(app.EINVALID, "count must be between 1 and 1000"))
			return
		}
		limit = n
	}
	ranks, err := s.cfg.Usage.UsageTop(r.Context(), q, limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	obj := orderedObject{}
	for _, rk := range ranks {
		obj.add(strconv.FormatInt(rk.ID, 10), rk.Total)
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"top": obj.raw()})
}

// orderedObject builds a JSON object whose keys keep their insertion order
// (timelines in time order, top lists by rank), which a Go map would sort.
type orderedObject struct{ buf bytes.Buffer }

func (o *orderedObject) add(key string, value any) {
	if o.buf.Len() > 0 {
		o.buf.WriteByte(',')
	}
	k, _ := json.Marshal(key)
	v, _ := json.Marshal(value)
	o.buf.Write(k)
	o.buf.WriteByte(':')
	o.buf.Write(v)
}

func (o *orderedObject) raw() json.RawMessage {
	return json.RawMessage("{" + o.buf.String() + "}")
}

// authorizeContainer answers 404 for the statistics of a collection or
// project the caller may not see, as for the collection or project itself.
func (s *Server) authorizeContainer(r *http.Request, q *app.UsageQuery, endpoint string) error {
	if endpoint == "top" {
		return nil
	}
	a := actor(r.Context())
	switch q.Scope {
	case app.ScopeCollection:
		c, err := s.cat.Collection(r.Context(), q.ID)
		if err != nil || !(app.CanSeeCollection(a, c) || app.CanEditCollection(a, c)) {
			return app.Errorf(app.ENOTFOUND, "collection %d not found", q.ID)
		}
	case app.ScopeProject:
		p, err := s.cat.Project(r.Context(), q.ID)
		if err != nil || !(app.CanSeeProject(a, p) || app.CanSeeProjectPrivate(a, p)) {
			return app.Errorf(app.ENOTFOUND, "project %d not found", q.ID)
		}
	}
	return nil
}
