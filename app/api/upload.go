package api

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"carrel/app"
	"carrel/storage"
)

// completing is the part number used to lock a whole file while its upload
// is being completed; real parts are numbered from 1.
const completing = 0

// uploadInfo is Figshare's UploadInfo.
type uploadInfo struct {
	Token  string     `json:"token"`
	MD5    string     `json:"md5"`
	Size   int64      `json:"size"`
	Name   string     `json:"name"`
	Status string     `json:"status"`
	Parts  []partJSON `json:"parts"`
}

type partJSON struct {
	PartNo      int    `json:"partNo"`
	StartOffset int64  `json:"startOffset"`
	EndOffset   int64  `json:"endOffset"`
	Status      string `json:"status"`
	Locked      bool   `json:"locked"`
}

func (s *Server) uploadFile(r *http.Request) (*app.File, error) {
	tok := r.PathValue("token")
	if len(tok) != 32 || strings.Trim(tok, "0123456789abcdef") != "" {
		return nil, app.Errorf(app.ENOTFOUND, "upload not found")
	}
	return s.cat.FileByUploadToken(r.Context(), tok)
}

func (s *Server) handleUploadInfo(w http.ResponseWriter, r *http.Request) {
	f, err := s.uploadFile(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	info := uploadInfo{Token: f.UploadToken, MD5: f.SuppliedMD5, Size: f.Size, Name: fmt.Sprintf("%d/%s", f.ID, f.Name), Parts: []partJSON{}}
	switch f.Status {
	case app.FileAvailable:
		info.Status = "COMPLETED"
	case app.FileError:
		info.Status = "ABORTED"
	default:
		info.Status = "PENDING"
	}
	done, err := s.cat.DoneParts(r.Context(), f.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, p := range app.Parts(f.Size, f.PartSize) {
		st := "PENDING"
		if done[p.Number] || f.Status != app.FileCreated {
			st = "COMPLETE"
		}
		info.Parts = append(info.Parts, partJSON{PartNo: p.Number, StartOffset: p.StartOffset, EndOffset: p.EndOffset, Status: st,
			Locked: s.parts.locked(partKey{f.ID, p.Number})})
	}
	s.writeJSON(w, http.StatusOK, info)
}

// uploadPart finds the part a request names, checking the upload is open.
func (s *Server) uploadPart(r *http.Request) (*app.File, app.Part, error) {
	f, err := s.uploadFile(r)
	if err != nil {
		return nil, app.Part{}, err
	}
	if f.Status != app.FileCreated {
		return nil, app.Part{}, app.Errorf(app.ECONFLICT, "this upload has already been completed")
	}
	n, err := strconv.Atoi(r.PathValue("part"))
	if err != nil {
		return nil, app.Part{}, app.Errorf(app.EINVALID, "part number %q is not a number", r.PathValue("part"))
	}
	parts := app.Parts(f.Size, f.PartSize)
	if n < 1 || n > len(parts) {
		return nil, app.Part{}, app.Errorf(app.ENOTFOUND, "part %d does not exist; this upload has parts 1 to %d", n, len(parts))
	}
	return f, parts[n-1], nil
}

// handlePartPut streams one part's bytes to the blob store. Parts may come
// in any order and in parallel; a part may be sent again.
func (s *Server) handlePartPut(w http.ResponseWriter, r *http.Request) {
	f, p, err := s.uploadPart(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if r.ContentLength >= 0 && r.ContentLength != p.Size() {
		s.fail(w, r, app.Errorf(app.EINVALID, "part %d must be exactly %d bytes; the request has %d", p.Number, p.Size(), r.ContentLength))
		return
	}
	if s.parts.locked(partKey{f.ID, completing}) {
		s.fail(w, r, app.Errorf(app.ECONFLICT, "this upload is being completed"))
		return
	}
	k := partKey{f.ID, p.Number}
	if !s.parts.lock(k) {
		s.fail(w, r, app.Errorf(app.ECONFLICT, "part %d is being uploaded by another request; retry when it finishes", p.Number))
		return
	}
	defer s.parts.unlock(k)
	body := &countingReader{r: io.LimitReader(r.Body, p.Size()+1)}
	if err := s.blobs.PutPart(r.Context(), f.StorageKey, f.UploadID, p.Number, p.StartOffset, body, p.Size()); err != nil {
		switch {
		case errors.Is(err, storage.ErrUnavailable):
			s.fail(w, r, s.storageError(r, err, "store part"))
		case body.n != p.Size():
			s.fail(w, r, app.Errorf(app.EINVALID, "part %d must be exactly %d bytes; received %d", p.Number, p.Size(), body.n))
		case errors.Is(err, storage.ErrNotExist):
			s.fail(w, r, app.Errorf(app.ECONFLICT, "this upload is no longer open"))
		default:
			s.fail(w, r, app.Internal(err, "store part"))
		}
		return
	}
	if err := s.cat.MarkPartDone(r.Context(), f.ID, p.Number); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// handlePartReset marks a part as not uploaded, so it is sent again.
func (s *Server) handlePartReset(w http.ResponseWriter, r *http.Request) {
	f, p, err := s.uploadPart(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.cat.ResetPart(r.Context(), f.ID, p.Number); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// handleFileComplete assembles the parts, computes MD5 and SHA-256 and
// checks the MD5 the depositor supplied. A mismatch marks the file failed;
// such a file can never be published.
func (s *Server) handleFileComplete(w http.ResponseWriter, r *http.Request) {
	_, f, err := s.ownFile(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if f.Status != app.FileCreated {
		s.fail(w, r, app.Errorf(app.ECONFLICT, "file %d has already been completed", f.ID))
		return
	}
	lk := partKey{f.ID, completing}
	if !s.parts.lock(lk) {
		s.fail(w, r, app.Errorf(app.ECONFLICT, "file %d is already being completed", f.ID))
		return
	}
	defer s.parts.unlock(lk)
	parts := app.Parts(f.Size, f.PartSize)
	for _, p := range parts {
		if s.parts.locked(partKey{f.ID, p.Number}) {
			s.fail(w, r, app.Errorf(app.ECONFLICT, "part %d is still being uploaded", p.Number))
			return
		}
	}
	done, err := s.cat.DoneParts(r.Context(), f.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var missing []string
	for _, p := range parts {
		if !done[p.Number] {
			missing = append(missing, strconv.Itoa(p.Number))
		}
	}
	if len(missing) > 0 {
		s.fail(w, r, app.Errorf(app.EINVALID, "cannot complete: part(s) %s have not been uploaded", strings.Join(missing, ", ")))
		return
	}
	if err := s.blobs.CompleteUpload(r.Context(), f.StorageKey, f.UploadID, len(parts)); err != nil {
		s.fail(w, r, s.storageError(r, err, "complete upload"))
		return
	}
	if err := s.verify(r, f); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.cat.FinishFile(r.Context(), f); err != nil {
		s.fail(w, r, err)
		return
	}
	if f.Status == app.FileError {
		s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "file %d failed verification (%s); it is marked as failed and cannot be published: delete it and upload it again", f.ID, f.Error))
		return
	}
	w.Header().Set("Location", fmt.Sprintf("%s/v2/account/articles/%d/files/%d", s.base(r), f.ItemID, f.ID))
	w.WriteHeader(http.StatusAccepted)
}

// verify reads the assembled blob once, hashing MD5 and SHA-256 in
// parallel, and sets f's checksums, type and status.
func (s *Server) verify(r *http.Request, f *app.File) error {
	blob, info, err := s.blobs.Open(r.Context(), f.StorageKey)
	if err != nil {
		return s.storageError(r, err, "open assembled file")
	}
	defer blob.Close()
	m, h := md5.New(), sha256.New()
	bufs := [2][]byte{make([]byte, 1<<20), make([]byte, 1<<20)}
	var sniff []byte
	var n int64
	for i := 0; ; i ^= 1 {
		k, rerr := io.ReadFull(blob, bufs[i])
		if k > 0 {
			chunk := bufs[i][:k]
			if sniff == nil {
				sniff = append([]byte{}, chunk[:min(k, 512)]...)
			}
			var wg sync.WaitGroup
			wg.Go(func() { m.Write(chunk) })
			h.Write(chunk)
			wg.Wait()
			n += int64(k)
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		} else if rerr != nil {
			return s.storageError(r, rerr, "read assembled file")
		}
	}
	f.ComputedMD5, f.SHA256 = hex.EncodeToString(m.Sum(nil)), hex.EncodeToString(h.Sum(nil))
	if f.MimeType == "" {
		f.MimeType = http.DetectContentType(sniff)
	}
	f.Status = app.FileAvailable
	switch {
	case n != f.Size || info.Size != f.Size:
		f.Status, f.Error = app.FileError, fmt.Sprintf("stored %d bytes, expected %d", n, f.Size)
	case f.SuppliedMD5 != "" && f.SuppliedMD5 != f.ComputedMD5:
		f.Status, f.Error = app.FileError, fmt.Sprintf("MD5 mismatch: supplied %s, computed %s", f.SuppliedMD5, f.ComputedMD5)
	}
	return nil
}
