// Package oai is Carrel's OAI-PMH 2.0 provider: the six verbs, oai_dc and
// DataCite payloads, Figshare's sets, stateless signed resumption tokens and
// persistent deleted records for withdrawn items. It lists only what the
// access policy makes public.
package oai

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"carrel/app"
)

// Catalog is what the provider reads from the catalog. Every method sees
// only published and withdrawn items; drafts do not exist for it.
type Catalog interface {
	// HarvestItems lists up to limit items with their latest versions (no
	// files), ordered by (datestamp, id) and strictly after the cursor
	// (after, afterID) unless after is zero; from and until bound the
	// datestamp to the second. EINVALID for a set name that is not one.
	HarvestItems(ctx context.Context, set string, from, until, after time.Time, afterID int64, limit int) ([]app.ListedItem, error)
	// HarvestItem returns one item with its latest version and its files;
	// ENOTFOUND for drafts and unknown ids alike.
	HarvestItem(ctx context.Context, id int64) (app.ListedItem, error)
	// HarvestCount counts what HarvestItems lists without a cursor; EINVALID
	// for a bad set name.
	HarvestCount(ctx context.Context, set string, from, until time.Time) (int, error)
	// HarvestEarliest is the earliest datestamp, zero when there is none.
	HarvestEarliest(ctx context.Context) (time.Time, error)
	// HarvestGroupsAndMonths lists the groups and first-publication months
	// that have items.
	HarvestGroupsAndMonths(ctx context.Context) (groups []int64, months []time.Time, err error)
	// Version returns a published version with its files; ENOTFOUND if none.
	Version(ctx context.Context, itemID int64, number int) (*app.Version, error)
	// ItemTypes lists the item types.
	ItemTypes(ctx context.Context) ([]app.ItemType, error)
	// Licenses lists the licenses.
	Licenses(ctx context.Context) ([]app.License, error)
	// Categories lists the category tree.
	Categories(ctx context.Context) ([]app.Category, error)
}

// Config configures the provider.
type Config struct {
	// BaseURL is the public base URL of the site, e.g. https://repo.example.edu;
	// identifiers are oai:<its host>:article/<id>.
	BaseURL string
	// RepositoryName, AdminEmail and Publisher describe the repository in
	// Identify and in the records.
	RepositoryName, AdminEmail, Publisher string
	// DataCentreSymbol is the DataCite repository id (such as "UNIV.REPO")
	// that registers the records' DOIs, written into oai_datacite records;
	// empty when DOIs are not registered with DataCite.
	DataCentreSymbol string
	// TokenKey signs resumption tokens; keep it stable across restarts so
	// that harvests in progress continue. Empty means a random key per start.
	TokenKey []byte
	// TokenTTL is how long a resumption token stays valid; default 24 hours.
	TokenTTL time.Duration
	// PageSize is the number of records or headers per response; default 100.
	PageSize int
	// Now is the clock; nil means time.Now. Tests set it.
	Now func() time.Time
}

// Provider answers OAI-PMH requests.
type Provider struct {
	cfg    Config
	host   string
	cat    Catalog
	log    *slog.Logger
	tokens tokenCodec

	mu    sync.Mutex
	vocab *vocabulary // loaded on first use; vocabularies change only at start
}

// New returns a provider reading from cat.
func New(cfg Config, cat Catalog, log *slog.Logger) *Provider {
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.PageSize <= 0 {
		cfg.PageSize = 100
	}
	if cfg.TokenTTL <= 0 {
		cfg.TokenTTL = 24 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.RepositoryName == "" {
		cfg.RepositoryName = "Carrel"
	}
	host := "localhost"
	if u, err := url.Parse(cfg.BaseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	if cfg.AdminEmail == "" {
		cfg.AdminEmail = "admin@" + host
		if !strings.Contains(host, ".") {
			cfg.AdminEmail += ".localdomain" // the schema wants a dotted domain
		}
		log.Warn("oai: no admin email configured; Identify shows a placeholder", "email", cfg.AdminEmail)
	}
	key := cfg.TokenKey
	if len(key) == 0 {
		key = make([]byte, 32)
		rand.Read(key) // never fails (crypto/rand)
		log.Warn("oai: no resumption token key configured; harvests in progress will not survive a restart")
	}
	return &Provider{cfg: cfg, host: host, cat: cat, log: log, tokens: tokenCodec{key: key, ttl: cfg.TokenTTL}}
}

// maxFormBody bounds a POSTed request; real OAI requests are tiny.
const maxFormBody = 64 << 10

// ServeHTTP answers GET and form-encoded POST requests at /v2/oai or /oai.
func (p *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	baseURL := p.baseURL(r)
	args, err := requestArgs(r)
	if err != nil {
		if code, ok := err.(*httpError); ok {
			w.Header().Set("Allow", "GET, HEAD, POST")
			http.Error(w, code.message, code.status)
			return
		}
		body, err := p.errorResponse(baseURL, nil, err)
		p.respond(w, r, body, err)
		return
	}
	body, err := p.dispatch(r.Context(), baseURL, args)
	if err != nil {
		body, err = p.errorResponse(baseURL, args, err)
	}
	p.respond(w, r, body, err)
}

// baseURL is the URL the request was sent to: the configured site URL
// with the request's path, or the request's own host when none is set.
func (p *Provider) baseURL(r *http.Request) string {
	if p.cfg.BaseURL != "" {
		return p.cfg.BaseURL + r.URL.Path
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + r.URL.Path
}

// httpError is a request refused before it is an OAI-PMH request at all.
type httpError struct {
	status  int
	message string
}

func (e *httpError) Error() string { return e.message }

// requestArgs reads the arguments of a GET query or a form-encoded POST
// body. A malformed encoding is a badArgument.
func requestArgs(r *http.Request) (url.Values, error) {
	var raw string
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		raw = r.URL.RawQuery
	case http.MethodPost:
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if mt != "application/x-www-form-urlencoded" {
			return nil, &httpError{http.StatusUnsupportedMediaType, "POST requests must be application/x-www-form-urlencoded"}
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxFormBody+1))
		if err != nil || len(body) > maxFormBody {
			return nil, fail(badArgument, "the request body is unreadable or too large")
		}
		raw = string(body)
	default:
		return nil, &httpError{http.StatusMethodNotAllowed, "OAI-PMH requests use GET or POST"}
	}
	args, err := url.ParseQuery(raw)
	if err != nil {
		return nil, fail(badArgument, "the arguments are not correctly URL-encoded")
	}
	return args, nil
}

// respond writes a finished response, or logs an internal error and
// answers 500 without detail.
func (p *Provider) respond(w http.ResponseWriter, r *http.Request, body []byte, err error) {
	if err != nil {
		p.log.ErrorContext(r.Context(), "oai: internal error", "method", r.Method, "query", r.URL.RawQuery, "err", err)
		http.Error(w, "Internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// errorResponse renders err as an OAI-PMH error response, or returns it
// when it is internal. The request element echoes the arguments unless they
// were the problem (badVerb, badArgument), as section 3.2 requires.
func (p *Provider) errorResponse(baseURL string, args url.Values, err error) ([]byte, error) {
	code, message, ok := codeOf(err)
	if !ok {
		return nil, err
	}
	if code == badVerb || code == badArgument {
		args = nil
	}
	var b bytes.Buffer
	p.open(&b, baseURL, args)
	b.WriteString(`<error code="` + code + `">`)
	escape(&b, message)
	b.WriteString("</error>\n")
	return finish(&b), nil
}
