package dump

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
)

// Handler serves the dump at path (GET and HEAD) with Content-Length,
// Last-Modified and an ETag, so that mirrors download it only when it
// changed, and with byte ranges, so that they can resume. Every write
// renames a new file into place, so the size and time of the file name one
// dump. 404 until the first dump is written.
func Handler(path string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "The metadata dump is only read: use GET.", http.StatusMethodNotAllowed)
			return
		}
		f, err := os.Open(path)
		if errors.Is(err, fs.ErrNotExist) {
			http.Error(w, "The metadata dump has not been written yet: the metadata-dump job writes it every night.", http.StatusNotFound)
			return
		}
		if err != nil {
			http.Error(w, "Internal error", http.StatusInternalServerError)
			return
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil {
			http.Error(w, "Internal error", http.StatusInternalServerError)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "application/gzip")
		h.Set("Content-Disposition", `attachment; filename="`+FileName+`"`)
		h.Set("Cache-Control", "public, max-age=3600")
		h.Set("ETag", fmt.Sprintf(`"%x-%x"`, fi.ModTime().UnixNano(), fi.Size()))
		http.ServeContent(w, r, FileName, fi.ModTime(), f)
	})
}
