// Package web serves Carrel's human pages: the public home, search and item
// landing pages, safe file previews, sign-in and the depositor's workspace.
// Pages are rendered on the server from the templates in package ui; the
// only script is the upload helper.
package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/microcosm-cc/bluemonday"

	"carrel/app"
	"carrel/app/auth"
	"carrel/storage"
)

// Catalog is what the web pages need of the metadata store.
type Catalog interface {
	Item(ctx context.Context, id int64) (*app.Item, error)
	Version(ctx context.Context, itemID int64, number int) (*app.Version, error)
	Versions(ctx context.Context, itemID int64) ([]app.Version, error)
	ListItems(ctx context.Context, f app.ItemFilter) ([]app.ListedItem, error)
	File(ctx context.Context, id int64) (*app.File, error)
	DraftFiles(ctx context.Context, itemID int64) ([]app.File, error)
	FileInPublicVersion(ctx context.Context, fileID int64) (itemID int64, version int, err error)
	// PublicCounts counts public items and the files of their latest
	// versions.
	PublicCounts(ctx context.Context) (items, files int64, err error)

	CreateItem(ctx context.Context, accountID, groupID int64, md app.Metadata) (*app.Item, error)
	UpdateDraft(ctx context.Context, id int64, md app.Metadata) (*app.Item, error)
	Publish(ctx context.Context, id int64) (*app.Version, error)

	Account(ctx context.Context, id int64) (*app.Account, error)
	// SetFeatured features a public item on the home page, or stops;
	// Featured lists the featured item ids, newest first.
	SetFeatured(ctx context.Context, itemID int64, on bool, who app.AuditEntry) error
	Featured(ctx context.Context) ([]int64, error)
	// AuthorByID returns a recorded author; ENOTFOUND if none.
	AuthorByID(ctx context.Context, id int64) (*app.Author, error)
	// Actor loads an account's roles into the actor the policy decides for.
	Actor(ctx context.Context, a *app.Account) (app.Actor, error)
	// PrivateLinkByToken returns an active private link; ENOTFOUND if it
	// is unknown, deleted or expired.
	PrivateLinkByToken(ctx context.Context, token string) (*app.PrivateLink, error)
	// The depositor's access controls; each change is audited as done by who.
	SetEmbargo(ctx context.Context, id int64, e app.Embargo, who app.AuditEntry) (*app.Item, error)
	SetConfidentiality(ctx context.Context, id int64, c app.Confidentiality, who app.AuditEntry) (*app.Item, error)
	CreatePrivateLink(ctx context.Context, l *app.PrivateLink, who app.AuditEntry) error
	PrivateLinks(ctx context.Context, kind app.LinkTarget, targetID int64) ([]app.PrivateLink, error)
	DeletePrivateLink(ctx context.Context, kind app.LinkTarget, targetID int64, token string, who app.AuditEntry) error
	AccountByEmail(ctx context.Context, email string) (*app.Account, error)
	PasswordHash(ctx context.Context, accountID int64) (string, error)
	auth.LoginStore
	TokenCatalog

	ItemTypes(ctx context.Context) ([]app.ItemType, error)
	Licenses(ctx context.Context) ([]app.License, error)
	Categories(ctx context.Context) ([]app.Category, error)
	// VocabularyGeneration changes when administrators change a
	// vocabulary.
	VocabularyGeneration() int64

	CollectionCatalog
	CollectionWorkspace
	ProjectCatalog
	ProjectWorkspace

	// OAuthApp returns a registered application; ENOTFOUND if none.
	OAuthApp(ctx context.Context, clientID string) (*app.OAuthApp, error)
	// CreateOAuthCode stores an authorization code the account granted.
	CreateOAuthCode(ctx context.Context, c *app.OAuthCode) error
	app.ReviewStore
	AdminCatalog
	ReportCatalog
	GroupSettingsCatalog
	VocabularyAdmin
	QuotaCatalog
}

// Config is the part of Carrel's configuration the web pages use.
type Config struct {
	BaseURL   string // public URL of the site; empty = from the request
	SiteName  string // shown in the header; "Carrel" if empty
	Publisher string // the institution, cited as publisher
	// Finder answers /search; nil means a simple filter over the catalog.
	Finder Finder
	// Usage gives landing pages their counts and chart; nil = none shown.
	Usage Usage
	// Recorder counts views and shares; nil = usage is not recorded.
	Recorder Recorder
	// Login checks passwords; nil means Carrel's own accounts only, with
	// the default throttle.
	Login *auth.Login
	// AddressHeader names the header a reverse proxy puts the client's
	// address in; empty means the connection's address.
	AddressHeader string
	// SAML, if set, offers single sign-on under /saml/.
	SAML *auth.SAML
	// Jobs shows the scheduled jobs on /admin/jobs; nil hides the page.
	Jobs app.JobBoard
	// HRFeed imports HR feeds on /admin/hrfeed; nil hides the page.
	HRFeed app.HRFeedImporter
	// DefaultQuota is the storage quota in bytes of accounts that set
	// none; 0 = no limit.
	DefaultQuota int64
	// OAuthCodeTTL is how long an authorization code may wait to be
	// exchanged; 0 means five minutes.
	OAuthCodeTTL time.Duration
}

// Server is the web pages' HTTP handler.
type Server struct {
	cfg      Config
	cat      Catalog
	blobs    storage.Backend
	sessions *auth.Sessions
	log      *slog.Logger
	pages    map[string]*template.Template
	static   *staticFiles
	mux      *http.ServeMux
	finder   Finder
	policy   *bluemonday.Policy
	vc       vocabCache
	counts   countsCache
	login    *auth.Login
	saml     *auth.SAML
}

// New returns a Server; it fails only if the embedded templates or assets
// are broken, which tests catch.
func New(cfg Config, cat Catalog, blobs storage.Backend, sessions *auth.Sessions, log *slog.Logger) (*Server, error) {
	if cfg.SiteName == "" {
		cfg.SiteName = "Carrel"
	}
	s := &Server{cfg: cfg, cat: cat, blobs: blobs, sessions: sessions, log: log, mux: http.NewServeMux(), finder: cfg.Finder,
		policy: newDescriptionPolicy()}
	if s.finder == nil {
		s.finder = CatalogFinder{Catalog: cat}
	}
	var err error
	s.saml = cfg.SAML
	if s.login = cfg.Login; s.login == nil {
		if s.login, err = auth.NewLogin(cat, true, nil, auth.DefaultThrottle(), log); err != nil {
			return nil, err
		}
	}
	if s.static, err = loadStatic(); err != nil {
		return nil, fmt.Errorf("web: static assets: %w", err)
	}
	if s.pages, err = s.parseTemplates(); err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	s.routes()
	return s, nil
}

// Handler returns the pages with their middleware: request ids, the
// signed-in actor, security headers, and cross-origin protection of every
// unsafe method.
func (s *Server) Handler() http.Handler {
	cop := http.NewCrossOriginProtection()
	// The identity provider's answers arrive as cross-site POSTs; they are
	// protected by their signatures and the sealed request cookie instead.
	cop.AddInsecureBypassPattern("POST /saml/acs")
	cop.AddInsecureBypassPattern("POST /saml/slo")
	return s.withRequest(cop.Handler(s.mux))
}

func (s *Server) routes() {
	m := s.mux
	m.HandleFunc("GET /{$}", s.handleHome)
	m.HandleFunc("GET /search", s.handleSearch)
	m.HandleFunc("GET /robots.txt", s.handleRobots)
	m.HandleFunc("GET /sitemap.xml", s.handleSitemapIndex)
	m.HandleFunc("GET /{file}", s.handleSitemapOr404)
	m.HandleFunc("GET /articles/{slug}/{id}", s.handleItem)
	m.HandleFunc("GET /articles/{slug}/{id}/versions/{v}", s.handleItem)
	m.HandleFunc("GET /articles/{slug}/{id}/versions/{v}/citation/{format}", s.handleCitation)
	m.HandleFunc("GET /articles/{slug}/{id}/linkset", s.handleLinkset)
	m.HandleFunc("GET /articles/{slug}/{id}/versions/{v}/linkset", s.handleLinkset)
	m.HandleFunc("GET /articles/{slug}/{id}/metadata/{format}", s.handleMetadata)
	m.HandleFunc("GET /articles/{slug}/{id}/versions/{v}/metadata/{format}", s.handleMetadata)
	m.HandleFunc("GET /share/{id}/{service}", s.handleShare)
	m.HandleFunc("GET /admin/reports/counter.csv", s.signedIn(s.handleCounterReport))
	m.HandleFunc("GET /s/{token}", s.handlePrivateLink)
	m.HandleFunc("GET /s/{token}/files/{fid}", s.handlePrivateLinkFile)
	m.HandleFunc("GET /collections/{slug}/{id}", s.handleCollection)
	m.HandleFunc("GET /collections/{slug}/{id}/versions/{v}", s.handleCollection)
	m.HandleFunc("GET /projects/{slug}/{id}", s.handleProject)
	m.HandleFunc("GET /authors/{slug}/{id}", s.handleAuthor)
	m.HandleFunc("POST /articles/{id}/feature", s.admin(s.handleFeature))
	m.HandleFunc("GET /groups/{slug}/{id}", s.handleGroup)
	m.HandleFunc("GET /preview/{fid}", s.handlePreview)
	m.HandleFunc("GET /preview/{fid}/raw", s.handlePreviewRaw)
	m.HandleFunc("GET /static/{hash}/{name}", s.handleStatic)

	m.HandleFunc("GET /login", s.handleLoginForm)
	m.HandleFunc("POST /login", s.handleLogin)
	m.HandleFunc("POST /logout", s.handleLogout)
	m.HandleFunc("GET /account", s.signedIn(s.handleAccount))
	m.HandleFunc("GET /account/articles/new", s.signedIn(s.handleNewForm))
	m.HandleFunc("POST /account/quota", s.signedIn(s.handleQuotaRequest))
	m.HandleFunc("POST /account/articles", s.signedIn(s.handleCreate))
	m.HandleFunc("GET /account/articles/{id}", s.signedIn(s.handleEditForm))
	m.HandleFunc("POST /account/articles/{id}", s.signedIn(s.handleSave))
	m.HandleFunc("POST /account/articles/{id}/publish", s.signedIn(s.handlePublish))
	m.HandleFunc("GET /account/collections", s.signedIn(s.handleMyCollections))
	m.HandleFunc("POST /account/collections", s.signedIn(s.handleCollectionCreate))
	m.HandleFunc("GET /account/collections/{id}", s.signedIn(s.handleCollectionEdit))
	m.HandleFunc("POST /account/collections/{id}", s.signedIn(s.handleCollectionSave))
	m.HandleFunc("POST /account/collections/{id}/publish", s.signedIn(s.handleCollectionPublish))
	s.projectRoutes(m)
	m.HandleFunc("GET /account/tokens", s.signedIn(s.handleTokens))
	m.HandleFunc("POST /account/tokens", s.signedIn(s.handleTokenCreate))
	m.HandleFunc("POST /account/tokens/{id}/revoke", s.signedIn(s.handleTokenRevoke))
	s.samlRoutes()
	s.groupSettingsRoutes()
	m.HandleFunc("GET /account/applications/authorize", s.signedIn(s.handleAuthorizeForm))
	m.HandleFunc("POST /account/applications/authorize", s.signedIn(s.handleAuthorize))
	m.HandleFunc("GET /admin", s.admin(s.handleAdminIndex))
	m.HandleFunc("GET /admin/reviews", s.reviewer(s.handleReviewQueue))
	m.HandleFunc("GET /admin/reviews/{id}", s.reviewer(s.handleReviewPage))
	m.HandleFunc("POST /admin/reviews/{id}", s.reviewer(s.handleReviewAction))
	m.HandleFunc("POST /account/articles/{id}/review", s.signedIn(s.handleDepositorReview))
	m.HandleFunc("POST /account/articles/{id}/embargo", s.signedIn(s.handleEmbargoForm))
	m.HandleFunc("POST /account/articles/{id}/confidentiality", s.signedIn(s.handleConfidentialityForm))
	m.HandleFunc("POST /account/articles/{id}/links", s.signedIn(s.handleLinkForm))
	m.HandleFunc("POST /account/articles/{id}/links/{token}/delete", s.signedIn(s.handleLinkDeleteForm))
	m.HandleFunc("GET /admin/hrfeed", s.admin(s.handleHRFeedForm))
	m.HandleFunc("POST /admin/hrfeed", s.admin(s.handleHRFeedCheck))
	m.HandleFunc("POST /admin/hrfeed/{id}/apply", s.admin(s.handleHRFeedApply))
	m.HandleFunc("GET /admin/audit", s.admin(s.handleAdminAudit))
	m.HandleFunc("GET /admin/people", s.admin(s.handleAdminPeople))
	m.HandleFunc("GET /admin/groups", s.admin(s.handleAdminGroups))
	m.HandleFunc("GET /admin/reports", s.admin(s.handleAdminReports))
	m.HandleFunc("GET /admin/reports/items.csv", s.admin(s.handleReportItems))
	m.HandleFunc("GET /admin/reports/accounts.csv", s.admin(s.handleReportAccounts))
	m.HandleFunc("GET /admin/reports/items.xlsx", s.admin(s.handleReportItems))
	m.HandleFunc("GET /admin/reports/accounts.xlsx", s.admin(s.handleReportAccounts))
	m.HandleFunc("POST /admin/groups", s.admin(s.handleAdminGroupSave))
	m.HandleFunc("GET /admin/groups/{id}", s.admin(s.handleAdminGroup))
	m.HandleFunc("POST /admin/groups/{id}", s.admin(s.handleAdminGroupSave))
	m.HandleFunc("POST /admin/groups/{id}/review", s.admin(s.handleAdminGroupReview))
	m.HandleFunc("GET /admin/people/{id}", s.admin(s.handleAdminPerson))
	m.HandleFunc("POST /admin/people/{id}/access", s.admin(s.handleAdminPersonAccess))
	m.HandleFunc("POST /admin/people/{id}/roles", s.admin(s.handleAdminPersonRole))
	m.HandleFunc("POST /admin/people/{id}/impersonate", s.admin(s.handleImpersonateStart))
	m.HandleFunc("POST /impersonation/stop", s.signedIn(s.handleImpersonateStop))
	m.HandleFunc("GET /admin/items", s.curator(s.handleAdminItems))
	m.HandleFunc("GET /admin/items/{id}", s.curator(s.handleAdminItem))
	m.HandleFunc("POST /admin/items/{id}/withdraw", s.curator(s.handleAdminItemWithdraw))
	m.HandleFunc("POST /admin/items/{id}/transfer", s.curator(s.handleAdminItemTransfer))
	m.HandleFunc("GET /admin/quota-requests", s.admin(s.handleAdminQuotaRequests))
	m.HandleFunc("POST /admin/quota-requests/{id}", s.admin(s.handleAdminQuotaDecide))
	m.HandleFunc("GET /admin/vocabularies", s.admin(s.handleAdminVocab))
	m.HandleFunc("POST /admin/vocabularies/{kind}", s.admin(s.handleAdminVocabSave))
	m.HandleFunc("POST /admin/vocabularies/{kind}/{id}", s.admin(s.handleAdminVocabSave))
	m.HandleFunc("GET /admin/jobs", s.admin(s.handleAdminJobs))
	m.HandleFunc("GET /admin/jobs/{name}", s.admin(s.handleAdminJobRuns))

	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, app.Errorf(app.ENOTFOUND, "There is no page at this address."))
	})
}

type ctxKey int

const (
	ctxRequestID ctxKey = iota
	ctxAccount
	ctxActor
	ctxImpersonator
)

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(ctxRequestID).(string)
	return id
}

// account returns the signed-in account, or nil.
func account(ctx context.Context) *app.Account {
	a, _ := ctx.Value(ctxAccount).(*app.Account)
	return a
}

// actor returns who is making the request, anonymous if nobody signed in.
func actor(ctx context.Context) app.Actor {
	a, _ := ctx.Value(ctxActor).(app.Actor)
	return a
}

// withRequest assigns a request id, resolves the session to an active
// account, sets the pages' security headers, and logs the request.
func (s *Server) withRequest(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		b := make([]byte, 8)
		rand.Read(b)
		id := hex.EncodeToString(b)
		ctx := context.WithValue(r.Context(), ctxRequestID, id)
		var impErr error
		if aid, ok := s.sessions.AccountID(r); ok {
			if acct, err := s.cat.Account(ctx, aid); err == nil && acct.Active {
				if act, err := s.cat.Actor(ctx, acct); err == nil {
					ctx = context.WithValue(context.WithValue(ctx, ctxAccount, acct), ctxActor, act)
					ctx, impErr = s.impersonate(ctx, r, acct, act)
				}
			}
		}
		h := w.Header()
		h.Set("X-Request-Id", id)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", pageCSP)
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("panic", "req", id, "panic", fmt.Sprint(p))
				if !rec.wrote {
					s.fail(rec, r.WithContext(ctx), app.Internal(fmt.Errorf("panic: %v", p), "panic"))
				}
			}
			s.log.Info("page", "req", id, "method", r.Method, "path", r.URL.Path, "status", rec.status,
				"took", time.Since(start))
		}()
		if impErr != nil {
			s.fail(rec, r.WithContext(ctx), impErr)
			return
		}
		next.ServeHTTP(rec, r.WithContext(ctx))
	})
}

// pageCSP allows only Carrel's own stylesheet, script, images and frames:
// no inline script can run even if escaping were ever to fail.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; media-src 'self'; " +
	"frame-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// statusRecorder notes the status of a response for the log.
type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(p []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(p)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// signedIn sends anonymous visitors to the sign-in page.
func (s *Server) signedIn(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if account(r.Context()) == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.fail(w, r, app.Errorf(app.EUNAUTHORIZED, "Please sign in first."))
			return
		}
		h(w, r)
	}
}
