package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// client speaks the parts of Figshare's API v2 the benchmark needs.
type client struct {
	base     string
	token    string
	parallel int
	http     *http.Client
}

// newClient returns a client for base that keeps enough connections open
// for parallel part uploads and never goes through a proxy.
func newClient(base, token string, parallel int) *client {
	tr := &http.Transport{
		Proxy:               nil,
		MaxIdleConnsPerHost: parallel + 2,
		DisableCompression:  true,
		WriteBufferSize:     256 << 10,
		ReadBufferSize:      256 << 10,
	}
	return &client{base: base, token: token, parallel: parallel, http: &http.Client{Transport: tr}}
}

// call sends a JSON request (body may be nil), checks the status and
// decodes a JSON answer into out (which may be nil).
func (c *client) call(ctx context.Context, method, url string, body any, want int, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "token "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: %s (want %d): %s", method, url, resp.Status, want, bytes.TrimSpace(raw))
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("%s %s: %v", method, url, err)
		}
	}
	return nil
}

// createItem creates a dataset item with everything publishing needs and
// returns its id.
func (c *client) createItem(ctx context.Context) (int64, error) {
	in := map[string]any{
		"title":        "Carrel core-path benchmark",
		"description":  "A file of pseudo-random bytes uploaded and downloaded by bench/core.",
		"authors":      []map[string]string{{"name": "Bench Admin"}},
		"license":      1,
		"defined_type": "dataset",
	}
	var out struct {
		EntityID int64 `json:"entity_id"`
	}
	if err := c.call(ctx, http.MethodPost, c.base+"/v2/account/articles", in, http.StatusCreated, &out); err != nil {
		return 0, err
	}
	return out.EntityID, nil
}

// publish publishes the item's first version.
func (c *client) publish(ctx context.Context, item int64) error {
	return c.call(ctx, http.MethodPost, fmt.Sprintf("%s/v2/account/articles/%d/publish", c.base, item), nil, http.StatusCreated, nil)
}

// uploadResult is the timing of one upload through the parts protocol.
type uploadResult struct {
	fileID   int64
	parts    int
	partSize int64
	total    time.Duration // file create to completion response
	setup    time.Duration // create the file, fetch it and its part list
	send     time.Duration // all parts sent
	complete time.Duration // the completion request (assembly and hashing)
}

// upload sends the file at path through the parts protocol, sending
// parallel parts at once, each streamed from disk.
func (c *client) upload(ctx context.Context, item int64, path string, size int64, md5 string) (uploadResult, error) {
	var res uploadResult
	f, err := os.Open(path)
	if err != nil {
		return res, err
	}
	defer f.Close()
	start := time.Now()
	filesURL := fmt.Sprintf("%s/v2/account/articles/%d/files", c.base, item)
	var created struct {
		Location string `json:"location"`
	}
	in := map[string]any{"name": filepath.Base(path), "size": size, "md5": md5}
	if err := c.call(ctx, http.MethodPost, filesURL, in, http.StatusCreated, &created); err != nil {
		return res, err
	}
	var file struct {
		ID        int64  `json:"id"`
		UploadURL string `json:"upload_url"`
	}
	if err := c.call(ctx, http.MethodGet, created.Location, nil, http.StatusOK, &file); err != nil {
		return res, err
	}
	var info struct {
		Parts []struct {
			PartNo      int   `json:"partNo"`
			StartOffset int64 `json:"startOffset"`
			EndOffset   int64 `json:"endOffset"`
		} `json:"parts"`
	}
	if err := c.call(ctx, http.MethodGet, file.UploadURL, nil, http.StatusOK, &info); err != nil {
		return res, err
	}
	if len(info.Parts) == 0 {
		return res, fmt.Errorf("GET %s: no parts", file.UploadURL)
	}
	res.fileID, res.parts = file.ID, len(info.Parts)
	res.partSize = info.Parts[0].EndOffset - info.Parts[0].StartOffset + 1
	sendStart := time.Now()
	res.setup = sendStart.Sub(start)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan int)
	errs := make(chan error, len(info.Parts))
	var wg sync.WaitGroup
	for range c.parallel {
		wg.Go(func() {
			for i := range next {
				p := info.Parts[i]
				n := p.EndOffset - p.StartOffset + 1
				url := fmt.Sprintf("%s/%d", file.UploadURL, p.PartNo)
				if err := c.putPart(ctx, url, io.NewSectionReader(f, p.StartOffset, n), n); err != nil {
					errs <- err
					cancel()
				}
			}
		})
	}
	go func() {
		defer close(next)
		for i := range info.Parts {
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return res, err
	}
	completeStart := time.Now()
	res.send = completeStart.Sub(sendStart)
	if err := c.call(ctx, http.MethodPost, fmt.Sprintf("%s/%d", filesURL, file.ID), nil, http.StatusAccepted, nil); err != nil {
		return res, err
	}
	end := time.Now()
	res.complete, res.total = end.Sub(completeStart), end.Sub(start)
	return res, nil
}

// putPart sends one part's exact bytes. The upload service needs no token.
func (c *client) putPart(ctx context.Context, url string, body io.Reader, size int64) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, url, body)
	if err != nil {
		return err
	}
	req.ContentLength = size
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("PUT %s: %s: %s", url, resp.Status, bytes.TrimSpace(msg))
	}
	return nil
}

// sink counts and discards bytes; it has no ReadFrom, so copies into it use
// the caller's (large) buffer.
type sink struct{ w io.Writer }

func (s sink) Write(p []byte) (int, error) {
	if s.w != nil {
		return s.w.Write(p)
	}
	return len(p), nil
}

// download GETs url and streams the body into w (nil: discard), checking
// the status and that exactly size bytes arrive.
func (c *client) download(ctx context.Context, url string, size int64, w io.Writer) (time.Duration, error) {
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return 0, fmt.Errorf("GET %s: %s: %s", url, resp.Status, bytes.TrimSpace(msg))
	}
	n, err := io.CopyBuffer(sink{w}, resp.Body, make([]byte, 1<<20))
	d := time.Since(start)
	if err != nil {
		return 0, fmt.Errorf("GET %s: %v", url, err)
	}
	if n != size {
		return 0, fmt.Errorf("GET %s: got %d bytes, want %d", url, n, size)
	}
	return d, nil
}

// verifyDownload downloads url once, hashing it, and compares the SHA-256.
func (c *client) verifyDownload(ctx context.Context, url string, size int64, sha string) error {
	h := sha256.New()
	if _, err := c.download(ctx, url, size, h); err != nil {
		return err
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != sha {
		return fmt.Errorf("GET %s: SHA-256 %s, want %s", url, got, sha)
	}
	return nil
}

// downloadTimes is the outcome of repeated timed downloads.
type downloadTimes struct {
	best time.Duration
	all  []time.Duration
}

// add records one run.
func (dt *downloadTimes) add(d time.Duration) {
	dt.all = append(dt.all, d)
	if dt.best == 0 || d < dt.best {
		dt.best = d
	}
}
