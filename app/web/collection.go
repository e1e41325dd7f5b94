package web

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"carrel/app"
	"carrel/app/formats"
)

// CollectionCatalog is what the collection pages need of the catalog.
type CollectionCatalog interface {
	Collection(ctx context.Context, id int64) (*app.Collection, error)
	CollectionVersion(ctx context.Context, id int64, number int) (*app.CollectionVersion, error)
	CollectionVersions(ctx context.Context, id int64) ([]app.CollectionVersion, error)
}

// collectionPage is the data of a collection's public page.
type collectionPage struct {
	Collection  *app.Collection
	Meta        *app.CollectionMetadata
	Draft       bool
	Version     int
	Latest      int
	Versions    []app.CollectionVersion
	Items       []memberRow
	Description template.HTML
	Categories  []app.Category
	DOIURL      string
	Path        string
	Citation    template.HTML
	CanEdit     bool
	Linked      bool // opened through a private link
}

// memberRow is one item listed on a collection page.
type memberRow struct {
	Title, URL, Authors string
}

func collectionURL(title string, id int64, v int) string {
	u := app.CollectionPath(title, id)
	if v > 0 {
		u += fmt.Sprintf("/versions/%d", v)
	}
	return u
}

func (s *Server) handleCollection(w http.ResponseWriter, r *http.Request) {
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
	c, err := s.cat.Collection(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a := actor(ctx)
	p := &collectionPage{Collection: c, CanEdit: app.CanEditCollection(a, c)}
	var members []int64
	switch {
	case app.CanSeeCollection(a, c):
		if want == 0 {
			want = c.Version
		}
		ver, err := s.cat.CollectionVersion(ctx, c.ID, want)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.Meta, p.Version, p.Latest, members = &ver.Metadata, ver.Number, c.Version, ver.Items
		if p.Versions, err = s.cat.CollectionVersions(ctx, c.ID); err != nil {
			s.fail(w, r, err)
			return
		}
		p.Citation = s.collectionCitation(r, c, ver)
	case app.CanEditCollection(a, c) && want == 0:
		p.Meta, p.Draft, members = &c.Draft, true, c.Items
	default:
		s.fail(w, r, app.Errorf(app.ENOTFOUND, "collection %d not found", id))
		return
	}
	if r.PathValue("slug") != app.Slug(p.Meta.Title) {
		http.Redirect(w, r, collectionURL(p.Meta.Title, c.ID, want*boolInt(r.PathValue("v") != "")), http.StatusMovedPermanently)
		return
	}
	s.renderCollection(w, r, p, members)
}

// serveCollectionLink shows the collection a private link opens, if the
// token names a collection: its current draft, listing only the items the
// public may see (the link opens the collection, not its members).
func (s *Server) serveCollectionLink(w http.ResponseWriter, r *http.Request) bool {
	l, err := s.cat.PrivateLinkByToken(r.Context(), r.PathValue("token"))
	if err != nil || l.Kind != app.LinkCollection {
		return false
	}
	c, err := s.cat.Collection(r.Context(), l.TargetID)
	if err != nil {
		s.fail(w, r, err)
		return true
	}
	p := &collectionPage{Collection: c, Meta: &c.Draft, Linked: true}
	s.renderCollection(w, r, p, c.Items)
	return true
}

// renderCollection lists the members the viewer may see and renders the
// page.
func (s *Server) renderCollection(w http.ResponseWriter, r *http.Request, p *collectionPage, members []int64) {
	ctx := r.Context()
	a := actor(ctx)
	c := p.Collection
	for _, mid := range members {
		it, err := s.cat.Item(ctx, mid)
		if app.ErrorCode(err) == app.ENOTFOUND {
			continue
		} else if err != nil {
			s.fail(w, r, err)
			return
		}
		row, ok, err := s.memberRow(ctx, a, it, p.Draft)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if ok {
			p.Items = append(p.Items, row)
		}
	}
	v, err := s.vocab(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Categories, p.Description = v.cats(p.Meta.Categories), s.description(p.Meta.Description)
	if p.Meta.DOI != "" {
		p.DOIURL = "https://doi.org/" + strings.TrimPrefix(p.Meta.DOI, "https://doi.org/")
	}
	p.Path = collectionURL(p.Meta.Title, c.ID, 0)
	meta := []metaTag{{"robots", "noindex"}}
	if !p.Draft && !p.Linked {
		meta = []metaTag{{"citation_title", p.Meta.Title}}
		for _, au := range p.Meta.Authors {
			meta = append(meta, metaTag{"citation_author", au.FullName})
		}
	}
	canonical := s.baseURL(r) + p.Path
	if p.Linked {
		privateHeaders(w)
		canonical = ""
	}
	s.render(w, r, http.StatusOK, "collection", view{Title: p.Meta.Title, Meta: meta, Canonical: canonical, Page: p})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// memberRow renders an item of a collection for the actor: on a published
// collection only items whose public record the actor may see (a private
// item never shows), on the owner's draft also the owner's own drafts.
func (s *Server) memberRow(ctx context.Context, a app.Actor, it *app.Item, draft bool) (memberRow, bool, error) {
	if draft && app.CanSeeDraft(a, it) {
		return memberRow{Title: it.Draft.Title + " (draft)", URL: itemURL(it.Draft.Title, it.ID, 0), Authors: authorNames(it.Draft.Authors)}, true, nil
	}
	if !app.CanListInCollection(a, it) {
		return memberRow{}, false, nil
	}
	ver, err := s.cat.Version(ctx, it.ID, it.Version)
	if err != nil {
		return memberRow{}, false, err
	}
	md := &ver.Metadata
	return memberRow{Title: md.Title, URL: itemURL(md.Title, it.ID, 0), Authors: authorNames(md.Authors)}, true, nil
}

func authorNames(as []app.Author) string {
	var names []string
	for _, a := range as {
		names = append(names, a.FullName)
	}
	return strings.Join(names, ", ")
}

// collectionCitation is the APA citation of a published collection
// version, as HTML.
func (s *Server) collectionCitation(r *http.Request, c *app.Collection, ver *app.CollectionVersion) template.HTML {
	rec := &formats.Record{Item: &app.Item{ID: c.ID, Version: c.Version, Published: c.Published},
		Version:    &app.Version{ItemID: c.ID, Number: ver.Number, Metadata: ver.Metadata.Metadata, Published: ver.Published},
		ItemType:   app.ItemType{Name: "Collection"},
		LandingURL: s.baseURL(r) + collectionURL(ver.Metadata.Title, c.ID, 0), VersionDOI: ver.Metadata.DOI, Publisher: s.cfg.Publisher}
	var b bytes.Buffer
	if err := formats.WriteAPAHTML(&b, rec); err != nil {
		return ""
	}
	return template.HTML(b.String())
}
