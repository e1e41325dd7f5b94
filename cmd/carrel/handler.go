package main

import (
	"log/slog"
	"net/http"
	"path/filepath"

	"carrel/app/api"
	"carrel/app/auth"
	"carrel/app/catalog"
	"carrel/app/hrfeed"
	"carrel/app/jobs"
	"carrel/app/oai"
	"carrel/app/stats"
	"carrel/app/web"
	"carrel/search"
	"carrel/storage"
)

// buildHandler wires the HTTP packages into one handler: the API and upload
// service, OAI-PMH, and the web pages for everything else.
// usage, when not nil, records views, downloads and shares.
func buildHandler(cfg Config, cat *catalog.DB, blobs storage.Backend, index *search.Index, sched *jobs.Scheduler, usage *stats.Recorder, log *slog.Logger) (http.Handler, error) {
	dataDir := cfg.Server.DataDir
	sessions, err := auth.OpenSessions(filepath.Join(dataDir, "session.key"))
	if err != nil {
		return nil, err
	}
	oaiKey, err := loadKey(filepath.Join(dataDir, "oai.key"), 32)
	if err != nil {
		return nil, err
	}
	publisher := cfg.Site.Publisher
	if publisher == "" {
		publisher = cfg.Site.Name
	}
	baseURL := cfg.Server.BaseURL
	if baseURL == "" {
		baseURL = "http://" + cfg.Server.Addr
	}

	feeds := &hrfeed.Service{Store: cat}
	apiCfg := api.Config{BaseURL: cfg.Server.BaseURL, MaxFileSize: cfg.Upload.MaxFileSize,
		DefaultQuota: cfg.Upload.DefaultQuota, Publisher: publisher,
		Jobs: sched, HRFeed: feeds, Usage: cat, Institution: cfg.Stats.Institution, ForwardedHeader: cfg.Stats.ForwardedHeader}
	webCfg := web.Config{BaseURL: cfg.Server.BaseURL, SiteName: cfg.Site.Name, Publisher: publisher,
		Finder: web.IndexFinder{Index: index, Catalog: cat}, Jobs: sched, HRFeed: feeds, Usage: cat, ForwardedHeader: cfg.Stats.ForwardedHeader}
	if usage != nil { // a nil *stats.Recorder must not become a non-nil interface
		apiCfg.Recorder, webCfg.Recorder = usage, usage
	}
	apiServer := api.New(apiCfg, cat, blobs, index, sessions, log)
	webServer, err := web.New(webCfg, cat, blobs, sessions, log)
	if err != nil {
		return nil, err
	}
	harvest := oai.New(oai.Config{BaseURL: baseURL, RepositoryName: cfg.Site.Name, AdminEmail: cfg.Site.AdminEmail,
		Publisher: publisher, TokenKey: oaiKey}, cat, log)

	// Browsers may now call the API with their session cookie, so it too
	// refuses cross-site unsafe requests; token clients send no Origin and
	// pass unchanged.
	apiHandler := http.NewCrossOriginProtection().Handler(apiServer.Handler())
	root := http.NewServeMux()
	for _, p := range []string{"/v2/", "/upload/", "/stats/", "/healthz", "/readyz"} {
		root.Handle(p, apiHandler)
	}
	root.Handle("/v2/oai", harvest)
	root.Handle("/oai", harvest)
	root.Handle("/", webServer.Handler())
	return root, nil
}
