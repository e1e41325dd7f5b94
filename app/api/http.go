package api

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"carrel/app"
	"carrel/app/auth"
)

// statusOf is the one table from error codes to HTTP status.
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

// errorBody is Figshare's error shape.
type errorBody struct {
	Message string `json:"message"`
	Code    string `json:"code"`
}

// figshareCodes are the code strings Figshare's API answers with.
var figshareCodes = map[string]string{
	app.EINVALID: "BadRequest", app.ENOTFOUND: "EntityNotFound", app.ECONFLICT: "Conflict",
	app.EUNAUTHORIZED: "Unauthorized", app.EFORBIDDEN: "Forbidden", app.ETOOLARGE: "PayloadTooLarge",
	app.EUNPROCESSABLE: "UnprocessableEntity", app.EUNAVAILABLE: "ServiceUnavailable", app.EINTERNAL: "InternalServerError",
}

// fail writes err as a Figshare error body. Internal errors are logged with
// the request id and shown only as "Internal error".
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := app.ErrorCode(err)
	if code == app.EINTERNAL {
		s.log.Error("internal error", "req", requestID(r.Context()), "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if code == app.EUNAUTHORIZED {
		w.Header().Set("WWW-Authenticate", `token realm="carrel"`)
	}
	s.writeJSON(w, statusOf[code], errorBody{Message: app.ErrorMessage(err), Code: figshareCodes[code]})
}

func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	if status == http.StatusNoContent {
		return
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(v); err != nil {
		s.log.Debug("write response", "err", err)
	}
}

// decode reads a JSON body strictly: one object, no unknown fields, within
// the size limit.
func (s *Server) decode(w http.ResponseWriter, r *http.Request, dst any) error {
	body := http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var tooBig *http.MaxBytesError
		var syntax *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &tooBig):
			return app.Errorf(app.ETOOLARGE, "request body is larger than %d bytes", s.cfg.MaxBodyBytes)
		case errors.Is(err, io.EOF):
			return app.Errorf(app.EINVALID, "request body is empty; a JSON object is required")
		case errors.As(err, &syntax):
			return app.Errorf(app.EINVALID, "invalid JSON at byte %d: %v", syntax.Offset, err)
		// JSON that parses but has the wrong structure is invalid data: 422,
		// as Figshare distinguishes it from a body that is not JSON (400).
		case errors.As(err, &typ):
			return app.Errorf(app.EUNPROCESSABLE, "field %q must be of type %s", typ.Field, typ.Type)
		case strings.HasPrefix(err.Error(), "json: unknown field"):
			return app.Errorf(app.EUNPROCESSABLE, "unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
		}
		return app.Errorf(app.EINVALID, "invalid JSON: %v", err)
	}
	if dec.More() {
		return app.Errorf(app.EINVALID, "request body must hold exactly one JSON object")
	}
	return nil
}

// pathID parses a positive integer path value.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, app.Errorf(app.ENOTFOUND, "%s %q not found", name, r.PathValue(name))
	}
	return id, nil
}

type ctxKey int

const (
	ctxRequestID ctxKey = iota
	ctxActor
)

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(ctxRequestID).(string)
	return id
}

// actor returns who is making the request (anonymous if nobody).
func actor(ctx context.Context) app.Actor {
	a, _ := ctx.Value(ctxActor).(app.Actor)
	return a
}

// authenticate resolves the request's credentials, and then the account
// it may impersonate (see impersonate).
func (s *Server) authenticate(r *http.Request) (app.Actor, error) {
	a, err := s.credentials(r)
	if err != nil || !r.URL.Query().Has("impersonate") {
		return a, err
	}
	return s.impersonate(r, a)
}

// credentials resolves the request's credentials. No credentials give the
// anonymous actor; bad credentials are an error (401), never anonymous.
func (s *Server) credentials(r *http.Request) (app.Actor, error) {
	if r.Method == http.MethodPost && r.URL.Path == "/v2/token" {
		return app.Actor{}, nil // the token endpoint authenticates clients, not accounts
	}
	var tok string
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, value, ok := strings.Cut(h, " ")
		if !ok || !(strings.EqualFold(scheme, "token") || strings.EqualFold(scheme, "bearer")) {
			return app.Actor{}, app.Errorf(app.EUNAUTHORIZED, "Authorization header must be 'token <token>' or 'Bearer <token>'")
		}
		tok = strings.TrimSpace(value)
	} else if q := r.URL.Query(); q.Has("access_token") {
		tok = q.Get("access_token")
	} else if id, ok := s.sessionAccount(r); ok {
		acct, err := s.cat.Account(r.Context(), id)
		if err != nil || !acct.Active {
			return app.Actor{}, nil // a stale session is anonymous, not an error
		}
		return s.cat.Actor(r.Context(), acct)
	} else {
		return app.Actor{}, nil
	}
	if !auth.WellFormedToken(tok) {
		return app.Actor{}, app.Errorf(app.EUNAUTHORIZED, "malformed token: a Carrel token is 64 lower-case hexadecimal characters, sent as 'Authorization: token <token>'")
	}
	hash := auth.HashToken(tok)
	acct, err := s.cat.AccountByTokenHash(r.Context(), hash)
	if app.ErrorCode(err) == app.ENOTFOUND {
		acct, _, err = s.cat.AccountByOAuthToken(r.Context(), hash)
	}
	if app.ErrorCode(err) == app.ENOTFOUND {
		return app.Actor{}, app.Errorf(app.EUNAUTHORIZED, "unknown token: it was revoked or has expired, its account is deactivated, or it was never issued")
	} else if err != nil {
		return app.Actor{}, err
	}
	return s.cat.Actor(r.Context(), acct)
}

// sessionAccount returns the account a browser session cookie names.
func (s *Server) sessionAccount(r *http.Request) (int64, bool) {
	if s.sessions == nil {
		return 0, false
	}
	return s.sessions.AccountID(r)
}

// authed requires an authenticated caller.
func (s *Server) authed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if actor(r.Context()).Anonymous() {
			s.fail(w, r, app.Errorf(app.EUNAUTHORIZED, "authentication required: send 'Authorization: token <token>'"))
			return
		}
		h(w, r)
	}
}

// withRequestLog assigns a request id, authenticates, and logs each request.
func (s *Server) withRequestLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		b := make([]byte, 8)
		rand.Read(b)
		id := hex.EncodeToString(b)
		ctx := context.WithValue(r.Context(), ctxRequestID, id)
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		rec.Header().Set("X-Request-Id", id)
		r = r.WithContext(ctx)
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("panic", "req", id, "panic", fmt.Sprint(p))
				if !rec.wrote {
					s.fail(rec, r, app.Internal(fmt.Errorf("panic: %v", p), "panic"))
				}
			}
			s.log.LogAttrs(ctx, slog.LevelInfo, "request", slog.String("req", id), slog.String("method", r.Method),
				slog.String("path", r.URL.Path), slog.Int("status", rec.status), slog.Int64("bytes", rec.bytes),
				slog.Duration("took", time.Since(start)))
		}()
		a, err := s.authenticate(r)
		if err != nil {
			s.fail(rec, r, err)
			return
		}
		next.ServeHTTP(rec, r.WithContext(context.WithValue(ctx, ctxActor, a)))
	})
}

// recorder notes the status and size of a response. It passes ReadFrom
// through so that file downloads keep using sendfile.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
	wrote  bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(p []byte) (int, error) {
	r.wrote = true
	n, err := r.ResponseWriter.Write(p)
	r.bytes += int64(n)
	return n, err
}

func (r *recorder) ReadFrom(src io.Reader) (int64, error) {
	r.wrote = true
	n, err := io.Copy(r.ResponseWriter, src) // uses the underlying ReaderFrom (sendfile)
	r.bytes += n
	return n, err
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(r.ResponseWriter).Hijack()
}

func (r *recorder) Flush() { http.NewResponseController(r.ResponseWriter).Flush() }
