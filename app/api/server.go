// Package api serves Carrel's HTTP API: the Figshare-compatible REST API v2,
// the upload service of Figshare's file upload flow, and health checks.
package api

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"carrel/app"
	"carrel/app/auth"
	"carrel/storage"
)

// Catalog is what the API needs of the metadata store.
type Catalog interface {
	AccountByTokenHash(ctx context.Context, hash string) (*app.Account, error)
	Account(ctx context.Context, id int64) (*app.Account, error)
	// Actor loads an account's roles into the actor the policy decides for.
	Actor(ctx context.Context, a *app.Account) (app.Actor, error)

	ItemTypes(ctx context.Context) ([]app.ItemType, error)
	Licenses(ctx context.Context) ([]app.License, error)
	Categories(ctx context.Context) ([]app.Category, error)
	// VocabularyGeneration changes when administrators change a
	// vocabulary, so that the cached copy is loaded again.
	VocabularyGeneration() int64
	Groups(ctx context.Context) ([]app.Group, error)

	CreateItem(ctx context.Context, accountID, groupID int64, md app.Metadata) (*app.Item, error)
	Item(ctx context.Context, id int64) (*app.Item, error)
	UpdateDraft(ctx context.Context, id int64, md app.Metadata) (*app.Item, error)
	DeleteItem(ctx context.Context, id int64) ([]string, error)
	ListItems(ctx context.Context, f app.ItemFilter) ([]app.ListedItem, error)
	Publish(ctx context.Context, id int64) (*app.Version, error)
	// ReserveDOI and ReserveHandle give an item an identifier, or return
	// the one it has; ECONFLICT for a withdrawn item or one with its own.
	ReserveDOI(ctx context.Context, id int64, doi string) (string, error)
	ReserveHandle(ctx context.Context, id int64, handle string) (string, error)
	Withdraw(ctx context.Context, id int64, reason string, who app.AuditEntry) error
	Version(ctx context.Context, itemID int64, number int) (*app.Version, error)
	// AmendVersion changes what may change in a published version without
	// a new one; EUNPROCESSABLE for a thumbnail not among its files,
	// ECONFLICT for a withdrawn item.
	AmendVersion(ctx context.Context, itemID int64, number int, a app.VersionAmendment) error
	Versions(ctx context.Context, itemID int64) ([]app.Version, error)

	CreateFile(ctx context.Context, f *app.File, quota int64) error
	File(ctx context.Context, id int64) (*app.File, error)
	FileByUploadToken(ctx context.Context, token string) (*app.File, error)
	DraftFiles(ctx context.Context, itemID int64) ([]app.File, error)
	InPublishedVersion(ctx context.Context, fileID int64) (bool, error)
	FileInPublicVersion(ctx context.Context, fileID int64) (int64, int, error)
	DoneParts(ctx context.Context, fileID int64) (map[int]bool, error)
	MarkPartDone(ctx context.Context, fileID int64, partNo int) error
	ResetPart(ctx context.Context, fileID int64, partNo int) error
	FinishFile(ctx context.Context, f *app.File) error
	RemoveDraftFile(ctx context.Context, f *app.File) (string, error)

	Ping(ctx context.Context) error
	SigninCatalog

	OAuthCatalog

	// Access: embargo, confidentiality, private links; each change is
	// audited as done by who.
	SetEmbargo(ctx context.Context, id int64, e app.Embargo, who app.AuditEntry) (*app.Item, error)
	SetConfidentiality(ctx context.Context, id int64, c app.Confidentiality, who app.AuditEntry) (*app.Item, error)
	CreatePrivateLink(ctx context.Context, l *app.PrivateLink, who app.AuditEntry) error
	PrivateLinks(ctx context.Context, kind app.LinkTarget, targetID int64) ([]app.PrivateLink, error)
	UpdatePrivateLink(ctx context.Context, kind app.LinkTarget, targetID int64, token string, expires time.Time, who app.AuditEntry) (*app.PrivateLink, error)
	DeletePrivateLink(ctx context.Context, kind app.LinkTarget, targetID int64, token string, who app.AuditEntry) error
	CollectionCatalog
	ProjectCatalog
	PeopleCatalog
	ReportCatalog
	InstitutionCatalog
	GroupSettingsCatalog
	app.ReviewStore
}

// Config is the part of Carrel's configuration the API uses.
type Config struct {
	BaseURL      string // public URL of the site, e.g. https://data.example.edu; empty = from the request
	MaxFileSize  int64  // bytes; larger files are refused with 413
	DefaultQuota int64  // bytes per account when the account sets none; 0 = unlimited
	MaxBodyBytes int64  // JSON request bodies
	Publisher    string // the institution, as citations name the publisher
	// Identifiers names the DOIs and handles reserve_doi and reserve_handle give.
	Identifiers app.Identifiers
	// Usage answers /stats; nil = statistics are not served.
	Usage Usage
	// Recorder counts downloads; nil = usage is not recorded.
	Recorder Recorder
	// Institution is the short name of the /stats/{institution}/...
	// variants; empty = no institution-prefixed statistics.
	Institution string
	// AddressHeader names the header a reverse proxy puts the client's
	// address in, for the audit log; empty means the connection's address.
	AddressHeader string
	// Jobs answers /v2/admin/jobs (a Carrel extension); nil hides it.
	Jobs app.JobBoard
	// HRFeed imports institution HR feeds; nil answers 403.
	HRFeed app.HRFeedImporter
	// OAuth access and refresh tokens live this long; 0 means one hour and
	// thirty days.
	OAuthAccessTTL, OAuthRefreshTTL time.Duration
}

// Server is the API's HTTP handler.
type Server struct {
	cfg      Config
	cat      Catalog
	blobs    storage.Backend
	search   Searcher
	sessions *auth.Sessions
	log      *slog.Logger
	mux      *http.ServeMux
	parts    partLocks
	vc       vocabCache
	// patterns are the registered routes, for the coverage page.
	patterns []string
}

// New returns a Server.
// sessions, if not nil, lets signed-in browsers use the API (the web
// uploader does); tokens take precedence.
func New(cfg Config, cat Catalog, blobs storage.Backend, index Searcher, sessions *auth.Sessions, log *slog.Logger) *Server {
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = 4 << 20
	}
	if cfg.OAuthAccessTTL <= 0 {
		cfg.OAuthAccessTTL = time.Hour
	}
	if cfg.OAuthRefreshTTL <= 0 {
		cfg.OAuthRefreshTTL = 30 * 24 * time.Hour
	}
	s := &Server{cfg: cfg, cat: cat, blobs: blobs, search: index, sessions: sessions, log: log, mux: http.NewServeMux(), parts: partLocks{held: map[partKey]bool{}}}
	s.routes()
	return s
}

// Handler returns the server's handler with its middleware.
func (s *Server) Handler() http.Handler {
	return s.withCORS(s.withRequestLog(http.HandlerFunc(s.dispatch)))
}

// Routes lists the method and path pattern of every API route, so that
// the API coverage page can be generated from what is really served.
func (s *Server) Routes() []string { return append([]string{}, s.patterns...) }

// handle registers a route and remembers its pattern. GET routes answer
// conditional requests.
func (s *Server) handle(pattern string, h http.HandlerFunc) {
	s.patterns = append(s.patterns, pattern)
	if strings.HasPrefix(pattern, "GET ") {
		h = conditional(h)
	}
	s.mux.HandleFunc(pattern, h)
}

func (s *Server) routes() {
	s.handle("GET /healthz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok\n") })
	s.handle("GET /readyz", s.handleReady)

	s.handle("POST /v2/token", s.handleTokenCreate)
	s.handle("GET /v2/token", s.authed(s.handleTokenInfo))
	s.handle("GET /v2/admin/oauth/applications", s.adminOnly(s.handleOAuthAppList))
	s.handle("POST /v2/admin/oauth/applications", s.adminOnly(s.handleOAuthAppCreate))
	s.handle("DELETE /v2/admin/oauth/applications/{client_id}", s.adminOnly(s.handleOAuthAppRemove))

	s.handle("GET /v2/item_types", s.handleItemTypes)
	s.handle("GET /v2/licenses", s.handleLicenses)
	s.handle("GET /v2/categories", s.handleCategories)

	s.handle("GET /v2/articles", s.handlePublicList)
	s.handle("POST /v2/articles/search", s.handlePublicSearch)
	s.handle("POST /v2/account/articles/search", s.authed(s.handleOwnSearch))
	s.handle("POST /v2/articles/search/facets", s.handlePublicFacets)
	s.handle("POST /v2/account/articles/search/facets", s.authed(s.handleOwnFacets))
	s.handle("GET /v2/articles/{id}", s.handlePublicArticle)
	s.handle("GET /v2/articles/{id}/versions", s.handlePublicVersions)
	s.handle("GET /v2/articles/{id}/versions/{v}", s.handlePublicVersion)
	s.handle("GET /v2/articles/{id}/versions/{v}/files", s.handlePublicVersionFiles)
	s.handle("GET /v2/articles/{id}/versions/{v}/download", s.handlePublicVersionZip)
	s.handle("GET /v2/articles/{id}/files", s.handlePublicFiles)
	s.handle("GET /v2/articles/{id}/files/{fid}", s.handlePublicFile)
	s.handle("GET /v2/articles/{id}/download", s.handlePublicZip)
	s.handle("GET /v2/file/download/{fid}", s.handleFileDownload)

	s.handle("GET /v2/account/articles", s.authed(s.handleOwnList))
	s.handle("POST /v2/account/articles", s.authed(s.handleCreate))
	s.handle("GET /v2/account/articles/{id}", s.authed(s.handleOwnArticle))
	s.handle("PUT /v2/account/articles/{id}", s.authed(s.handleUpdate))
	s.handle("PATCH /v2/account/articles/{id}", s.authed(s.handleUpdate))
	s.handle("DELETE /v2/account/articles/{id}", s.authed(s.handleDelete))
	s.handle("POST /v2/account/articles/{id}/publish", s.authed(s.handlePublish))
	s.handle("GET /v2/account/articles/{id}/download", s.authed(s.handleOwnZip))
	s.handle("POST /v2/account/articles/{id}/reserve_doi", s.authed(s.handleReserveDOI))
	s.handle("POST /v2/account/articles/{id}/reserve_handle", s.authed(s.handleReserveHandle))
	s.handle("POST /v2/account/articles/{id}/unpublish", s.authed(s.handleUnpublish))
	s.handle("POST /v2/account/articles/{id}/resource", s.authed(s.handleArticleResource))
	s.handle("PUT /v2/account/articles/{id}/versions/{v}", s.authed(s.handleVersionUpdate))
	s.handle("PATCH /v2/account/articles/{id}/versions/{v}", s.authed(s.handleVersionUpdate))
	s.handle("PUT /v2/account/articles/{id}/versions/{v}/update_thumb", s.authed(s.handleVersionThumb))
	s.handle("GET /v2/account/articles/{id}/authors", s.authed(s.handleAuthorsList))
	s.handle("POST /v2/account/articles/{id}/authors", s.authed(s.handleAuthorsSet))
	s.handle("PUT /v2/account/articles/{id}/authors", s.authed(s.handleAuthorsSet))
	s.handle("DELETE /v2/account/articles/{id}/authors/{aid}", s.authed(s.handleAuthorDelete))
	s.handle("GET /v2/account/articles/{id}/categories", s.authed(s.handleCategoriesList))
	s.handle("POST /v2/account/articles/{id}/categories", s.authed(s.handleCategoriesSet))
	s.handle("PUT /v2/account/articles/{id}/categories", s.authed(s.handleCategoriesSet))
	s.handle("DELETE /v2/account/articles/{id}/categories/{cid}", s.authed(s.handleCategoryDelete))
	s.handle("GET /v2/account/articles/{id}/files", s.authed(s.handleOwnFiles))
	s.handle("POST /v2/account/articles/{id}/files", s.authed(s.handleFileCreate))
	s.handle("GET /v2/account/articles/{id}/files/{fid}", s.authed(s.handleOwnFile))
	s.handle("POST /v2/account/articles/{id}/files/{fid}", s.authed(s.handleFileComplete))
	s.handle("DELETE /v2/account/articles/{id}/files/{fid}", s.authed(s.handleFileDelete))

	s.accessRoutes()
	s.institutionRoutes()
	s.customFieldRoutes()
	s.collectionRoutes()
	s.projectRoutes()
	s.peopleRoutes()
	s.reportRoutes()

	s.handle("POST /v2/institution/hrfeed/upload", s.authed(s.handleHRFeedUpload))
	s.handle("GET /v2/account/institution/reviews", s.authed(s.handleReviews))
	s.handle("GET /v2/account/institution/review/{curation_id}", s.authed(s.handleReview))
	s.handle("GET /v2/account/institution/review/{curation_id}/comments", s.authed(s.handleReviewComments))
	s.handle("POST /v2/account/institution/review/{curation_id}/comments", s.authed(s.handleReviewComment))
	s.handle("POST /v2/account/institution/review/{curation_id}/assign", s.authed(s.handleReviewAssign))
	s.handle("POST /v2/account/institution/review/{curation_id}/approve", s.authed(s.handleReviewApprove))
	s.handle("POST /v2/account/institution/review/{curation_id}/decline", s.authed(s.handleReviewDecline))
	s.handle("GET /v2/admin/jobs", s.admin(s.handleAdminJobs))
	s.handle("GET /v2/admin/jobs/{name}/runs", s.admin(s.handleAdminJobRuns))

	s.handle("GET /upload/{token}", s.handleUploadInfo)
	s.handle("PUT /upload/{token}/{part}", s.handlePartPut)
	s.handle("DELETE /upload/{token}/{part}", s.handlePartReset)

	// The /stats paths are routed by handleStats; they are listed for
	// the coverage page.
	s.patterns = append(s.patterns, statsRoutes...)
	s.mux.HandleFunc("GET /stats/", s.handleStats)
	s.signinRoutes()
}

func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.cat.Ping(ctx); err != nil {
		s.log.Error("readiness: catalog", "err", err)
		http.Error(w, "catalog unavailable", http.StatusServiceUnavailable)
		return
	}
	io.WriteString(w, "ready\n")
}

// partKey names one part of one upload.
type partKey struct {
	file int64
	part int
}

// partLocks marks parts being written, so a concurrent PUT of the same part
// is told to retry instead of racing the first.
type partLocks struct {
	mu   sync.Mutex
	held map[partKey]bool
}

func (l *partLocks) lock(k partKey) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held[k] {
		return false
	}
	l.held[k] = true
	return true
}

func (l *partLocks) unlock(k partKey) {
	l.mu.Lock()
	delete(l.held, k)
	l.mu.Unlock()
}

func (l *partLocks) locked(k partKey) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.held[k]
}
