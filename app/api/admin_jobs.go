package api

import (
	"net/http"
	"time"

	"carrel/app"
)

// jobJSON is a job as GET /v2/admin/jobs shows it (a Carrel extension).
type jobJSON struct {
	Name     string      `json:"name"`
	Summary  string      `json:"summary"`
	Schedule string      `json:"schedule"`
	Enabled  bool        `json:"enabled"`
	NextRun  *time.Time  `json:"next_run"`
	LastRun  *jobRunJSON `json:"last_run"`
}

// jobRunJSON is one run of a job.
type jobRunJSON struct {
	ID       int64            `json:"id"`
	Job      string           `json:"job"`
	Trigger  string           `json:"trigger"`
	Started  time.Time        `json:"started"`
	Finished *time.Time       `json:"finished"`
	Outcome  string           `json:"outcome"`
	Error    string           `json:"error"`
	Counts   map[string]int64 `json:"counts"`
	Problems []string         `json:"problems"`
}

func runJSON(r app.JobRun) *jobRunJSON {
	out := &jobRunJSON{ID: r.ID, Job: r.Job, Trigger: r.Trigger, Started: r.Started, Outcome: r.Outcome, Error: r.Error,
		Counts: r.Report.Counts, Problems: r.Report.Problems}
	if !r.Finished.IsZero() {
		out.Finished = &r.Finished
	}
	if out.Counts == nil {
		out.Counts = map[string]int64{}
	}
	if out.Problems == nil {
		out.Problems = []string{}
	}
	return out
}

// admin lets only administrators through; anyone else is told the
// endpoint does not exist.
func (s *Server) admin(h http.HandlerFunc) http.HandlerFunc {
	return s.authed(func(w http.ResponseWriter, r *http.Request) {
		if !actor(r.Context()).Admin || s.cfg.Jobs == nil {
			s.fail(w, r, app.Errorf(app.ENOTFOUND, "no such endpoint: %s %s", r.Method, r.URL.Path))
			return
		}
		h(w, r)
	})
}

func (s *Server) handleAdminJobs(w http.ResponseWriter, r *http.Request) {
	list, err := s.cfg.Jobs.Status(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]jobJSON, 0, len(list))
	for _, j := range list {
		row := jobJSON{Name: j.Name, Summary: j.Summary, Schedule: j.Schedule, Enabled: j.Enabled}
		if !j.Next.IsZero() {
			next := j.Next.UTC()
			row.NextRun = &next
		}
		if j.Last != nil {
			row.LastRun = runJSON(*j.Last)
		}
		out = append(out, row)
	}
	s.writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleAdminJobRuns(w http.ResponseWriter, r *http.Request) {
	offset, limit, err := paging(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	runs, err := s.cfg.Jobs.Runs(r.Context(), r.PathValue("name"), offset+limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	runs = runs[min(offset, len(runs)):]
	out := make([]*jobRunJSON, 0, len(runs))
	for _, run := range runs {
		out = append(out, runJSON(run))
	}
	s.writeJSON(w, http.StatusOK, out)
}
