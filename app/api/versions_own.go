package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"carrel/app"
)

// ownVersion loads the caller's item and the number of the published
// version the path names; ENOTFOUND when either is missing or not the
// caller's.
func (s *Server) ownVersion(r *http.Request) (*app.Item, *app.Version, error) {
	it, err := s.ownItem(r)
	if err != nil {
		return nil, nil, err
	}
	n, err := strconv.Atoi(r.PathValue("v"))
	if err != nil || n <= 0 {
		return nil, nil, app.Errorf(app.ENOTFOUND, "version %q not found", r.PathValue("v"))
	}
	ver, err := s.cat.Version(r.Context(), it.ID, n)
	return it, ver, err
}

// handleVersionUpdate changes what Figshare lets change in a published
// version without a new one: its supplementary fields. PUT replaces them
// (an absent list clears them), PATCH only when given. Carrel keeps no
// internal metadata on versions and refuses it rather than dropping it.
func (s *Server) handleVersionUpdate(w http.ResponseWriter, r *http.Request) {
	it, ver, err := s.ownVersion(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in struct {
		Supplementary    *[]map[string]any `json:"supplementary_fields"`
		InternalMetadata json.RawMessage   `json:"internal_metadata"`
	}
	if err := s.decode(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.InternalMetadata != nil {
		s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "internal_metadata: this repository keeps no internal metadata on versions"))
		return
	}
	var a app.VersionAmendment
	if in.Supplementary != nil || r.Method == http.MethodPut {
		fields := []app.SupplementaryField{}
		for i, f := range deref(in.Supplementary) {
			name, ok1 := f["name"].(string)
			value, ok2 := f["value"].(string)
			if !ok1 || !ok2 || len(f) != 2 {
				s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "supplementary_fields[%d] must be {\"name\": text, \"value\": text}", i))
				return
			}
			fields = append(fields, app.SupplementaryField{Name: name, Value: value})
		}
		a.Supplementary = &fields
	}
	if err := s.cat.AmendVersion(r.Context(), it.ID, ver.Number, a); err != nil {
		s.fail(w, r, err)
		return
	}
	loc := fmt.Sprintf("%s/v2/articles/%d/versions/%d", s.base(r), it.ID, ver.Number)
	w.Header().Set("Location", loc)
	s.writeJSON(w, http.StatusResetContent, map[string]any{"location": loc, "warnings": []string{}})
}

// thumbImages are the file types a thumbnail may be: those the preview
// service shows as images.
var thumbImages = map[string]bool{".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".webp": true, ".tif": true, ".tiff": true}

// handleVersionThumb chooses the version's thumbnail among its image
// files; article records then name it in thumb.
func (s *Server) handleVersionThumb(w http.ResponseWriter, r *http.Request) {
	it, ver, err := s.ownVersion(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in struct {
		FileID *int64 `json:"file_id"`
	}
	if err := s.decode(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.FileID == nil {
		s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "file_id is required"))
		return
	}
	for _, f := range ver.Files {
		if f.ID != *in.FileID {
			continue
		}
		if !thumbImages[strings.ToLower(path.Ext(f.Name))] {
			s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "file %d is not an image (PNG, JPEG, GIF, WebP or TIFF)", f.ID))
			return
		}
		if err := s.cat.AmendVersion(r.Context(), it.ID, ver.Number, app.VersionAmendment{ThumbFileID: in.FileID}); err != nil {
			s.fail(w, r, err)
			return
		}
		w.WriteHeader(http.StatusResetContent)
		return
	}
	s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "file %d is not a file of version %d", *in.FileID, ver.Number))
}

// thumbURL is where a version's thumbnail is served: the preview service,
// which checks access as any file download does. "" when it has none or
// the caller may not download the published version's files.
func (s *Server) thumbURL(r *http.Request, it *app.Item, md *app.Metadata) string {
	if md.ThumbFileID == 0 || app.PublicView(actor(r.Context()), it, time.Now()) != app.ViewFull {
		return ""
	}
	return fmt.Sprintf("%s/preview/%d/raw", s.base(r), md.ThumbFileID)
}
