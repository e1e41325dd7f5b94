package api

import (
	"fmt"
	"mime"
	"net/http"
	"path"
	"strings"

	"carrel/app"
	"carrel/app/auth"
)

// fileCreator is Figshare's FileCreator.
type fileCreator struct {
	Name       string `json:"name"`
	Size       *int64 `json:"size"`
	MD5        string `json:"md5"`
	FolderPath string `json:"folder_path"`
	Link       string `json:"link"`
}

// ownFile loads a file of an item the caller may edit.
func (s *Server) ownFile(r *http.Request) (*app.Item, *app.File, error) {
	it, err := s.ownItem(r)
	if err != nil {
		return nil, nil, err
	}
	fid, err := pathID(r, "fid")
	if err != nil {
		return nil, nil, err
	}
	f, err := s.cat.File(r.Context(), fid)
	if err != nil {
		return nil, nil, err
	}
	if f.ItemID != it.ID {
		return nil, nil, app.Errorf(app.ENOTFOUND, "file %d not found", fid)
	}
	return it, f, nil
}

func (s *Server) handleOwnFiles(w http.ResponseWriter, r *http.Request) {
	it, err := s.ownItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	off, lim, err := paging(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	files, err := s.cat.DraftFiles(r.Context(), it.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := []fileJSON{}
	for i := off; i < len(files) && i < off+lim; i++ {
		attached, err := s.cat.InPublishedVersion(r.Context(), files[i].ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		out = append(out, s.privateFile(r, &files[i], attached))
	}
	s.writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleOwnFile(w http.ResponseWriter, r *http.Request) {
	_, f, err := s.ownFile(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	attached, err := s.cat.InPublishedVersion(r.Context(), f.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, s.privateFile(r, f, attached))
}

// handleFileCreate registers a file and opens its multipart upload in the
// blob store: the first step of Figshare's upload flow.
func (s *Server) handleFileCreate(w http.ResponseWriter, r *http.Request) {
	it, err := s.ownItem(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in fileCreator
	if err := s.decode(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := s.newFile(it, &in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	quota, err := s.quotaOf(r, it.AccountID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	uploadID, err := s.blobs.StartUpload(r.Context(), f.StorageKey, f.Size)
	if err != nil {
		s.fail(w, r, app.Internal(err, "start upload"))
		return
	}
	f.UploadID = uploadID
	if err := s.cat.CreateFile(r.Context(), f, quota); err != nil {
		if aerr := s.blobs.AbortUpload(r.Context(), f.StorageKey, uploadID); aerr != nil {
			s.log.Warn("abort upload", "req", requestID(r.Context()), "err", aerr)
		}
		s.fail(w, r, err)
		return
	}
	loc := fmt.Sprintf("%s/v2/account/articles/%d/files/%d", s.base(r), it.ID, f.ID)
	w.Header().Set("Location", loc)
	s.writeJSON(w, http.StatusCreated, map[string]string{"location": loc})
}

// newFile validates a FileCreator and returns the file record to store.
func (s *Server) newFile(it *app.Item, in *fileCreator) (*app.File, error) {
	if in.Link != "" {
		return nil, app.Errorf(app.EUNPROCESSABLE, "link-only files are not supported; upload the file's bytes")
	}
	if err := app.ValidateFileName(in.Name); err != nil {
		return nil, err
	}
	folder, err := app.CleanFolder(in.FolderPath)
	if err != nil {
		return nil, err
	}
	switch {
	case in.Size == nil:
		return nil, app.Errorf(app.EUNPROCESSABLE, "size is required")
	case *in.Size <= 0:
		return nil, app.Errorf(app.EUNPROCESSABLE, "size must be at least 1 byte; empty files cannot be deposited")
	case s.cfg.MaxFileSize > 0 && *in.Size > s.cfg.MaxFileSize:
		return nil, app.Errorf(app.ETOOLARGE, "file is larger than the maximum of %d bytes", s.cfg.MaxFileSize)
	}
	if in.MD5 != "" && !app.ValidMD5(in.MD5) {
		return nil, app.Errorf(app.EUNPROCESSABLE, "md5 must be 32 hexadecimal digits")
	}
	key := auth.RandomID(16)
	return &app.File{
		ItemID: it.ID, Name: in.Name, Folder: folder, Size: *in.Size, SuppliedMD5: strings.ToLower(in.MD5),
		MimeType:    mime.TypeByExtension(strings.ToLower(path.Ext(in.Name))),
		StorageKey:  "files/" + key[:2] + "/" + key[2:4] + "/" + key,
		UploadToken: auth.RandomID(16), PartSize: app.PartSizeFor(*in.Size),
	}, nil
}

// quotaOf returns an account's storage quota in bytes (0 = unlimited).
func (s *Server) quotaOf(r *http.Request, accountID int64) (int64, error) {
	acct, err := s.cat.Account(r.Context(), accountID)
	if err != nil {
		return 0, err
	}
	if acct.Quota > 0 {
		return acct.Quota, nil
	}
	return s.cfg.DefaultQuota, nil
}

func (s *Server) handleFileDelete(w http.ResponseWriter, r *http.Request) {
	_, f, err := s.ownFile(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	key, err := s.cat.RemoveDraftFile(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if key != "" {
		if f.Status == app.FileCreated && f.UploadID != "" {
			if err := s.blobs.AbortUpload(r.Context(), f.StorageKey, f.UploadID); err != nil {
				s.log.Warn("abort upload", "req", requestID(r.Context()), "err", err)
			}
		}
		s.removeBlobs(r, []string{key})
	}
	w.WriteHeader(http.StatusNoContent)
}
