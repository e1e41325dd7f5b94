package web

import (
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"carrel/app"
)

// itemURL is the landing page path of an item (of one version when v > 0).
func itemURL(title string, id int64, v int) string {
	u := app.LandingPath(title, id)
	if v > 0 {
		u += fmt.Sprintf("/versions/%d", v)
	}
	return u
}

// pathID parses a positive integer path value; anything else is not found.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, app.Errorf(app.ENOTFOUND, "not found")
	}
	return id, nil
}

// fileRow is one file in a landing page's file list.
type fileRow struct {
	app.File
	DownloadURL string
	PreviewURL  string
}

// itemPage is the data of the landing page.
type itemPage struct {
	Item        *app.Item
	Meta        *app.Metadata
	Draft       bool // showing the unpublished draft to its owner
	Withdrawn   bool
	Version     int // the version shown, 0 for a draft
	Latest      int
	Versions    []app.Version
	Files       []fileRow
	TotalSize   int64
	ZipURL      string
	Description template.HTML
	ItemType    app.ItemType
	License     app.License
	Categories  []app.Category
	Group       *groupLink // the group the item belongs to, if any
	DOIURL      string
	URL         string // absolute landing URL
	Path        string // landing path, without a version
	Cite        citation
	Share       []shareLink
	CanEdit     bool
	// CanFeature is set for an administrator on a public item's page;
	// Featured says whether the home page features the item.
	CanFeature, Featured bool
	Usage                *itemUsage // counts and chart of a public item
	// Notice explains what an embargo or confidentiality hides.
	Notice string
	// Stub is a whole-item embargo's page: title and notice only.
	Stub bool
	// LinkToken is set when the page is seen through a private link; its
	// files download through the link.
	LinkToken string
	JSONLD    template.JS // schema.org description of a public version
}

// shareLink is a link that shares the landing page elsewhere.
type shareLink struct{ Name, URL string }

func (s *Server) handleItem(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	want := 0
	if r.PathValue("v") != "" {
		n, err := pathID(r, "v")
		if err != nil {
			s.fail(w, r, err)
			return
		}
		want = int(n)
	}
	// Content negotiation: machines asking for a metadata format get it
	// from the same URL; HTML stays the default.
	w.Header().Set("Vary", "Accept")
	if f, ok := negotiateMetadata(r); ok {
		s.serveMetadata(w, r, id, want, f)
		return
	}
	it, err := s.cat.Item(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a := actor(ctx)
	p := &itemPage{Item: it, CanEdit: app.CanEdit(a, it)}
	files, err := s.itemView(r, a, it, p, want)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if r.PathValue("slug") != app.Slug(p.Meta.Title) {
		target := itemURL(p.Meta.Title, it.ID, 0)
		if r.PathValue("v") != "" {
			target = itemURL(p.Meta.Title, it.ID, p.Version)
		}
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, target, http.StatusMovedPermanently)
		return
	}
	if err := s.fillItemPage(r, p, files); err != nil {
		s.fail(w, r, err)
		return
	}
	if a.Admin && !p.Draft && !p.Withdrawn && !p.Stub && p.LinkToken == "" && app.FindableByAll(it, time.Now()) {
		ids, err := s.cat.Featured(ctx)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.CanFeature, p.Featured = true, slices.Contains(ids, it.ID)
	}
	if !p.Draft && !p.Stub {
		if err := s.signpostPage(w, r, p, it.ID, want); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if !p.Draft && !p.Withdrawn && !p.Stub && p.LinkToken == "" {
		s.recordUse(r, app.UsageView, it, p.Version)
		p.Usage = s.usageFor(r, it)
	}
	status := http.StatusOK
	if p.Withdrawn {
		status = http.StatusGone
	}
	s.render(w, r, status, "item", view{Title: p.Meta.Title, Meta: s.citationMeta(r, p),
		Canonical: p.URL, Page: p})
}

// fillItemPage resolves vocabulary and builds file rows and links.
func (s *Server) fillItemPage(r *http.Request, p *itemPage, files []app.File) error {
	v, err := s.vocab(r.Context())
	if err != nil {
		return err
	}
	md := p.Meta
	p.ItemType, p.License, p.Categories = v.typeByID[md.ItemType], v.licByID[md.License], v.cats(md.Categories)
	if p.Item.GroupID != 0 {
		if g, err := s.cat.Group(r.Context(), p.Item.GroupID); err == nil {
			p.Group = &groupLink{g.Name, groupURL(*g)}
		} else if app.ErrorCode(err) != app.ENOTFOUND {
			return err
		}
	}
	p.Description = s.description(md.Description)
	if md.DOI != "" {
		p.DOIURL = "https://doi.org/" + strings.TrimPrefix(md.DOI, "https://doi.org/")
	}
	p.Path = itemURL(md.Title, p.Item.ID, 0)
	p.URL = s.baseURL(r) + p.Path
	if !p.Withdrawn {
		for _, f := range files {
			row := fileRow{File: f}
			if f.Status == app.FileAvailable && (p.Draft || !md.DownloadDisabled) {
				row.DownloadURL = fmt.Sprintf("/v2/file/download/%d", f.ID)
				if previewKind(f.Name) != kindNone {
					row.PreviewURL = fmt.Sprintf("/preview/%d", f.ID)
				}
				if p.LinkToken != "" {
					row.DownloadURL, row.PreviewURL = fmt.Sprintf("/s/%s/files/%d", p.LinkToken, f.ID), ""
				}
			}
			p.TotalSize += f.Size
			p.Files = append(p.Files, row)
		}
	}
	if !p.Draft && !p.Withdrawn && !p.Stub {
		p.Share = shareLinks(p.Item)
	}
	return nil
}

// citationMeta builds the Highwire Press tags Google Scholar and reference
// managers read from landing pages.
func (s *Server) citationMeta(r *http.Request, p *itemPage) []metaTag {
	if p.Draft || p.Withdrawn || p.Stub {
		return []metaTag{{"robots", "noindex"}}
	}
	md := p.Meta
	tags := []metaTag{{"citation_title", md.Title}}
	for _, a := range md.Authors {
		tags = append(tags, metaTag{"citation_author", a.FullName})
	}
	for _, v := range p.Versions {
		if v.Number == p.Version {
			tags = append(tags, metaTag{"citation_publication_date", v.Published.UTC().Format("2006/01/02")})
		}
	}
	if md.DOI != "" {
		tags = append(tags, metaTag{"citation_doi", strings.TrimPrefix(md.DOI, "https://doi.org/")})
	}
	for _, k := range md.Keywords {
		tags = append(tags, metaTag{"citation_keywords", k})
	}
	for _, f := range p.Files {
		if f.DownloadURL != "" && previewKind(f.Name) == kindPDF {
			tags = append(tags, metaTag{"citation_pdf_url", s.baseURL(r) + f.DownloadURL})
			break
		}
	}
	return tags
}
