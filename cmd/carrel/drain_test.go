package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

// TestShutdownDrains stops the server (as SIGTERM does) while a part upload
// is in flight, and checks the upload still completes and the server exits
// cleanly.
func TestShutdownDrains(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addrc, done := make(chan string, 1), make(chan int, 1)
	e := &env{stdout: discard{}, stderr: discard{}, listening: func(a string) { addrc <- a }}
	go func() { done <- run(ctx, e, []string{"serve", "--data", dir, "--addr", "127.0.0.1:0"}) }()
	s := &testServer{t: t, URL: "http://" + <-addrc, Data: dir}
	tok := s.account("d@example.edu", false)
	item := s.createItem(t, tok, "Drain")
	var loc struct{ Location string }
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/files", item), tok, map[string]any{"name": "x.bin", "size": 1000}).want(t, 201).JSON(t, &loc)
	var f struct {
		UploadURL string `json:"upload_url"`
	}
	s.do("GET", loc.Location, tok, nil).want(t, 200).JSON(t, &f)

	pr, pw := io.Pipe()
	status := make(chan int, 1)
	go func() { status <- s.doSized("PUT", f.UploadURL+"/1", pr, 1000) }()
	pw.Write([]byte(strings.Repeat("a", 500)))
	waitLocked(t, s, f.UploadURL)
	cancel() // what SIGTERM does
	select {
	case code := <-done:
		t.Fatalf("server exited (%d) with a request in flight", code)
	case <-time.After(200 * time.Millisecond):
	}
	pw.Write([]byte(strings.Repeat("a", 500)))
	pw.Close()
	if got := <-status; got != 200 {
		t.Fatalf("in-flight part upload: status %d, want 200", got)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit code %d", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("server did not exit after draining")
	}
}
