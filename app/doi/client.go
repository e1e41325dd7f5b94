// Package doi registers Carrel's DOIs with DataCite through its REST API,
// from the catalog's outbox: publishing only writes outbox rows, and a
// worker delivers them, retrying with back-off until DataCite accepts them,
// so a DataCite outage never blocks publishing.
package doi

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// MediaType is JSON:API's media type, which DataCite's REST API speaks.
const MediaType = "application/vnd.api+json"

// Endpoints of DataCite's REST API.
const (
	TestEndpoint       = "https://api.test.datacite.org"
	ProductionEndpoint = "https://api.datacite.org"
)

// Client talks to DataCite's REST API as one repository account.
type Client struct {
	Endpoint   string // e.g. https://api.test.datacite.org
	Repository string // the repository account id, e.g. CARREL.REPO
	Password   string
	HTTP       *http.Client // nil means a client with a 60 second timeout
}

// Attributes are the DOI attributes Carrel sends: the DOI, the event that
// moves its state (empty for a draft), its landing page and its metadata as
// DataCite XML (sent base64-encoded, as DataCite asks).
type Attributes struct {
	DOI   string
	Event string // "", "publish", "register" or "hide"
	URL   string
	XML   []byte
}

// Error is an answer from DataCite other than success.
type Error struct {
	Status int
	Body   string
}

func (e *Error) Error() string {
	return fmt.Sprintf("DataCite answered %d: %s", e.Status, e.Body)
}

// taken reports DataCite's answer to creating a DOI that exists.
func (e *Error) taken() bool {
	return e.Status == http.StatusUnprocessableEntity && strings.Contains(e.Body, "already been taken")
}

// Create registers a new DOI (POST /dois).
func (c *Client) Create(ctx context.Context, a Attributes) error {
	return c.send(ctx, http.MethodPost, "/dois", a)
}

// Update changes an existing DOI (PUT /dois/{doi}).
func (c *Client) Update(ctx context.Context, a Attributes) error {
	return c.send(ctx, http.MethodPut, "/dois/"+url.PathEscape(a.DOI), a)
}

// Put creates the DOI or, when DataCite already holds it, updates it;
// known says whether DataCite is believed to hold it already.
func (c *Client) Put(ctx context.Context, a Attributes, known bool) error {
	if known {
		err := c.Update(ctx, a)
		var e *Error
		if errors.As(err, &e) && e.Status == http.StatusNotFound {
			return c.Create(ctx, a)
		}
		return err
	}
	err := c.Create(ctx, a)
	var e *Error
	if errors.As(err, &e) && e.taken() {
		// An earlier attempt reached DataCite but its answer did not reach us.
		return c.Update(ctx, a)
	}
	return err
}

type document struct {
	Data resource `json:"data"`
}

type resource struct {
	Type       string         `json:"type"`
	ID         string         `json:"id,omitempty"`
	Attributes map[string]any `json:"attributes"`
}

func (c *Client) send(ctx context.Context, method, path string, a Attributes) error {
	attrs := map[string]any{"doi": a.DOI}
	if a.Event != "" {
		attrs["event"] = a.Event
	}
	if a.URL != "" {
		attrs["url"] = a.URL
	}
	if len(a.XML) > 0 {
		attrs["xml"] = base64.StdEncoding.EncodeToString(a.XML)
	}
	doc := document{Data: resource{Type: "dois", Attributes: attrs}}
	if method == http.MethodPut {
		doc.Data.ID = a.DOI
	}
	body, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.Endpoint, "/")+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.SetBasicAuth(c.Repository, c.Password)
	req.Header.Set("Content-Type", MediaType)
	req.Header.Set("Accept", MediaType)
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode/100 == 2 {
		return nil
	}
	text := strings.Join(strings.Fields(string(answer)), " ")
	if len(text) > 300 {
		text = text[:300] + "…"
	}
	return &Error{Status: resp.StatusCode, Body: text}
}
