package web

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"carrel/app"
)

// sitemapSize is how many URLs one sitemap file holds (the protocol allows
// 50,000; smaller files are cheaper to build per request).
const sitemapSize = 10_000

// handleRobots tells crawlers what to index and where the sitemap is:
// public pages yes; workspaces, administration, previews and private-link
// pages no.
func (s *Server) handleRobots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	fmt.Fprintf(w, "User-agent: *\nAllow: /\nDisallow: /account\nDisallow: /admin\nDisallow: /login\nDisallow: /preview/\nDisallow: /s/\n\nSitemap: %s/sitemap.xml\n", s.baseURL(r))
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// handleSitemapIndex is /sitemap.xml: a sitemap index with one sitemap
// per sitemapSize public items, newest first.
func (s *Server) handleSitemapIndex(w http.ResponseWriter, r *http.Request) {
	total := 0
	for off := 0; ; off += 1000 {
		rows, err := s.cat.ListItems(r.Context(), app.ItemFilter{Order: "published_date", Desc: true, Offset: off, Limit: 1000})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		total += len(rows)
		if len(rows) < 1000 {
			break
		}
	}
	type entry struct {
		Loc string `xml:"loc"`
	}
	idx := struct {
		XMLName  xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
		Sitemaps []entry  `xml:"sitemap"`
	}{}
	for n := 0; n*sitemapSize < total || n == 0; n++ {
		idx.Sitemaps = append(idx.Sitemaps, entry{fmt.Sprintf("%s/sitemap-%d.xml", s.baseURL(r), n+1)})
	}
	writeXML(w, idx)
}

// handleSitemap is /sitemap-{n}.xml: the landing pages of public items
// (those anyone may see in full or as metadata), with their last change.
func (s *Server) handleSitemap(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(r.PathValue("file"), "sitemap-"), ".xml"))
	if err != nil || n < 1 {
		s.fail(w, r, app.Errorf(app.ENOTFOUND, "There is no page at this address."))
		return
	}
	set := struct {
		XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
		URLs    []sitemapURL `xml:"url"`
	}{}
	now := time.Now()
	for off := (n - 1) * sitemapSize; off < n*sitemapSize; off += 1000 {
		rows, err := s.cat.ListItems(r.Context(), app.ItemFilter{Order: "published_date", Desc: true, Offset: off, Limit: 1000})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, row := range rows {
			if !app.FindableByAll(row.Item, now) || row.Version == nil {
				continue
			}
			set.URLs = append(set.URLs, sitemapURL{Loc: s.baseURL(r) + itemURL(row.Version.Metadata.Title, row.Item.ID, 0),
				LastMod: row.Item.Modified.UTC().Format(time.RFC3339)})
		}
		if len(rows) < 1000 {
			break
		}
	}
	if len(set.URLs) == 0 && n > 1 {
		s.fail(w, r, app.Errorf(app.ENOTFOUND, "There is no page at this address."))
		return
	}
	writeXML(w, set)
}

func writeXML(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write([]byte(xml.Header))
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	enc.Encode(v)
}

// handleSitemapOr404 serves /sitemap-N.xml; any other one-segment path that
// no page claims is not found.
func (s *Server) handleSitemapOr404(w http.ResponseWriter, r *http.Request) {
	if f := r.PathValue("file"); strings.HasPrefix(f, "sitemap-") && strings.HasSuffix(f, ".xml") {
		s.handleSitemap(w, r)
		return
	}
	s.fail(w, r, app.Errorf(app.ENOTFOUND, "There is no page at this address."))
}
