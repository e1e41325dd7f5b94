package web

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"html/template"
	"image/png"
	"io"
	"net/http"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"golang.org/x/image/tiff"

	"carrel/app"
)

// More preview limits: a TIFF is converted only up to this many pixels, a
// notebook is parsed only up to this size, a TAR is listed only up to this
// many entries.
const (
	maxTIFFPixels     = 40_000_000
	maxNotebookSize   = 16 << 20
	maxNotebookCells  = 500
	maxTarEntries     = maxZipEntries
	maxCellOutputText = 16 << 10
)

// isTIFF reports whether a raw preview must be converted from TIFF, which
// browsers do not display, to PNG.
func isTIFF(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, ".tif") || strings.HasSuffix(n, ".tiff")
}

// serveTIFFAsPNG decodes a TIFF image and writes it as PNG. The size is
// checked from the header before decoding, so a huge image costs nothing.
func (s *Server) serveTIFFAsPNG(w http.ResponseWriter, r *http.Request, f *app.File) {
	blob, _, err := s.blobs.Open(r.Context(), f.StorageKey)
	if err != nil {
		s.fail(w, r, app.Internal(err, "open file"))
		return
	}
	defer blob.Close()
	cfg, err := tiff.DecodeConfig(blob)
	if err != nil {
		s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "This TIFF image cannot be read."))
		return
	}
	if int64(cfg.Width)*int64(cfg.Height) > maxTIFFPixels {
		s.fail(w, r, app.Errorf(app.ETOOLARGE, "This image is too large to preview; download it instead."))
		return
	}
	if _, err := blob.Seek(0, io.SeekStart); err != nil {
		s.fail(w, r, app.Internal(err, "rewind file"))
		return
	}
	img, err := tiff.Decode(bufio.NewReader(blob))
	if err != nil {
		s.fail(w, r, app.Errorf(app.EUNPROCESSABLE, "This TIFF image cannot be read."))
		return
	}
	var out bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&out, img); err != nil {
		s.fail(w, r, app.Internal(err, "encode png"))
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Write(out.Bytes())
}

// notebookCell is one cell of a Jupyter notebook as the preview shows it.
type notebookCell struct {
	Kind    string        // "markdown", "code" or "raw"
	HTML    template.HTML // rendered Markdown or highlighted source, already safe
	Outputs []string      // text outputs, shown escaped
	Hidden  int           // outputs that are not text (images, HTML, widgets)
}

// previewNotebook renders a Jupyter notebook (nbformat 4): Markdown cells
// through goldmark and the sanitiser, code through chroma, and text
// outputs as escaped text. HTML, JavaScript and widget outputs are never
// rendered.
func (s *Server) previewNotebook(r *http.Request, f *app.File, p *previewPage) error {
	if f.Size > maxNotebookSize {
		p.Kind = kindText
		return s.previewText(r, f, p)
	}
	b, _, err := s.head(r, f, maxNotebookSize)
	if err != nil {
		return err
	}
	var nb struct {
		Cells []struct {
			CellType string          `json:"cell_type"`
			Source   json.RawMessage `json:"source"`
			Outputs  []struct {
				OutputType string                     `json:"output_type"`
				Text       json.RawMessage            `json:"text"`
				Data       map[string]json.RawMessage `json:"data"`
				EName      string                     `json:"ename"`
				EValue     string                     `json:"evalue"`
			} `json:"outputs"`
		} `json:"cells"`
		Metadata struct {
			LanguageInfo struct {
				Name string `json:"name"`
			} `json:"language_info"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(b, &nb); err != nil || nb.Cells == nil {
		p.Kind = kindText
		p.Note = "This file is not a Jupyter notebook Carrel can read; it is shown as text."
		return s.previewText(r, f, p)
	}
	lang := nb.Metadata.LanguageInfo.Name
	if lang == "" {
		lang = "python"
	}
	md := goldmark.New(goldmark.WithExtensions(extension.GFM))
	for i, c := range nb.Cells {
		if i == maxNotebookCells {
			p.Truncated = true
			break
		}
		src := multiline(c.Source)
		cell := notebookCell{Kind: c.CellType}
		switch c.CellType {
		case "markdown":
			var out bytes.Buffer
			if err := md.Convert([]byte(src), &out); err != nil {
				return app.Internal(err, "render markdown")
			}
			cell.HTML = template.HTML(s.policy.SanitizeBytes(out.Bytes()))
		case "code":
			cell.HTML, err = highlight(src, lang)
			if err != nil {
				return err
			}
		default:
			cell.HTML = template.HTML("<pre>" + template.HTMLEscapeString(src) + "</pre>")
		}
		for _, o := range c.Outputs {
			text := multiline(o.Text)
			if t, ok := o.Data["text/plain"]; ok && text == "" {
				text = multiline(t)
			}
			if o.OutputType == "error" {
				text = o.EName + ": " + o.EValue
			}
			if text == "" {
				cell.Hidden++
				continue
			}
			if len(text) > maxCellOutputText {
				text = text[:maxCellOutputText] + "\n…"
			}
			cell.Outputs = append(cell.Outputs, text)
		}
		p.Cells = append(p.Cells, cell)
	}
	return nil
}

// multiline reads nbformat's "multiline string": a string or a list of
// strings to be joined.
func multiline(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var parts []string
	if json.Unmarshal(raw, &parts) == nil {
		return strings.Join(parts, "")
	}
	return ""
}

// previewTar lists a TAR archive (optionally gzip-compressed) by reading
// its headers in order, skipping over the members' bytes.
func (s *Server) previewTar(r *http.Request, f *app.File, p *previewPage) error {
	blob, _, err := s.blobs.Open(r.Context(), f.StorageKey)
	if err != nil {
		return app.Internal(err, "open file")
	}
	defer blob.Close()
	var in io.Reader = bufio.NewReader(blob)
	if n := strings.ToLower(f.Name); strings.HasSuffix(n, ".gz") || strings.HasSuffix(n, ".tgz") {
		zr, err := gzip.NewReader(in)
		if err != nil {
			p.Note = "This file is not a compressed TAR archive Carrel can read."
			return nil
		}
		defer zr.Close()
		in = zr
	}
	tr := tar.NewReader(in)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if len(p.Entries) == 0 {
				p.Note = "This file is not a TAR archive Carrel can read."
			} else {
				p.Note = "The rest of the archive could not be read."
			}
			break
		}
		if len(p.Entries) == maxTarEntries {
			p.Truncated = true
			break
		}
		p.Entries = append(p.Entries, zipEntry{Name: h.Name, Size: h.Size, Modified: h.ModTime, Dir: h.Typeflag == tar.TypeDir})
	}
	return nil
}
