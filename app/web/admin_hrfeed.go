package web

import (
	"net/http"
	"strconv"

	"carrel/app"
)

// hrfeedPage is the data of /admin/hrfeed: the upload form, a checked
// feed's plan waiting to be applied, or the outcome of applying it.
type hrfeedPage struct {
	Plan    *app.FeedPlan
	Applied bool
	Error   string
}

func (s *Server) handleHRFeedForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "admin_hrfeed", view{Title: "Import an HR feed", Page: hrfeedPage{}})
}

// handleHRFeedCheck stores an uploaded feed and shows what it would
// change; nothing is applied until the administrator confirms.
func (s *Server) handleHRFeedCheck(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<20+1<<20)
	f, _, err := r.FormFile("hrfeed")
	if err != nil {
		s.render(w, r, http.StatusUnprocessableEntity, "admin_hrfeed", view{Title: "Import an HR feed",
			Page: hrfeedPage{Error: "Choose the feed's XML file to upload."}})
		return
	}
	defer f.Close()
	plan, err := s.cfg.HRFeed.Check(r.Context(), f, account(r.Context()).ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if len(plan.Problems) > 0 {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, "admin_hrfeed", view{Title: "Check the HR feed", Page: hrfeedPage{Plan: plan}})
}

// handleHRFeedApply applies a checked feed. It is planned again against
// the accounts as they are now, so what is applied is what is shown.
func (s *Server) handleHRFeedApply(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, app.Errorf(app.ENOTFOUND, "There is no page at this address."))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	force := r.PostFormValue("force") == "yes"
	plan, err := s.cfg.HRFeed.Apply(r.Context(), id, force, s.who(r))
	if err != nil {
		if plan == nil || app.ErrorCode(err) == app.EINTERNAL {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, "admin_hrfeed", view{Title: "Check the HR feed",
			Page: hrfeedPage{Plan: plan, Error: app.ErrorMessage(err)}})
		return
	}
	s.render(w, r, http.StatusOK, "admin_hrfeed", view{Title: "HR feed applied", Page: hrfeedPage{Plan: plan, Applied: true}})
}
