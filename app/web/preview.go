package web

import (
	"fmt"
	"html/template"
	"net/http"
	"path"
	"strings"

	"carrel/app"
)

// kind is how a file is previewed.
type kind string

// Preview kinds. Only image, PDF, audio and video bytes are ever handed to
// the browser to render, and then only sandboxed; everything else is turned
// into escaped HTML on the server.
const (
	kindNone     kind = ""
	kindImage    kind = "image"
	kindPDF      kind = "pdf"
	kindAudio    kind = "audio"
	kindVideo    kind = "video"
	kindTable    kind = "table"
	kindText     kind = "text"
	kindMarkdown kind = "markdown"
	kindJSON     kind = "json"
	kindZip      kind = "zip"
	kindTar      kind = "tar"
	kindNotebook kind = "notebook"
)

// rawTypes are the content types the raw preview serves, by extension:
// the only bytes a browser is asked to render.
func rawTypes() map[string]string {
	return map[string]string{
		".tif": "image/tiff", ".tiff": "image/tiff", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif", ".webp": "image/webp",
		".pdf": "application/pdf",
		".mp3": "audio/mpeg", ".ogg": "audio/ogg", ".oga": "audio/ogg", ".wav": "audio/wav", ".flac": "audio/flac",
		".m4a": "audio/mp4", ".opus": "audio/ogg",
		".mp4": "video/mp4", ".m4v": "video/mp4", ".webm": "video/webm", ".ogv": "video/ogg",
	}
}

// textExts are the extensions shown as (highlighted) source text. SVG,
// HTML and scripts are among them on purpose: they are shown, never run.
func textExts() map[string]bool {
	m := map[string]bool{}
	for e := range strings.FieldsSeq(`.txt .text .log .svg .html .htm .xhtml .xml .js .mjs .ts .css .py .r .rmd .jl .m
		.c .h .cpp .hpp .cc .java .kt .scala .go .rs .rb .php .pl .sh .bash .zsh .ps1 .bat .sql .yaml .yml .toml .ini
		.cfg .conf .tex .bib .ris .f90 .f .for .do .sas .sps .stan .nt .ttl .rdf .dat .nex .fasta .fa .fastq
		.gff .vcf .sam .pdb .cif .xyz .geojson .kml .gpx .srt .vtt .diff .patch .mk .cmake .dockerfile .gitignore .env
		.swift .lua .hs .ex .exs .erl .clj .vue .jsx .tsx .scss .less .rst .adoc .org .wkt .prj .qmd`) {
		m[e] = true
	}
	return m
}

// previewKind decides how a file is previewed from its name. The stored
// MIME type is the depositor's claim and is not trusted for this.
func previewKind(name string) kind {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := rawTypes()[ext]; ok {
		switch {
		case strings.HasPrefix(t, "image/"):
			return kindImage
		case strings.HasPrefix(t, "audio/"):
			return kindAudio
		case strings.HasPrefix(t, "video/"):
			return kindVideo
		}
		return kindPDF
	}
	switch ext {
	case ".csv", ".tsv", ".tab":
		return kindTable
	case ".md", ".markdown":
		return kindMarkdown
	case ".json", ".jsonld":
		return kindJSON
	case ".zip":
		return kindZip
	case ".tar", ".tgz":
		return kindTar
	case ".ipynb":
		return kindNotebook
	}
	if strings.HasSuffix(strings.ToLower(name), ".tar.gz") {
		return kindTar
	}
	if textExts()[ext] || strings.EqualFold(name, "README") || strings.EqualFold(name, "LICENSE") || strings.EqualFold(name, "Makefile") {
		return kindText
	}
	return kindNone
}

// previewable finds a file the caller may preview, under the same policy as
// downloads: any finished file of an item the caller may edit, or a file of
// a public version whose downloads are enabled. Everything else is not
// found, so that drafts do not leak. It also returns the title and path of
// the landing page to link back to.
func (s *Server) previewable(r *http.Request) (*app.File, string, string, error) {
	ctx := r.Context()
	fid, err := pathID(r, "fid")
	if err != nil {
		return nil, "", "", err
	}
	f, err := s.cat.File(ctx, fid)
	if err != nil {
		return nil, "", "", err
	}
	it, err := s.cat.Item(ctx, f.ItemID)
	if err != nil {
		return nil, "", "", err
	}
	a := actor(ctx)
	notFound := app.Errorf(app.ENOTFOUND, "file %d not found", fid)
	if app.CanDownloadDraft(a, it) {
		if f.Status != app.FileAvailable {
			return nil, "", "", app.Errorf(app.ECONFLICT, "This file has not finished uploading.")
		}
		return f, it.Draft.Title, itemURL(it.Draft.Title, it.ID, 0), nil
	}
	if !app.CanDownloadPublic(a, it) {
		return nil, "", "", notFound
	}
	_, n, err := s.cat.FileInPublicVersion(ctx, fid)
	if err != nil {
		return nil, "", "", err
	}
	ver, err := s.cat.Version(ctx, it.ID, n)
	if err != nil {
		return nil, "", "", err
	}
	if ver.Metadata.DownloadDisabled {
		return nil, "", "", app.Errorf(app.EFORBIDDEN, "Downloads are disabled for this item.")
	}
	return f, ver.Metadata.Title, itemURL(ver.Metadata.Title, it.ID, 0), nil
}

// previewPage is the data of the preview page.
type previewPage struct {
	File        *app.File
	Kind        kind
	ItemTitle   string
	ItemURL     string
	RawURL      string
	DownloadURL string
	HTML        template.HTML // highlighted code or rendered Markdown, already safe
	Header      []string
	Rows        [][]string
	Entries     []zipEntry
	Cells       []notebookCell
	Truncated   bool
	Note        string
}

func (s *Server) handlePreview(w http.ResponseWriter, r *http.Request) {
	f, title, itemPath, err := s.previewable(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &previewPage{File: f, Kind: previewKind(f.Name), ItemTitle: title, ItemURL: itemPath,
		RawURL: fmt.Sprintf("/preview/%d/raw", f.ID), DownloadURL: fmt.Sprintf("/v2/file/download/%d", f.ID)}
	switch p.Kind {
	case kindImage, kindPDF, kindAudio, kindVideo, kindNone:
	case kindTable:
		err = s.previewTable(r, f, p)
	case kindZip:
		err = s.previewZip(r, f, p)
	case kindTar:
		err = s.previewTar(r, f, p)
	case kindNotebook:
		err = s.previewNotebook(r, f, p)
	case kindMarkdown:
		err = s.previewMarkdown(r, f, p)
	default:
		err = s.previewText(r, f, p)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "preview", view{Title: f.Name, Meta: []metaTag{{"robots", "noindex"}}, Page: p})
}

// handlePreviewRaw serves the bytes of an image, PDF, audio or video file
// for the preview page to embed, with ranges so that media can seek. The
// response is sandboxed and never sniffed, so even a file that lies about
// its type cannot run script in Carrel's origin.
func (s *Server) handlePreviewRaw(w http.ResponseWriter, r *http.Request) {
	f, _, _, err := s.previewable(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ct, ok := rawTypes()[strings.ToLower(path.Ext(f.Name))]
	if !ok {
		s.fail(w, r, app.Errorf(app.ENOTFOUND, "no raw preview for this file"))
		return
	}
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Content-Disposition", "inline")
	h.Set("Cache-Control", "private, max-age=300")
	if isTIFF(f.Name) {
		s.serveTIFFAsPNG(w, r, f)
		return
	}
	blob, _, err := s.blobs.Open(r.Context(), f.StorageKey)
	if err != nil {
		s.fail(w, r, app.Internal(err, "open file"))
		return
	}
	defer blob.Close()
	h.Set("Content-Type", ct)
	if f.SHA256 != "" {
		h.Set("ETag", `"`+f.SHA256+`"`)
	}
	http.ServeContent(w, r, "", f.Created, blob)
}
