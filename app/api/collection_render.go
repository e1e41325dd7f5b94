package api

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"carrel/app"
	"carrel/app/formats"
)

// collectionJSON is Figshare's Collection: the short form in listings.
type collectionJSON struct {
	ID            int64        `json:"id"`
	Title         string       `json:"title"`
	DOI           string       `json:"doi"`
	Handle        string       `json:"handle"`
	URL           string       `json:"url"`
	Timeline      app.Timeline `json:"timeline"`
	PublishedDate *string      `json:"published_date"`
}

// collectionComplete is Figshare's CollectionComplete; the owner's view
// (CollectionCompletePrivate) adds account_id.
type collectionComplete struct {
	collectionJSON
	ArticlesCount    int                   `json:"articles_count"`
	Authors          []authorJSON          `json:"authors"`
	Categories       []app.Category        `json:"categories"`
	Citation         string                `json:"citation"`
	CreatedDate      string                `json:"created_date"`
	ModifiedDate     string                `json:"modified_date"`
	CustomFields     []customFieldJSON     `json:"custom_fields"`
	Description      string                `json:"description"`
	Funding          []fundingJSON         `json:"funding"`
	GroupID          int64                 `json:"group_id"`
	InstitutionID    int64                 `json:"institution_id"`
	Keywords         []string              `json:"keywords"`
	Tags             []string              `json:"tags"`
	Public           bool                  `json:"public"`
	References       []string              `json:"references"`
	RelatedMaterials []app.RelatedMaterial `json:"related_materials"`
	ResourceDOI      string                `json:"resource_doi"`
	ResourceID       string                `json:"resource_id"`
	ResourceLink     string                `json:"resource_link"`
	ResourceTitle    string                `json:"resource_title"`
	ResourceVersion  int                   `json:"resource_version"`
	Version          int                   `json:"version"`
	AccountID        *int64                `json:"account_id,omitempty"`
}

// fundingJSON is Figshare's FundingInformation.
type fundingJSON struct {
	ID            int64  `json:"id"`
	Title         string `json:"title"`
	GrantCode     string `json:"grant_code"`
	FunderName    string `json:"funder_name"`
	IsUserDefined int    `json:"is_user_defined"`
	URL           string `json:"url"`
}

func fundingOf(list []app.Funding) []fundingJSON {
	out := []fundingJSON{}
	for _, f := range list {
		out = append(out, fundingJSON{ID: f.ID, Title: f.Title, GrantCode: f.GrantCode, FunderName: f.Funder, IsUserDefined: 1, URL: f.URL})
	}
	return out
}

// shortCollection renders a collection with the given metadata (its draft
// or a version's).
func (s *Server) shortCollection(r *http.Request, c *app.Collection, md *app.CollectionMetadata, published time.Time) collectionJSON {
	j := collectionJSON{ID: c.ID, Title: md.Title, DOI: md.DOI, Handle: md.Handle,
		URL: fmt.Sprintf("%s/v2/collections/%d", s.base(r), c.ID), Timeline: md.Timeline}
	if !published.IsZero() {
		p := stamp(published)
		j.PublishedDate = &p
		if j.Timeline.FirstOnline == "" && !c.Published.IsZero() {
			j.Timeline.FirstOnline = stamp(c.Published)
		}
	}
	if c.AccountID != 0 && published.IsZero() {
		j.URL = fmt.Sprintf("%s/v2/account/collections/%d", s.base(r), c.ID)
	}
	return j
}

// completeCollection renders the full record of a version (public view)
// or, when ver is nil, of the draft (owner view). count is the number of
// articles the caller is shown.
func (s *Server) completeCollection(r *http.Request, v *vocabulary, c *app.Collection, ver *app.CollectionVersion, count int) collectionComplete {
	md, published, number := &c.Draft, time.Time{}, c.Version
	if ver != nil {
		md, published, number = &ver.Metadata, ver.Published, ver.Number
	}
	j := collectionComplete{collectionJSON: s.shortCollection(r, c, md, published)}
	if ver != nil {
		j.URL = fmt.Sprintf("%s/v2/collections/%d", s.base(r), c.ID)
	}
	j.ArticlesCount = count
	j.Authors = []authorJSON{}
	for _, a := range md.Authors {
		j.Authors = append(j.Authors, authorOf(a))
	}
	j.Categories = []app.Category{}
	for _, id := range md.Categories {
		if cat, ok := v.categories[id]; ok {
			j.Categories = append(j.Categories, cat)
		}
	}
	j.CreatedDate, j.ModifiedDate = stamp(c.Created), stamp(c.Modified)
	if !published.IsZero() {
		j.ModifiedDate = stamp(published)
	}
	j.CustomFields = []customFieldJSON{}
	for i, name := range slices.Sorted(maps.Keys(md.CustomFields)) {
		j.CustomFields = append(j.CustomFields, customFieldJSON{Name: name, Value: md.CustomFields[name], FieldType: "text",
			Settings: map[string]any{}, Order: i + 1})
	}
	j.Description, j.Funding, j.GroupID = md.Description, fundingOf(md.FundingList), c.GroupID
	j.Keywords, j.Tags = nonNil(md.Keywords), nonNil(md.Keywords)
	j.Public = c.IsPublic()
	j.References, j.RelatedMaterials = nonNil(md.References), nonNil(md.RelatedMaterials)
	j.ResourceDOI, j.ResourceID, j.ResourceLink = md.ResourceDOI, md.ResourceID, md.ResourceLink
	j.ResourceTitle, j.ResourceVersion, j.Version = md.ResourceTitle, md.ResourceVersion, number
	j.Citation = s.collectionCitation(r, c, md, published, number)
	if ver == nil {
		acct := c.AccountID
		j.AccountID = &acct
	}
	return j
}

// collectionCitation is the collection's APA citation, as its landing page
// shows it; empty while it has no title.
func (s *Server) collectionCitation(r *http.Request, c *app.Collection, md *app.CollectionMetadata, published time.Time, number int) string {
	rec := &formats.Record{Item: &app.Item{ID: c.ID, Version: c.Version, Published: c.Published},
		Version:    &app.Version{ItemID: c.ID, Number: number, Metadata: md.Metadata, Published: published},
		ItemType:   app.ItemType{Name: "Collection"},
		LandingURL: s.base(r) + app.CollectionPath(md.Title, c.ID), VersionDOI: md.DOI, Publisher: s.cfg.Publisher}
	var b strings.Builder
	if err := formats.WriteAPA(&b, rec); err != nil {
		return ""
	}
	return b.String()
}
