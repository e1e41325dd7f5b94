package api

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// maxConditionalBody is the largest JSON response buffered to compute its
// ETag; larger ones (no listing comes near it) are streamed without one.
const maxConditionalBody = 16 << 20

// conditional gives a GET handler's JSON responses an ETag (a hash of the
// body) and answers If-None-Match, or If-Modified-Since against the
// Last-Modified the handler set, with 304 Not Modified. Responses that are
// not JSON (downloads) pass through untouched and keep their own
// validators.
func conditional(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		cw := &conditionalWriter{w: w, r: r, status: http.StatusOK}
		h(cw, r)
		cw.finish()
	}
}

// lastModified sets a metadata response's Last-Modified header. HTTP dates
// have whole seconds, so a change in the current second is not stamped yet:
// another change later in the same second would carry the same date and an
// If-Modified-Since client would miss it. The ETag still validates.
func lastModified(w http.ResponseWriter, t time.Time) {
	if !t.IsZero() && time.Now().Unix() > t.Unix() {
		w.Header().Set("Last-Modified", t.UTC().Format(http.TimeFormat))
	}
}

// conditionalWriter buffers a 200 JSON response so that its ETag can be
// computed before anything is sent.
type conditionalWriter struct {
	w           http.ResponseWriter
	r           *http.Request
	status      int
	headerDone  bool
	passthrough bool
	buf         bytes.Buffer
}

func (c *conditionalWriter) Header() http.Header { return c.w.Header() }

func (c *conditionalWriter) WriteHeader(code int) {
	if c.headerDone {
		return
	}
	c.headerDone, c.status = true, code
	if code != http.StatusOK || !strings.HasPrefix(c.w.Header().Get("Content-Type"), "application/json") {
		c.passthrough = true
		c.w.WriteHeader(code)
	}
}

func (c *conditionalWriter) Write(p []byte) (int, error) {
	if !c.headerDone {
		c.WriteHeader(http.StatusOK)
	}
	if c.passthrough {
		return c.w.Write(p)
	}
	if c.buf.Len()+len(p) > maxConditionalBody {
		c.passthrough = true
		c.w.WriteHeader(c.status)
		if _, err := c.w.Write(c.buf.Bytes()); err != nil {
			return 0, err
		}
		c.buf.Reset()
		return c.w.Write(p)
	}
	return c.buf.Write(p)
}

// ReadFrom keeps sendfile for pass-through responses.
func (c *conditionalWriter) ReadFrom(src io.Reader) (int64, error) {
	if !c.headerDone {
		c.WriteHeader(http.StatusOK)
	}
	if c.passthrough {
		return io.Copy(c.w, src)
	}
	return io.Copy(struct{ io.Writer }{c}, src)
}

func (c *conditionalWriter) Flush() {
	if c.passthrough {
		http.NewResponseController(c.w).Flush()
	}
}

func (c *conditionalWriter) Unwrap() http.ResponseWriter { return c.w }

func (c *conditionalWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(c.w).Hijack()
}

// finish sends the buffered response, or 304 if the client's copy is
// current.
func (c *conditionalWriter) finish() {
	if c.passthrough {
		return
	}
	if !c.headerDone {
		c.WriteHeader(http.StatusOK)
		if c.passthrough {
			return
		}
	}
	h := c.w.Header()
	// Every client revalidates (cheaply, with the validators below); what an
	// account sees is for that account's browser only.
	h.Add("Vary", "Authorization, Cookie")
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-cache")
		if !actor(c.r.Context()).Anonymous() {
			h.Set("Cache-Control", "private, no-cache")
		}
	}
	sum := sha256.Sum256(c.buf.Bytes())
	etag := `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
	h.Set("ETag", etag)
	if notModified(c.r, etag, h.Get("Last-Modified")) {
		h.Del("Content-Type")
		h.Del("Content-Length")
		c.w.WriteHeader(http.StatusNotModified)
		return
	}
	c.w.WriteHeader(c.status)
	if c.r.Method != http.MethodHead {
		c.w.Write(c.buf.Bytes())
	}
}

// notModified evaluates If-None-Match (weak comparison) and, only when it is
// absent, If-Modified-Since, as RFC 9110 section 13.2.2 orders them.
func notModified(r *http.Request, etag, lastMod string) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, t := range strings.Split(inm, ",") {
			t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
			if t == "*" || t == etag {
				return true
			}
		}
		return false
	}
	ims, lm := r.Header.Get("If-Modified-Since"), lastMod
	if ims == "" || lm == "" {
		return false
	}
	since, err1 := http.ParseTime(ims)
	mod, err2 := http.ParseTime(lm)
	return err1 == nil && err2 == nil && !mod.After(since)
}
