package api

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"

	"carrel/app"
)

// feedResult is the answer to an HR feed upload: Figshare's
// ResponseMessage, with what was done.
type feedResult struct {
	Message     string `json:"message"`
	DryRun      bool   `json:"dry_run"`
	Records     int    `json:"records"`
	Created     int    `json:"created"`
	Updated     int    `json:"updated"`
	Deactivated int    `json:"deactivated"`
	Reactivated int    `json:"reactivated"`
	Unchanged   int    `json:"unchanged"`
}

// handleHRFeedUpload is POST /v2/institution/hrfeed/upload: a multipart
// form with the feed in the field "hrfeed". Administrators only. Carrel
// applies the feed at once (Figshare queues it); ?dry_run=true only checks
// it, ?force=true applies a feed that deactivates everyone it manages.
func (s *Server) handleHRFeedUpload(w http.ResponseWriter, r *http.Request) {
	a := actor(r.Context())
	if !a.Admin || s.cfg.HRFeed == nil {
		s.fail(w, r, app.Errorf(app.EFORBIDDEN, "only administrators may upload an HR feed"))
		return
	}
	dry, force := r.URL.Query().Get("dry_run") == "true", r.URL.Query().Get("force") == "true"
	mr, err := r.MultipartReader()
	if err != nil {
		s.fail(w, r, app.Errorf(app.EINVALID, "send the feed as multipart/form-data in a field named hrfeed"))
		return
	}
	var part *multipart.Part
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			s.fail(w, r, app.Errorf(app.EINVALID, "the form has no field named hrfeed"))
			return
		}
		if err != nil {
			s.fail(w, r, app.Errorf(app.EINVALID, "reading the form: %v", err))
			return
		}
		if p.FormName() == "hrfeed" {
			part = p
			break
		}
	}
	plan, err := s.cfg.HRFeed.Check(r.Context(), part, a.AccountID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res := feedResult{DryRun: dry, Records: plan.Records, Created: plan.Count("create"), Updated: plan.Count("update"),
		Deactivated: plan.Count("deactivate"), Reactivated: plan.Count("reactivate"), Unchanged: plan.Unchanged}
	if !dry {
		if _, err := s.cfg.HRFeed.Apply(r.Context(), plan.UploadID, force, s.who(r)); err != nil {
			s.fail(w, r, err)
			return
		}
		res.Message = "OK: applied " + strconv.Itoa(len(plan.Changes)) + " changes"
	} else {
		res.Message = "OK: checked; " + strconv.Itoa(len(plan.Changes)) + " changes would be applied"
		if err := plan.ProblemsError(); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.writeJSON(w, http.StatusOK, res)
}
