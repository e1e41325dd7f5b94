package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"carrel/app"
	"carrel/app/catalog"
	"carrel/search"
	"carrel/storage/migrate"
)

// The control socket lets command-line tools ask a running server to do
// work that needs its open index: `carrel reindex` rebuilds online through
// it, and `carrel storage migrate` moves the blobs while it serves. It is a Unix socket in the data directory, readable and writable by
// its owner only (0600), so whoever may use it may already read the data
// directory; it speaks HTTP.
const controlSocket = "control.sock"

func controlPath(cfg Config) string { return filepath.Join(cfg.Server.DataDir, controlSocket) }

// control serves the control socket.
type control struct {
	cfg     Config
	cat     *catalog.DB
	index   *search.Index
	indexer *catalog.Indexer
	blobs   *migrate.Switch
	log     *slog.Logger
	// migrating is held while a storage migration runs.
	migrating sync.Mutex
}

// listenControl creates the control socket, replacing one left by a server
// that did not stop cleanly, and serves it until ctx ends. The socket is
// made under a temporary name, restricted to 0600 and then renamed, so it
// is never reachable with wider permissions. It fails when another server
// answers on the socket.
func listenControl(ctx context.Context, cfg Config, c *control) (stop func(), err error) {
	path := controlPath(cfg)
	if conn, err := net.DialTimeout("unix", path, time.Second); err == nil {
		conn.Close()
		return nil, fmt.Errorf("another carrel serve is running on %s (it answers on %s)", cfg.Server.DataDir, path)
	}
	tmp := fmt.Sprintf("%s.%d.tmp", path, os.Getpid())
	_ = os.Remove(tmp)
	ln, err := net.Listen("unix", tmp)
	if err != nil {
		return nil, fmt.Errorf("control socket: %w", err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	err = os.Chmod(tmp, 0o600)
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		ln.Close()
		_ = os.Remove(tmp)
		return nil, fmt.Errorf("control socket: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /reindex", c.handleReindex)
	mux.HandleFunc("POST /storage/migrate", c.handleMigrate)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { return ctx }}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	return func() {
		_ = srv.Close() // ends a running reindex stream; its rebuild is cancelled with ctx
		<-done
		_ = os.Remove(path)
	}, nil
}

// reindexEvent is one line of the reindex stream: progress, then either
// the result or an error.
type reindexEvent struct {
	Done    int     `json:"done"`
	Total   int     `json:"total"`
	Indexed uint64  `json:"indexed,omitempty"`
	Seconds float64 `json:"seconds,omitempty"`
	Error   string  `json:"error,omitempty"`
}

// handleReindex rebuilds the index online and streams progress as JSON
// lines. Searches keep using the old index until the new one is complete;
// changes made meanwhile are replayed into it before the swap and caught up
// from the change log after it.
func (c *control) handleReindex(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	w.Header().Set("Content-Type", "application/x-ndjson")
	var mu sync.Mutex
	send := func(ev reindexEvent) {
		mu.Lock()
		defer mu.Unlock()
		_ = json.NewEncoder(w).Encode(ev)
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
	}
	fail := func(err error) {
		c.log.Error("online reindex failed", "err", err)
		send(reindexEvent{Error: app.ErrorMessage(err)})
	}
	total, err := c.cat.CountItems(ctx)
	if err != nil {
		fail(err)
		return
	}
	start := time.Now()
	c.log.Info("online reindex started", "items", total)
	var last time.Time
	progress := func(done int) {
		if time.Since(last) >= 100*time.Millisecond {
			last = time.Now()
			send(reindexEvent{Done: done, Total: total})
		}
	}
	feed := func(yield func(search.Document) error) error { return c.cat.AllSearchDocuments(ctx, yield) }
	if err := c.index.Rebuild(ctx, search.Online, feed, progress); err != nil {
		fail(err)
		return
	}
	if err := c.indexer.CatchUp(context.WithoutCancel(ctx)); err != nil {
		fail(err)
		return
	}
	go countEverything(context.WithoutCancel(ctx), c.index, c.log)
	n, err := c.index.Count()
	if err != nil {
		fail(err)
		return
	}
	took := time.Since(start)
	c.log.Info("online reindex done", "indexed", n, "seconds", took.Seconds())
	send(reindexEvent{Done: total, Total: total, Indexed: n, Seconds: took.Seconds()})
}

// serverRunning reports whether a server answers on the control socket.
func serverRunning(cfg Config) (bool, error) {
	path := controlPath(cfg)
	conn, err := net.DialTimeout("unix", path, 2*time.Second)
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ECONNREFUSED) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("control socket %s: %w", path, err)
	}
	conn.Close()
	return true, nil
}

// reindexOnline asks the running server to rebuild its index, drawing its
// progress with bar.
func reindexOnline(ctx context.Context, cfg Config, bar func(done, total int)) (indexed uint64, took time.Duration, err error) {
	path, client := controlPath(cfg), controlClient(cfg)
	req, err := http.NewRequestWithContext(ctx, "POST", "http://carrel/reindex", nil)
	if err != nil {
		return 0, 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, fmt.Errorf("control socket %s: %w", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return 0, 0, fmt.Errorf("the server refused: %s %s", resp.Status, body)
	}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		var ev reindexEvent
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			return 0, 0, fmt.Errorf("bad answer from the server: %w", err)
		}
		switch {
		case ev.Error != "":
			return 0, 0, errors.New(ev.Error)
		case ev.Seconds > 0 || ev.Indexed > 0:
			bar(ev.Done, ev.Total)
			return ev.Indexed, time.Duration(ev.Seconds * float64(time.Second)), nil
		default:
			bar(ev.Done, ev.Total)
		}
	}
	if err := sc.Err(); err != nil {
		return 0, 0, err
	}
	return 0, 0, errors.New("the server stopped before the reindex finished; the old index is still in use")
}

// controlClient is an HTTP client that talks to the server's control
// socket.
func controlClient(cfg Config) *http.Client {
	path := controlPath(cfg)
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", path)
	}}}
}
