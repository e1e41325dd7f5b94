package api

import (
	"errors"
	"net/http"
	"time"

	"carrel/app"
	"carrel/storage"
)

// presignedDownload answers a download with a redirect to a short-lived
// signed URL of the blob store, when the store is configured to presign
// (storage.Presigner) and the file is
// open to everyone: a public version's file of an item under no embargo,
// not confidential. Everything else (drafts, embargoed or confidential
// files, private links) keeps streaming through Carrel's access checks.
// The store serves ranges itself. The download is counted here, as the
// streamed path would count it. It reports whether it answered.
func (s *Server) presignedDownload(w http.ResponseWriter, r *http.Request, f *app.File, it *app.Item, version int) bool {
	signer, ok := s.blobs.(storage.Presigner)
	if !ok || version == 0 || r.Method != http.MethodGet || !app.OpenToAll(it, time.Now()) {
		return false
	}
	// Conditional requests are answered here (304) by the streamed path;
	// the store knows nothing of Carrel's ETag.
	for _, h := range []string{"If-None-Match", "If-Modified-Since", "If-Match", "If-Unmodified-Since", "If-Range"} {
		if r.Header.Get(h) != "" {
			return false
		}
	}
	u, err := signer.PresignGet(r.Context(), f.StorageKey, mimeType(f), contentDisposition("attachment", f.Name))
	if errors.Is(err, storage.ErrNotSupported) {
		return false
	}
	if err != nil {
		s.log.Warn("presigning a download failed; streaming it", "req", requestID(r.Context()), "file", f.ID, "err", err)
		return false
	}
	// The URL is a bearer credential for a while: no cache may keep the
	// redirect for longer than the signature lasts.
	w.Header().Set("Cache-Control", "private, no-store")
	http.Redirect(w, r, u, http.StatusFound)
	status := http.StatusOK // what the store will answer
	if r.Header.Get("Range") != "" {
		status = http.StatusPartialContent
	}
	if s.cfg.Recorder != nil && countsAsDownload(r, status) {
		s.cfg.Recorder.Record(app.UsageEvent{Kind: app.UsageDownload, ItemID: f.ItemID, Version: version, FileID: f.ID,
			Client: app.UsageClient{Address: s.clientAddress(r), UserAgent: r.UserAgent()}})
	}
	return true
}

// mimeType is the Content-Type a file is served with.
func mimeType(f *app.File) string {
	if f.MimeType == "" {
		return "application/octet-stream"
	}
	return f.MimeType
}

// storageError is the error to answer when the blob store failed while
// doing what: a store that is down or failing is a 503 the client can
// retry (an upload part, a completion); anything else is internal.
func (s *Server) storageError(r *http.Request, err error, what string) error {
	if errors.Is(err, storage.ErrUnavailable) {
		s.log.Warn("the blob store is unavailable", "req", requestID(r.Context()), "op", what, "err", err)
		return &app.Error{Code: app.EUNAVAILABLE, Message: "the file store is not answering at the moment; nothing was lost: retry the same request in a minute", Err: err}
	}
	return app.Internal(err, what)
}
