package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"carrel/app"
	"carrel/ui"
)

// statusOf is the web's one table from error codes to HTTP status.
var statusOf = map[string]int{
	app.EINVALID:       http.StatusBadRequest,
	app.ENOTFOUND:      http.StatusNotFound,
	app.ECONFLICT:      http.StatusConflict,
	app.EUNAUTHORIZED:  http.StatusUnauthorized,
	app.EFORBIDDEN:     http.StatusForbidden,
	app.ETOOLARGE:      http.StatusRequestEntityTooLarge,
	app.EUNPROCESSABLE: http.StatusUnprocessableEntity,
	app.EUNAVAILABLE:   http.StatusServiceUnavailable,
	app.EINTERNAL:      http.StatusInternalServerError,
}

// view is what every template receives: the site, who is signed in, and
// the page's own data.
type view struct {
	Site     string
	Account  *app.Account
	Reviewer bool // the signed-in account reviews some group
	Curator  bool // the signed-in account administers some group
	// Impersonator is the administrator acting as Account, if one is.
	Impersonator *app.Account
	Title        string
	Path         string
	Meta         []metaTag // <meta name content> pairs for the head
	Canonical    string
	Page         any
}

// metaTag is one <meta name="..." content="..."> element.
type metaTag struct{ Name, Content string }

// parseTemplates parses each page once, together with the layout.
func (s *Server) parseTemplates() (map[string]*template.Template, error) {
	fsys := ui.Templates()
	names, err := fs.Glob(fsys, "*.html")
	if err != nil {
		return nil, err
	}
	funcs := template.FuncMap{
		"static":    s.static.url,
		"bytes":     app.FormatBytes,
		"date":      func(t time.Time) string { return t.UTC().Format("2 January 2006") },
		"isoDate":   func(t time.Time) string { return t.UTC().Format("2006-01-02") },
		"orcidURL":  func(id string) string { return "https://orcid.org/" + app.NormalizeORCID(id) },
		"join":      strings.Join,
		"authorURL": authorURL,
		"list":      func(s ...string) []string { return s },
		"add":       func(a, b int) int { return a + b },
		"query":     url.QueryEscape,
		"fieldOf":   fieldOf,
		"seq":       func(n int) []int { return make([]int, n) },
		"percent": func(a, b int64) string {
			if b <= 0 {
				return "—"
			}
			return fmt.Sprintf("%.0f%%", float64(a)*100/float64(b))
		},
		"stamp": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.UTC().Format("2006-01-02 15:04:05")
		},
	}
	// Files named _*.html hold pieces shared by several pages.
	shared := []string{"layout.html"}
	for _, name := range names {
		if strings.HasPrefix(name, "_") {
			shared = append(shared, name)
		}
	}
	pages := map[string]*template.Template{}
	for _, name := range names {
		if name == "layout.html" || strings.HasPrefix(name, "_") {
			continue
		}
		t, err := template.New(name).Funcs(funcs).ParseFS(fsys, append(shared, name)...)
		if err != nil {
			return nil, err
		}
		pages[strings.TrimSuffix(name, ".html")] = t
	}
	return pages, nil
}

// render writes a page with the given status. The page is rendered into a
// buffer first so that a template failure becomes a clean error page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, v view) {
	t := s.pages[page]
	if t == nil {
		s.fail(w, r, app.Internal(fmt.Errorf("no template %q", page), "render"))
		return
	}
	v.Site, v.Account, v.Path = s.cfg.SiteName, account(r.Context()), r.URL.Path
	if groups, all := actor(r.Context()).GroupsWith(app.RoleReviewer, app.RoleGroupAdmin); all || len(groups) > 0 {
		v.Reviewer = true
	}
	if groups, all := actor(r.Context()).GroupsWith(app.RoleGroupAdmin); all || len(groups) > 0 {
		v.Curator = true
	}
	v.Impersonator = impersonator(r.Context())
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		if page == "error" {
			s.log.Error("render error page", "req", requestID(r.Context()), "err", err)
			http.Error(w, "Internal error", http.StatusInternalServerError)
			return
		}
		s.fail(w, r, app.Internal(err, "render "+page))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if w.Header().Get("Cache-Control") == "" {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// formField is one text input of a form with its hint and error.
type formField struct{ Name, Label, Hint, Value, Error string }

func fieldOf(p *editPage, name, label, hint, value string) formField {
	return formField{Name: name, Label: label, Hint: hint, Value: value, Error: p.Errors[name]}
}

// errorPage is the data of the error page.
type errorPage struct {
	Status  int
	Heading string
	Message string
	SignIn  bool
}

// fail shows a friendly error page. Internal errors are logged with the
// request id and shown only as "Internal error" with that id.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := app.ErrorCode(err)
	status := statusOf[code]
	p := errorPage{Status: status, Message: app.ErrorMessage(err)}
	switch code {
	case app.ENOTFOUND:
		p.Heading = "Page not found"
		p.Message = "We could not find that page. It may have moved, or it may not be public."
	case app.EUNAUTHORIZED:
		p.Heading, p.SignIn = "Please sign in", true
	case app.EFORBIDDEN:
		p.Heading = "Not allowed"
	case app.EINTERNAL:
		s.log.Error("internal error", "req", requestID(r.Context()), "method", r.Method, "path", r.URL.Path, "err", err)
		p.Heading = "Something went wrong"
		p.Message = "Internal error (request " + requestID(r.Context()) + "). Please try again later."
	default:
		p.Heading = "That did not work"
	}
	s.render(w, r, status, "error", view{Title: p.Heading, Page: p})
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// baseURL is the site's public URL, from config or the request.
func (s *Server) baseURL(r *http.Request) string {
	if s.cfg.BaseURL != "" {
		return strings.TrimRight(s.cfg.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
