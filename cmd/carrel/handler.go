package main

import (
	"log/slog"
	"net/http"
	"path/filepath"
	"time"

	"carrel/app/api"
	"carrel/app/auth"
	"carrel/app/catalog"
	"carrel/app/dump"
	"carrel/app/hrfeed"
	"carrel/app/jobs"
	"carrel/app/metrics"
	"carrel/app/oai"
	"carrel/app/stats"
	"carrel/app/web"
	"carrel/storage"
)

// buildHandler wires the HTTP packages into one handler: the API and upload
// service, OAI-PMH, and the web pages for everything else.
// Searches go through index, so that they see every change committed before
// them. usage, when not nil, records views, downloads and shares.
func buildHandler(cfg Config, cat *catalog.DB, blobs storage.Backend, index *catalog.Indexer, sched *jobs.Scheduler, m *metrics.Metrics, usage *stats.Recorder, log *slog.Logger) (http.Handler, error) {
	dataDir := cfg.Server.DataDir
	sessions, err := auth.OpenSessions(filepath.Join(dataDir, "session.key"), cat)
	if err != nil {
		return nil, err
	}
	login, sso, err := signIn(cfg, cat, log)
	if err != nil {
		return nil, err
	}
	oaiKey, err := loadKey(filepath.Join(dataDir, "oai.key"), 32)
	if err != nil {
		return nil, err
	}
	publisher, baseURL := cfg.publisher(), cfg.publicBaseURL()

	feeds := &hrfeed.Service{Store: cat}
	apiCfg := api.Config{BaseURL: cfg.Server.BaseURL, MaxFileSize: cfg.Upload.MaxFileSize,
		DefaultQuota: cfg.Upload.DefaultQuota, Publisher: publisher, Identifiers: cfg.identifiers(), AddressHeader: cfg.Auth.AddressHeader, Jobs: sched, HRFeed: feeds,
		OAuthAccessTTL:  time.Duration(cfg.OAuth.AccessTokenSeconds) * time.Second,
		OAuthRefreshTTL: time.Duration(cfg.OAuth.RefreshTokenSeconds) * time.Second,
		Usage:           cat, Institution: cfg.Stats.Institution}
	webCfg := web.Config{BaseURL: cfg.Server.BaseURL, SiteName: cfg.Site.Name, Publisher: publisher,
		Finder: web.IndexFinder{Index: index, Catalog: cat}, Login: login, SAML: sso, AddressHeader: cfg.Auth.AddressHeader, Jobs: sched, HRFeed: feeds,
		OAuthCodeTTL: time.Duration(cfg.OAuth.CodeSeconds) * time.Second,
		Usage:        cat, DefaultQuota: cfg.Upload.DefaultQuota}
	if usage != nil { // a nil *stats.Recorder must not become a non-nil interface
		apiCfg.Recorder, webCfg.Recorder = usage, usage
	}
	apiServer := api.New(apiCfg, cat, blobs, index, sessions, log)
	webServer, err := web.New(webCfg, cat, blobs, sessions, log)
	if err != nil {
		return nil, err
	}
	harvest := oai.New(oai.Config{BaseURL: baseURL, RepositoryName: cfg.Site.Name, AdminEmail: cfg.Site.AdminEmail,
		Publisher: publisher, TokenKey: oaiKey, DataCentreSymbol: cfg.dataCentreSymbol()}, cat, log)

	// Browsers may call the API with their session cookie, so it refuses
	// cross-site unsafe requests made with one. A request carrying an
	// Authorization header is authenticated by that token alone, never by
	// the cookie, so scripts on other origins may use the API with a token,
	// as the API's CORS policy lets them.
	protect := http.NewCrossOriginProtection()
	protect.SetDenyHandler(http.HandlerFunc(apiServer.DenyCrossOrigin))
	// The token endpoint authenticates the client by its secret, never by a
	// cookie, so any origin may call it.
	protect.AddInsecureBypassPattern("POST /v2/token")
	protected, tokenOnly := protect.Handler(apiServer.Handler()), apiServer.Handler()
	apiHandler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			tokenOnly.ServeHTTP(w, r)
			return
		}
		protected.ServeHTTP(w, r)
	})
	root := http.NewServeMux()
	for _, p := range []string{"/v2/", "/upload/", "/stats/", "/healthz", "/readyz"} {
		root.Handle(p, apiHandler)
	}
	root.Handle("/dumps/"+dump.FileName, dump.Handler(cfg.metadataDumpPath()))
	root.Handle("/v2/oai", harvest)
	root.Handle("/oai", harvest)
	root.Handle("/", webServer.Handler())
	if cfg.Metrics.Addr == "" {
		root.Handle("GET /metrics", metricsGuard(m.Handler(), cfg.Metrics.Token))
	}
	return m.Instrument(root, routeLabeler(apiServer.Routes())), nil
}
