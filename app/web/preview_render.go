package web

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"html/template"
	"io"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"carrel/app"
	"carrel/storage"
)

// Preview limits: a preview reads at most this much of a file, so that a
// large upload never costs more than a page's worth of work.
const (
	maxTextPreview  = 256 << 10
	maxTablePreview = 2 << 20
	maxTableRows    = 100
	maxTableCols    = 50
	maxZipEntries   = 1000
)

// head reads up to n bytes of a file and reports whether there was more.
func (s *Server) head(r *http.Request, f *app.File, n int64) ([]byte, bool, error) {
	blob, _, err := s.blobs.Open(r.Context(), f.StorageKey)
	if err != nil {
		return nil, false, app.Internal(err, "open file")
	}
	defer blob.Close()
	b, err := io.ReadAll(io.LimitReader(blob, n+1))
	if err != nil {
		return nil, false, app.Internal(err, "read file")
	}
	if int64(len(b)) > n {
		return b[:n], true, nil
	}
	return b, false, nil
}

// validText trims a cut-off multi-byte character and reports whether the
// bytes are text at all.
func validText(b []byte) (string, bool) {
	for i := 0; i < 3 && len(b) > 0 && !utf8.Valid(b); i++ {
		b = b[:len(b)-1]
	}
	return string(b), utf8.Valid(b) && !bytes.ContainsRune(b, 0)
}

// previewText shows source text highlighted by chroma, whose HTML output
// escapes every token; JSON is pretty-printed first when it is whole.
func (s *Server) previewText(r *http.Request, f *app.File, p *previewPage) error {
	b, more, err := s.head(r, f, maxTextPreview)
	if err != nil {
		return err
	}
	text, ok := validText(b)
	if !ok {
		p.Note = "This file is not text, so it cannot be shown here."
		return nil
	}
	p.Truncated = more
	lexer := lexers.Match(f.Name)
	if p.Kind == kindJSON {
		lexer = lexers.Get("json")
		var pretty bytes.Buffer
		if !more && json.Indent(&pretty, b, "", "  ") == nil {
			text = pretty.String()
		}
	}
	p.HTML, err = highlightWith(lexer, text)
	return err
}

// highlight colours source text in the named language.
func highlight(text, lang string) (template.HTML, error) {
	return highlightWith(lexers.Get(lang), text)
}

// highlightWith colours source text with chroma, whose HTML output escapes
// every token; without a lexer the text is shown plain, escaped.
func highlightWith(lexer chroma.Lexer, text string) (template.HTML, error) {
	if lexer == nil {
		lexer = lexers.Fallback
	}
	it, err := chroma.Coalesce(lexer).Tokenise(nil, text)
	if err != nil {
		return template.HTML("<pre>" + template.HTMLEscapeString(text) + "</pre>"), nil
	}
	var out bytes.Buffer
	if err := chromahtml.New(chromahtml.WithClasses(true)).Format(&out, styles.Get(highlightStyle), it); err != nil {
		return "", app.Internal(err, "highlight")
	}
	return template.HTML(out.String()), nil
}

// previewMarkdown renders Markdown with goldmark, which drops raw HTML and
// dangerous link schemes by default, and sanitises the result again.
func (s *Server) previewMarkdown(r *http.Request, f *app.File, p *previewPage) error {
	b, more, err := s.head(r, f, maxTextPreview)
	if err != nil {
		return err
	}
	text, ok := validText(b)
	if !ok {
		p.Note = "This file is not text, so it cannot be shown here."
		return nil
	}
	p.Truncated = more
	var out bytes.Buffer
	if err := goldmark.New(goldmark.WithExtensions(extension.GFM)).Convert([]byte(text), &out); err != nil {
		return app.Internal(err, "render markdown")
	}
	p.HTML = template.HTML(s.policy.SanitizeBytes(out.Bytes()))
	return nil
}

// previewTable streams the first rows of a CSV or TSV file.
func (s *Server) previewTable(r *http.Request, f *app.File, p *previewPage) error {
	blob, _, err := s.blobs.Open(r.Context(), f.StorageKey)
	if err != nil {
		return app.Internal(err, "open file")
	}
	defer blob.Close()
	cr := csv.NewReader(bufio.NewReader(io.LimitReader(blob, maxTablePreview)))
	if ext := strings.ToLower(path.Ext(f.Name)); ext == ".tsv" || ext == ".tab" {
		cr.Comma = '\t'
	}
	cr.FieldsPerRecord, cr.LazyQuotes, cr.ReuseRecord = -1, true, false
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			p.Note = "The rest of the file could not be read as a table."
			break
		}
		if len(rec) > maxTableCols {
			rec, p.Truncated = rec[:maxTableCols], true
		}
		if p.Header == nil {
			p.Header = rec
			continue
		}
		if len(p.Rows) == maxTableRows {
			p.Truncated = true
			break
		}
		p.Rows = append(p.Rows, rec)
	}
	if f.Size > maxTablePreview {
		p.Truncated = true
	}
	return nil
}

// zipEntry is one member of a ZIP archive.
type zipEntry struct {
	Name     string
	Size     int64
	Modified time.Time
	Dir      bool
}

// previewZip lists a ZIP archive's members from its central directory,
// reading only the end of the file.
func (s *Server) previewZip(r *http.Request, f *app.File, p *previewPage) error {
	blob, info, err := s.blobs.Open(r.Context(), f.StorageKey)
	if err != nil {
		return app.Internal(err, "open file")
	}
	defer blob.Close()
	ra, ok := blob.(io.ReaderAt)
	if !ok {
		ra = &seekReaderAt{rs: blob}
	}
	zr, err := zip.NewReader(ra, info.Size)
	if err != nil {
		p.Note = "This file is not a ZIP archive Carrel can read."
		return nil
	}
	for i, zf := range zr.File {
		if i == maxZipEntries {
			p.Truncated = true
			break
		}
		p.Entries = append(p.Entries, zipEntry{Name: zf.Name, Size: int64(zf.UncompressedSize64), Modified: zf.Modified,
			Dir: strings.HasSuffix(zf.Name, "/")})
	}
	return nil
}

// seekReaderAt reads at offsets from a blob that can only seek.
type seekReaderAt struct {
	mu sync.Mutex
	rs storage.Blob
}

func (s *seekReaderAt) ReadAt(p []byte, off int64) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.rs.Seek(off, io.SeekStart); err != nil {
		return 0, err
	}
	n, err := io.ReadFull(s.rs, p)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = io.EOF
	}
	return n, err
}
