package main

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"carrel/app/metrics"
)

// routeLabeler names each request by its route pattern for the metrics:
// the API's own patterns, and the first path segment of pages, so that the
// number of label values stays small whatever paths clients send.
func routeLabeler(apiRoutes []string) func(*http.Request) string {
	mux := http.NewServeMux()
	noop := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	add := func(p string) {
		defer func() { recover() }() // an overlapping pattern keeps the first; labels only
		mux.Handle(p, noop)
	}
	for _, p := range apiRoutes {
		add(p)
	}
	for _, p := range []string{"/{$}", "/search", "/articles/", "/collections/", "/preview/", "/static/", "/account/", "/account",
		"/admin/", "/login", "/logout", "/saml/", "/s/", "/stats/", "/oai", "/v2/oai", "/upload/", "/metrics"} {
		add(p)
	}
	return func(r *http.Request) string {
		if _, p := mux.Handler(r); p != "" {
			return p
		}
		return "other"
	}
}

// metricsGuard serves /metrics on the main listener: with a token, to
// requests bearing it; without, only to clients on this machine that did
// not come through a proxy (a proxy on the same host connects from
// loopback, but adds a forwarding header). Everyone else gets 404.
func metricsGuard(h http.Handler, token string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		allowed := false
		if token != "" {
			got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			allowed = ok && subtle.ConstantTimeCompare([]byte(got), []byte(token)) == 1
		} else {
			host, _, _ := net.SplitHostPort(r.RemoteAddr)
			ip := net.ParseIP(host)
			allowed = ip != nil && ip.IsLoopback() && r.Header.Get("X-Forwarded-For") == "" &&
				r.Header.Get("Forwarded") == "" && r.Header.Get("X-Real-Ip") == ""
		}
		if !allowed {
			http.NotFound(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// serveMetrics serves /metrics alone on addr (metrics.addr) until stop.
func serveMetrics(addr string, m *metrics.Metrics, log *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics.addr: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics listener stopped", "err", err)
		}
	}()
	log.Info("metrics are served", "url", "http://"+ln.Addr().String()+"/metrics")
	return func() { srv.Close() }, nil
}
