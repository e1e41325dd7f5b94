package web

import (
	"net/http"
	"strings"

	"carrel/app"
)

// jobsPage is the data of /admin/jobs and /admin/jobs/{name}.
type jobsPage struct {
	Jobs []app.JobStatus
	Job  string
	Runs []app.JobRun
}

// admin lets only signed-in administrators through; anyone else signed in
// is told the page does not exist.
func (s *Server) admin(h http.HandlerFunc) http.HandlerFunc {
	return s.signedIn(func(w http.ResponseWriter, r *http.Request) {
		if !actor(r.Context()).Admin || !s.adminPage(r) {
			s.fail(w, r, app.Errorf(app.ENOTFOUND, "There is no page at this address."))
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
	s.render(w, r, http.StatusOK, "admin_jobs", view{Title: "Scheduled jobs", Page: jobsPage{Jobs: list}})
}

func (s *Server) handleAdminJobRuns(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	runs, err := s.cfg.Jobs.Runs(r.Context(), name, 100)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_jobs", view{Title: "Runs of " + name, Page: jobsPage{Job: name, Runs: runs}})
}

// adminPage reports whether the admin page asked for is switched on.
func (s *Server) adminPage(r *http.Request) bool {
	switch {
	case strings.HasPrefix(r.URL.Path, "/admin/jobs"):
		return s.cfg.Jobs != nil
	case strings.HasPrefix(r.URL.Path, "/admin/hrfeed"):
		return s.cfg.HRFeed != nil
	}
	return true
}
