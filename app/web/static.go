package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/styles"

	"carrel/ui"
)

// staticFiles are the embedded assets, each served under a URL holding a
// hash of its content so that it can be cached for a year.
type staticFiles struct {
	files map[string][]byte // by name
	hash  map[string]string // by name
}

// highlightStyle is the chroma style the code previews use.
const highlightStyle = "github"

// loadStatic reads the embedded assets and adds the syntax highlighting
// stylesheet that chroma generates, so that highlighted code needs no
// inline styles (which the pages' CSP forbids).
func loadStatic() (*staticFiles, error) {
	sf := &staticFiles{files: map[string][]byte{}, hash: map[string]string{}}
	err := fs.WalkDir(ui.Static(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(ui.Static(), p)
		if err != nil {
			return err
		}
		sf.add(p, b)
		return nil
	})
	if err != nil {
		return nil, err
	}
	var css bytes.Buffer
	if err := html.New(html.WithClasses(true)).WriteCSS(&css, styles.Get(highlightStyle)); err != nil {
		return nil, err
	}
	sf.add("highlight.css", css.Bytes())
	return sf, nil
}

func (sf *staticFiles) add(name string, b []byte) {
	sum := sha256.Sum256(b)
	sf.files[name] = b
	sf.hash[name] = hex.EncodeToString(sum[:6])
}

// url is the cacheable address of an asset.
func (sf *staticFiles) url(name string) string {
	return "/static/" + sf.hash[name] + "/" + name
}

func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	b, ok := s.static.files[name]
	if !ok || s.static.hash[name] != r.PathValue("hash") || strings.Contains(name, "/") {
		http.NotFound(w, r)
		return
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(b))
}
