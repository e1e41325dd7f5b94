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

// article is Figshare's Article: the short form used in listings.
type article struct {
	ID             int64        `json:"id"`
	Title          string       `json:"title"`
	DOI            string       `json:"doi"`
	Handle         string       `json:"handle"`
	URL            string       `json:"url"`
	URLPublicHTML  string       `json:"url_public_html"`
	URLPublicAPI   string       `json:"url_public_api"`
	URLPrivateHTML string       `json:"url_private_html"`
	URLPrivateAPI  string       `json:"url_private_api"`
	Timeline       app.Timeline `json:"timeline"`
	Thumb          string       `json:"thumb"`
	DefinedType    int          `json:"defined_type"`
	DefinedName    string       `json:"defined_type_name"`
	ResourceDOI    string       `json:"resource_doi"`
	ResourceTitle  string       `json:"resource_title"`
	CreatedDate    string       `json:"created_date"`
	PublishedDate  *string      `json:"published_date"`
	ModifiedDate   string       `json:"modified_date"`
	GroupID        int64        `json:"group_id"`
}

// articleComplete is Figshare's ArticleCompletePrivate; the public form
// leaves the private fields empty.
type articleComplete struct {
	article
	Citation         string                `json:"citation"`
	ConfidentialWhy  string                `json:"confidential_reason"`
	IsConfidential   bool                  `json:"is_confidential"`
	Size             int64                 `json:"size"`
	Funding          string                `json:"funding"`
	FundingList      []app.Funding         `json:"funding_list"`
	Tags             []string              `json:"tags"`
	Keywords         []string              `json:"keywords"`
	Version          int                   `json:"version"`
	IsMetadataRecord bool                  `json:"is_metadata_record"`
	MetadataReason   string                `json:"metadata_reason"`
	Status           string                `json:"status"`
	Description      string                `json:"description"`
	IsEmbargoed      bool                  `json:"is_embargoed"`
	IsPublic         bool                  `json:"is_public"`
	HasLinkedFile    bool                  `json:"has_linked_file"`
	Categories       []app.Category        `json:"categories"`
	License          *licenseJSON          `json:"license"`
	EmbargoTitle     string                `json:"embargo_title"`
	EmbargoReason    string                `json:"embargo_reason"`
	EmbargoDate      *string               `json:"embargo_date"`
	EmbargoType      string                `json:"embargo_type"`
	References       []string              `json:"references"`
	RelatedMaterials []app.RelatedMaterial `json:"related_materials"`
	FigshareURL      string                `json:"figshare_url"`
	DownloadDisabled bool                  `json:"download_disabled"`
	Files            []fileJSON            `json:"files"`
	FolderStructure  map[string]string     `json:"folder_structure"`
	Authors          []authorJSON          `json:"authors"`
	CustomFields     []customFieldJSON     `json:"custom_fields"`
	// Supplementary are a published version's supplementary fields (a
	// Carrel extension; Figshare takes them but does not show them).
	Supplementary  []app.SupplementaryField `json:"supplementary_fields,omitempty"`
	EmbargoOptions []any                    `json:"embargo_options"`
	IsWithdrawn    bool                     `json:"is_withdrawn,omitempty"`
	WithdrawReason string                   `json:"withdrawal_reason,omitempty"`
	AccountID      *int64                   `json:"account_id,omitempty"`
	CurationStatus string                   `json:"curation_status,omitempty"`
}

// articleWithProject is Figshare's ArticleWithProject, the form search
// results take; Carrel items belong to no project until projects exist.
type articleWithProject struct {
	article
	ProjectID int64 `json:"project_id"`
}

type licenseJSON struct {
	Value int    `json:"value"`
	Name  string `json:"name"`
	URL   string `json:"url"`
}

type authorJSON struct {
	ID        int64  `json:"id"`
	FullName  string `json:"full_name"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	IsActive  bool   `json:"is_active"`
	URLName   string `json:"url_name"`
	ORCID     string `json:"orcid_id"`
}

type customFieldJSON struct {
	Name        string         `json:"name"`
	Value       any            `json:"value"`
	FieldType   string         `json:"field_type"`
	Settings    map[string]any `json:"settings"`
	Order       int            `json:"order"`
	IsMandatory bool           `json:"is_mandatory"`
}

// fileJSON is Figshare's PrivateFile; public responses omit the upload
// fields.
type fileJSON struct {
	ID              int64   `json:"id"`
	Name            string  `json:"name"`
	Size            int64   `json:"size"`
	IsLinkOnly      bool    `json:"is_link_only"`
	DownloadURL     string  `json:"download_url"`
	SuppliedMD5     string  `json:"supplied_md5"`
	ComputedMD5     string  `json:"computed_md5"`
	MimeType        string  `json:"mimetype,omitempty"`
	ViewerType      *string `json:"viewer_type,omitempty"`
	PreviewState    *string `json:"preview_state,omitempty"`
	UploadURL       string  `json:"upload_url,omitempty"`
	UploadToken     string  `json:"upload_token,omitempty"`
	Status          string  `json:"status,omitempty"`
	AttachedPublic  *bool   `json:"is_attached_to_public_version,omitempty"`
	SHA256          string  `json:"sha256,omitempty"`
	FolderPath      string  `json:"folder_path,omitempty"`
	VerificationErr string  `json:"error,omitempty"`
}

// base returns the site's public URL without a trailing slash.
func (s *Server) base(r *http.Request) string {
	if s.cfg.BaseURL != "" {
		return strings.TrimRight(s.cfg.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// shortArticle renders an item with the given metadata (its draft or a
// version's).
func (s *Server) shortArticle(r *http.Request, v *vocabulary, it *app.Item, md *app.Metadata, published time.Time) article {
	b := s.base(r)
	a := article{
		ID: it.ID, Title: md.Title, DOI: md.DOI, Handle: md.Handle,
		URL:            fmt.Sprintf("%s/v2/articles/%d", b, it.ID),
		URLPublicHTML:  b + app.LandingPath(md.Title, it.ID),
		URLPublicAPI:   fmt.Sprintf("%s/v2/articles/%d", b, it.ID),
		URLPrivateHTML: fmt.Sprintf("%s/account/articles/%d", b, it.ID),
		URLPrivateAPI:  fmt.Sprintf("%s/v2/account/articles/%d", b, it.ID),
		Timeline:       md.Timeline, DefinedType: md.ItemType, DefinedName: v.types[md.ItemType].StringID,
		ResourceDOI: md.ResourceDOI, ResourceTitle: md.ResourceTitle, Thumb: s.thumbURL(r, it, md),
		CreatedDate: stamp(it.Created), ModifiedDate: stamp(it.Modified), GroupID: it.GroupID,
	}
	if !published.IsZero() {
		p := stamp(published)
		a.PublishedDate = &p
		a.ModifiedDate = p
		if a.Timeline.FirstOnline == "" && !it.Published.IsZero() {
			a.Timeline.FirstOnline = stamp(it.Published)
		}
	}
	return a
}

// completeArticle renders the full record: of a version when ver is not
// nil (public view), else of the draft with its files (owner view).
func (s *Server) completeArticle(r *http.Request, v *vocabulary, it *app.Item, ver *app.Version, draftFiles []app.File) articleComplete {
	md, files, published, number := &it.Draft, draftFiles, time.Time{}, it.Version
	if ver != nil {
		md, files, published, number = &ver.Metadata, ver.Files, ver.Published, ver.Number
	}
	a := articleComplete{article: s.shortArticle(r, v, it, md, published)}
	a.Funding, a.FundingList = md.Funding, nonNil(md.FundingList)
	a.Tags, a.Keywords = nonNil(md.Keywords), nonNil(md.Keywords)
	a.Version, a.IsMetadataRecord, a.MetadataReason = number, md.IsMetadataRecord, md.MetadataReason
	a.Status = "draft"
	if it.IsPublic() {
		a.Status = "public"
	}
	a.Description, a.IsPublic = md.Description, it.IsPublic()
	a.Categories = []app.Category{}
	for _, id := range md.Categories {
		if c, ok := v.categories[id]; ok {
			a.Categories = append(a.Categories, c)
		}
	}
	if l, ok := v.licenses[md.License]; ok {
		a.License = &licenseJSON{l.ID, l.Name, l.URL}
	}
	a.References, a.RelatedMaterials = nonNil(md.References), nonNil(md.RelatedMaterials)
	a.FigshareURL, a.DownloadDisabled = a.URLPublicHTML, md.DownloadDisabled
	a.FolderStructure = map[string]string{}
	a.Files = []fileJSON{}
	for i := range files {
		f := &files[i]
		a.Size += f.Size
		a.Files = append(a.Files, s.publicFile(r, f))
		if f.Folder != "" {
			a.FolderStructure[fmt.Sprint(f.ID)] = f.Folder
		}
	}
	a.Authors = []authorJSON{}
	for _, au := range md.Authors {
		a.Authors = append(a.Authors, authorJSON{ID: au.ID, FullName: au.FullName, FirstName: au.FirstName, LastName: au.LastName,
			IsActive: au.AccountID != 0, URLName: au.URLName(), ORCID: au.ORCID})
	}
	a.CustomFields = []customFieldJSON{}
	for i, name := range slices.Sorted(maps.Keys(md.CustomFields)) {
		a.CustomFields = append(a.CustomFields, customFieldJSON{Name: name, Value: md.CustomFields[name], FieldType: "text",
			Settings: map[string]any{}, Order: i + 1})
	}
	a.EmbargoOptions, a.Supplementary = []any{}, md.Supplementary
	setAccessFields(&a, it)
	if it.Status == app.StatusWithdrawn {
		// A tombstone: the record stays citable, the files are gone.
		a.Status, a.IsWithdrawn, a.WithdrawReason = "withdrawn", true, it.WithdrawReason
		a.Files, a.FolderStructure, a.Size, a.Thumb = []fileJSON{}, map[string]string{}, 0, ""
	}
	a.Citation = s.citation(it, md, v, published, number, a.URLPublicHTML)
	if ver != nil {
		limitToView(&a, app.PublicView(actor(r.Context()), it, time.Now()))
	}
	if ver == nil {
		acct := it.AccountID
		a.AccountID, a.CurationStatus = &acct, it.CurationStatus
	}
	return a
}

// citation is the record's APA citation, as the landing page shows it.
func (s *Server) citation(it *app.Item, md *app.Metadata, v *vocabulary, published time.Time, number int, url string) string {
	rec := &formats.Record{Item: it, Version: &app.Version{ItemID: it.ID, Number: number, Metadata: *md, Published: published},
		ItemType: v.types[md.ItemType], License: v.licenses[md.License], LandingURL: url, VersionDOI: md.DOI,
		Publisher: s.cfg.Publisher}
	var b strings.Builder
	if err := formats.WriteAPA(&b, rec); err != nil {
		return "" // a draft without a title has no citation yet
	}
	return b.String()
}

// publicFile renders a file as Figshare's PublicFile.
func (s *Server) publicFile(r *http.Request, f *app.File) fileJSON {
	return fileJSON{ID: f.ID, Name: f.Name, Size: f.Size, DownloadURL: fmt.Sprintf("%s/v2/file/download/%d", s.base(r), f.ID),
		SuppliedMD5: f.SuppliedMD5, ComputedMD5: f.ComputedMD5, MimeType: f.MimeType, FolderPath: f.Folder}
}

// privateFile renders a file as Figshare's PrivateFile, with its upload
// fields and status.
func (s *Server) privateFile(r *http.Request, f *app.File, attached bool) fileJSON {
	j := s.publicFile(r, f)
	viewer, preview := "", "preview not available"
	j.ViewerType, j.PreviewState = &viewer, &preview
	j.UploadURL = fmt.Sprintf("%s/upload/%s", s.base(r), f.UploadToken)
	j.UploadToken, j.Status, j.AttachedPublic = f.UploadToken, string(f.Status), &attached
	j.SHA256, j.VerificationErr = f.SHA256, f.Error
	return j
}
