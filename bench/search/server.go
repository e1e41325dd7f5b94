package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"carrel/app"
	"carrel/corpus"
)

// carrel runs the carrel binary on one data directory.
type carrel struct {
	bin, data string
}

// run runs a carrel command and returns its standard error, where carrel
// reports progress and results.
func (c carrel) run(ctx context.Context, args ...string) (string, error) {
	var out, errb bytes.Buffer
	cmd := exec.CommandContext(ctx, c.bin, append(args, "--data", c.data)...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("carrel %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
	}
	return errb.String() + out.String(), nil
}

// server is a running `carrel serve` with an administrator's token.
type server struct {
	cmd    *exec.Cmd
	done   chan struct{}
	url    string
	token  string
	client *http.Client
	once   sync.Once
}

// serve creates an administrator and a token, then starts the server on a
// free loopback port and waits until it answers.
func (c carrel) serve(ctx context.Context, logPath string) (*server, error) {
	const email = "bench-search@example.org"
	// A reused data directory has the administrator already.
	if _, err := c.run(ctx, "user", "add", "--email", email, "--name", "Bench Admin", "--admin"); err != nil &&
		!strings.Contains(err.Error(), "already exists") {
		return nil, err
	}
	out, err := c.run(ctx, "token", "create", "--email", email)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	lf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(c.bin, "serve", "--data", c.data, "--addr", addr)
	cmd.Stdout, cmd.Stderr = lf, lf
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, done: make(chan struct{}), url: "http://" + addr, token: strings.TrimSpace(out),
		client: &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
	go func() { cmd.Wait(); lf.Close(); close(s.done) }()
	for deadline := time.Now().Add(10 * time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		select {
		case <-s.done:
			return nil, fmt.Errorf("carrel serve exited at start (see %s)", logPath)
		default:
		}
		if resp, err := http.Get(s.url + "/healthz"); err == nil {
			resp.Body.Close()
			return s, nil
		}
	}
	s.stop()
	return nil, fmt.Errorf("carrel serve did not answer (see %s)", logPath)
}

func (s *server) pid() int { return s.cmd.Process.Pid }

// stop stops the server and waits for it to exit.
func (s *server) stop() {
	s.once.Do(func() {
		s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(time.Minute):
			s.cmd.Process.Kill()
			<-s.done
		}
	})
}

// call sends a JSON request and decodes a JSON answer of the wanted status.
func (s *server) call(ctx context.Context, method, path string, body, out any, want int) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.url+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "token "+s.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, b)
	}
	if out == nil {
		_, err = io.Copy(io.Discard, resp.Body)
		return err
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// ingest creates and publishes n generated items through the API with
// several clients and returns how long it took.
func ingest(ctx context.Context, s *server, n, clients int) (time.Duration, error) {
	var v corpus.Vocabulary
	if err := s.call(ctx, "GET", "/v2/item_types", nil, &v.ItemTypes, 200); err != nil {
		return 0, err
	}
	if err := s.call(ctx, "GET", "/v2/licenses", nil, &v.Licenses, 200); err != nil {
		return 0, err
	}
	if err := s.call(ctx, "GET", "/v2/categories", nil, &v.Categories, 200); err != nil {
		return 0, err
	}
	g := corpus.New(4242, v, corpus.Options{MaxFiles: -1, DraftPercent: 1})
	items := make(chan app.Metadata, clients)
	go func() {
		defer close(items)
		for range n {
			items <- g.Next().Metadata
		}
	}()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	var done atomic.Int64
	start := time.Now()
	for range clients {
		wg.Go(func() {
			for md := range items {
				if err := createAndPublish(ctx, s, md); err != nil {
					cancel(err)
					return
				}
				if k := done.Add(1); k%2000 == 0 {
					logf("  %d items through the API (%.0f/s)", k, float64(k)/time.Since(start).Seconds())
				}
			}
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

func createAndPublish(ctx context.Context, s *server, md app.Metadata) error {
	authors := make([]map[string]string, len(md.Authors))
	for i, a := range md.Authors {
		authors[i] = map[string]string{"name": a.FullName, "orcid_id": a.ORCID}
	}
	body := map[string]any{"title": md.Title, "description": md.Description, "defined_type": md.ItemType,
		"license": md.License, "authors": authors, "keywords": md.Keywords, "categories": md.Categories,
		"references": md.References}
	var created struct {
		EntityID int64 `json:"entity_id"`
	}
	if err := s.call(ctx, "POST", "/v2/account/articles", body, &created, 201); err != nil {
		return err
	}
	return s.call(ctx, "POST", fmt.Sprintf("/v2/account/articles/%d/publish", created.EntityID), nil, nil, 201)
}

// search runs one query of the mix over HTTP, with five facets.
func (s *server) search(ctx context.Context, q query) error {
	body := map[string]any{"search_for": q.text, "page_size": 10,
		"facets": []string{"item_type", "category", "license", "year", "group"}}
	if q.itemType != 0 {
		body["item_type"] = q.itemType
	}
	if q.since != 0 {
		body["published_since"] = fmt.Sprintf("%04d-01-01", q.since)
	}
	var res struct{ Total int }
	return s.call(ctx, "POST", "/v2/articles/search/facets", body, &res, 200)
}

// rss and hwm read a process's resident and peak resident memory in bytes.
func rss(pid int) int64 { return procStatus(pid, "VmRSS") }
func hwm(pid int) int64 { return procStatus(pid, "VmHWM") }

func procStatus(pid int, field string) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	for sc := bufio.NewScanner(f); sc.Scan(); {
		if name, val, ok := strings.Cut(sc.Text(), ":"); ok && name == field {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(val), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// cpuTime is the CPU time a process has used so far, user and system,
// from /proc (in clock ticks of 1/100 s, as Linux reports to user space).
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The fields after the command name, which is in parentheses and may
	// hold spaces: utime and stime are the 12th and 13th of them.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// waitIdle waits until process pid has finished the work a start does in
// the background (at 1M items, building the search columns and counting
// the facets of everything takes about 15 CPU-seconds), so that it is
// neither slowed by nor charged to what is measured next.
func waitIdle(ctx context.Context, pid int) error {
	for last := cpuTime(pid); ; {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
		now := cpuTime(pid)
		if now-last < 50*time.Millisecond {
			return nil
		}
		last = now
	}
}

// du is the size of the files under dir.
func du(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}
