package api

import (
	"archive/zip"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"carrel/app"
)

// userBytesHeaders are set on every response that carries depositors'
// bytes: they are never sniffed into another type, and if a browser does
// render them, the sandbox keeps scripts out of Carrel's origin.
func userBytesHeaders(h http.Header) {
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
}

// contentDisposition builds an RFC 6266 header with an ASCII fallback name
// and the exact UTF-8 name in RFC 5987 encoding.
func contentDisposition(kind, name string) string {
	var fallback strings.Builder
	for _, r := range name {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '%' {
			fallback.WriteByte('_')
		} else {
			fallback.WriteRune(r)
		}
	}
	return fmt.Sprintf(`%s; filename="%s"; filename*=UTF-8''%s`, kind, fallback.String(), rfc5987(name))
}

// rfc5987 percent-encodes everything outside RFC 5987's attr-char set.
func rfc5987(s string) string {
	const attr = "!#$&+-.^_`|~"
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(attr, c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// downloadable finds a file the caller may download: a file of a public
// version, or any completed file of an item the caller may edit. The
// version is that of a public download, 0 when the caller downloads as one
// who may see the draft (which is not counted as usage).
func (s *Server) downloadable(r *http.Request) (*app.File, *app.Item, int, error) {
	fid, err := pathID(r, "fid")
	if err != nil {
		return nil, nil, 0, err
	}
	f, err := s.cat.File(r.Context(), fid)
	if err != nil {
		return nil, nil, 0, err
	}
	it, err := s.cat.Item(r.Context(), f.ItemID)
	if err != nil {
		return nil, nil, 0, err
	}
	if app.CanDownloadDraft(actor(r.Context()), it) {
		if f.Status != app.FileAvailable {
			return nil, nil, 0, app.Errorf(app.ECONFLICT, "file %d is not available for download (status %s)", fid, f.Status)
		}
		return f, it, 0, nil
	}
	if !app.CanDownloadPublic(actor(r.Context()), it) {
		return nil, nil, 0, app.Errorf(app.ENOTFOUND, "file %d not found", fid)
	}
	_, n, err := s.cat.FileInPublicVersion(r.Context(), fid)
	if err != nil {
		return nil, nil, 0, err
	}
	ver, err := s.cat.Version(r.Context(), it.ID, n)
	if err != nil {
		return nil, nil, 0, err
	}
	if ver.Metadata.DownloadDisabled {
		return nil, nil, 0, app.Errorf(app.EFORBIDDEN, "downloads are disabled for this item")
	}
	return f, it, n, nil
}

// handleFileDownload serves a file's bytes with ranges, validators and
// conditional requests (http.ServeContent), sent by the kernel where the
// blob store is local.
func (s *Server) handleFileDownload(w http.ResponseWriter, r *http.Request) {
	f, it, version, err := s.downloadable(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if s.presignedDownload(w, r, f, it, version) {
		return
	}
	blob, _, err := s.blobs.Open(r.Context(), f.StorageKey)
	if err != nil {
		s.fail(w, r, s.storageError(r, err, "open file"))
		return
	}
	defer blob.Close()
	h := w.Header()
	userBytesHeaders(h)
	h.Set("Content-Type", mimeType(f))
	h.Set("Content-Disposition", contentDisposition("attachment", f.Name))
	h.Set("ETag", `"`+f.SHA256+`"`)
	h.Set("Cache-Control", cacheControl(it))
	if landing := s.fileLanding(r, f, it); landing != "" {
		// FAIR Signposting: a public file points back at its landing page.
		h.Set("Link", fmt.Sprintf(`<%s>; rel="collection"; type="text/html", <%s/linkset>; rel="linkset"; type="application/linkset+json"`, landing, landing))
	}
	if version == 0 || s.cfg.Recorder == nil {
		http.ServeContent(w, r, "", f.Created, blob)
		return
	}
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	http.ServeContent(rec, r, "", f.Created, blob)
	if countsAsDownload(r, rec.status) {
		s.cfg.Recorder.Record(app.UsageEvent{Kind: app.UsageDownload, ItemID: f.ItemID, Version: version, FileID: f.ID,
			Client: app.UsageClient{Address: s.clientAddress(r), UserAgent: r.UserAgent()}})
	}
}

// countsAsDownload reports whether a response delivered a download in
// COUNTER's sense: the whole file, or a range starting at its first byte
// (how players and download managers begin). Revalidations (304), later
// ranges and HEAD requests are not downloads.
func countsAsDownload(r *http.Request, status int) bool {
	if r.Method != http.MethodGet {
		return false
	}
	switch status {
	case http.StatusOK:
		return true
	case http.StatusPartialContent:
		spec, ok := strings.CutPrefix(strings.TrimSpace(r.Header.Get("Range")), "bytes=")
		return ok && strings.HasPrefix(strings.TrimSpace(spec), "0-")
	}
	return false
}

func (s *Server) handlePublicZip(w http.ResponseWriter, r *http.Request) {
	it, ver, err := s.publicFiles(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if ver.Metadata.DownloadDisabled {
		s.fail(w, r, app.Errorf(app.EFORBIDDEN, "downloads are disabled for this item"))
		return
	}
	if s.cfg.Recorder != nil && r.Method == http.MethodGet && !app.CanSeeDraft(actor(r.Context()), it) {
		// The archive counts as one download of the version; downloads by
		// those who look after the item or hold a private link are not
		// usage.
		s.cfg.Recorder.Record(app.UsageEvent{Kind: app.UsageDownload, ItemID: it.ID, Version: ver.Number,
			Client: app.UsageClient{Address: s.clientAddress(r), UserAgent: r.UserAgent()}})
	}
	s.writeZip(w, r, fmt.Sprintf("%s_%d_v%d", app.Slug(ver.Metadata.Title), it.ID, ver.Number), ver.Files)
}

func (s *Server) handlePublicVersionZip(w http.ResponseWriter, r *http.Request) {
	s.handlePublicZip(w, r)
}

func (s *Server) handleOwnZip(w http.ResponseWriter, r *http.Request) {
	it, err := s.ownItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	files, err := s.cat.DraftFiles(r.Context(), it.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var ready []app.File
	for _, f := range files {
		if f.Status == app.FileAvailable {
			ready = append(ready, f)
		}
	}
	s.writeZip(w, r, fmt.Sprintf("%s_%d_draft", app.Slug(it.Draft.Title), it.ID), ready)
}

// writeZip streams the files as one zip archive, stored uncompressed
// (research data is mostly compressed already) and never held in memory.
// folder_path, if given, limits the archive to that folder.
func (s *Server) writeZip(w http.ResponseWriter, r *http.Request, name string, files []app.File) {
	folder := strings.Trim(r.URL.Query().Get("folder_path"), "/")
	var chosen []app.File
	for _, f := range files {
		if folder == "" || f.Folder == folder || strings.HasPrefix(f.Folder, folder+"/") {
			chosen = append(chosen, f)
		}
	}
	if len(chosen) == 0 {
		s.fail(w, r, app.Errorf(app.ENOTFOUND, "no files to download"))
		return
	}
	h := w.Header()
	userBytesHeaders(h)
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Disposition", contentDisposition("attachment", name+".zip"))
	h.Set("Cache-Control", "private, no-store")
	zw := zip.NewWriter(w)
	for _, f := range chosen {
		if err := s.zipFile(r, zw, &f); err != nil {
			// Headers are sent: all we can do is cut the archive short,
			// which clients detect as a truncated zip.
			s.log.Error("zip download", "req", requestID(r.Context()), "file", f.ID, "err", err)
			panic(http.ErrAbortHandler)
		}
	}
	if err := zw.Close(); err != nil {
		s.log.Debug("zip download", "req", requestID(r.Context()), "err", err)
	}
}

func (s *Server) zipFile(r *http.Request, zw *zip.Writer, f *app.File) error {
	blob, _, err := s.blobs.Open(r.Context(), f.StorageKey)
	if err != nil {
		return err
	}
	defer blob.Close()
	hdr := &zip.FileHeader{Name: f.Path(), Method: zip.Store, Modified: f.Created}
	hdr.SetMode(0o644)
	out, err := zw.CreateHeader(hdr)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, blob)
	return err
}

// fileLanding is the landing page of the newest public version holding the
// file, "" when the file is not public (a draft's, seen by its owner).
func (s *Server) fileLanding(r *http.Request, f *app.File, it *app.Item) string {
	if !app.OpenToAll(it, time.Now()) {
		return ""
	}
	_, n, err := s.cat.FileInPublicVersion(r.Context(), f.ID)
	if err != nil {
		return ""
	}
	ver, err := s.cat.Version(r.Context(), it.ID, n)
	if err != nil {
		return ""
	}
	landing := app.LandingPath(ver.Metadata.Title, it.ID)
	if n != it.Version {
		landing += fmt.Sprintf("/versions/%d", n)
	}
	return s.base(r) + landing
}
