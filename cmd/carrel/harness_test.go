package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// testServer is a real Carrel started by `carrel serve` on a temporary data
// directory and a free loopback port.
type testServer struct {
	t      testing.TB
	URL    string
	Data   string
	Config string // the configuration file serve was given, if any; cli passes it too
	Stop   func() // stops the server now (the test's end stops it too)
}

// startServer runs `carrel serve` and stops it (checking it exits cleanly)
// when the test ends.
func startServer(t *testing.T) *testServer { return startServerWith(t, "") }

// startServerWith runs `carrel serve` with a configuration file holding
// configTOML (none if empty).
func startServerWith(t testing.TB, configTOML string) *testServer {
	t.Helper()
	return startServerIn(t, t.TempDir(), configTOML)
}

// startServerIn runs `carrel serve` on the data directory dir, so that a
// test can restart a server on the same state.
func startServerIn(t testing.TB, dir, configTOML string) *testServer {
	t.Helper()
	args := []string{"serve", "--data", dir}
	if !strings.Contains(configTOML, "\naddr = ") {
		args = append(args, "--addr", "127.0.0.1:0") // else the test chose a port
	}
	var f string
	if configTOML != "" {
		f = filepath.Join(t.TempDir(), "carrel.toml")
		if err := os.WriteFile(f, []byte(configTOML), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, "--config", f)
	}
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan int, 1)
	var logs bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &syncWriter{w: &logs}, listening: func(a string) { addrc <- a }}
	go func() { done <- run(ctx, e, args) }()
	select {
	case addr := <-addrc:
		var once sync.Once
		stop := func() {
			once.Do(func() {
				cancel()
				select {
				case code := <-done:
					if code != 0 {
						t.Errorf("carrel serve exited with %d", code)
					}
				case <-time.After(30 * time.Second):
					t.Error("carrel serve did not stop within 30s")
				}
			})
		}
		t.Cleanup(stop)
		return &testServer{t: t, URL: "http://" + addr, Data: dir, Config: f, Stop: stop}
	case code := <-done:
		cancel()
		t.Fatalf("carrel serve exited at start with %d", code)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("carrel serve did not start within 30s")
	}
	return nil
}

// cli runs a carrel command against the server's data directory and
// returns its standard output.
func (s *testServer) cli(stdin string, args ...string) (string, error) {
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb}
	args = append(args, "--data", s.Data)
	if s.Config != "" {
		args = append(args, "--config", s.Config)
	}
	if code := run(context.Background(), e, args); code != 0 {
		return out.String(), &cliError{code: code, stderr: errb.String()}
	}
	return out.String(), nil
}

type cliError struct {
	code   int
	stderr string
}

func (e *cliError) Error() string { return e.stderr }

// account creates an account and returns a fresh API token for it.
func (s *testServer) account(email string, admin bool) string {
	s.t.Helper()
	args := []string{"user", "add", "--email", email, "--name", "Test Person"}
	if admin {
		args = append(args, "--admin")
	}
	if _, err := s.cli("", args...); err != nil {
		s.t.Fatalf("user add: %v", err)
	}
	tok, err := s.cli("", "token", "create", "--email", email)
	if err != nil {
		s.t.Fatalf("token create: %v", err)
	}
	return strings.TrimSpace(tok)
}

// response is a finished HTTP exchange.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test if it is not JSON.
func (r *response) JSON(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("response is not JSON (%v): %.300s", err, r.Body)
	}
}

// do sends a request; body may be nil, a string, []byte, an io.Reader or a
// value to encode as JSON.
func (s *testServer) do(method, path, token string, body any, hdr ...string) *response {
	s.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	case io.Reader:
		rd = b
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	url := path
	if !strings.HasPrefix(path, "http") {
		url = s.URL + path
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "token "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		s.t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return &response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// want fails the test unless the response has the given status.
func (r *response) want(t *testing.T, status int) *response {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %.400s", r.Status, status, r.Body)
	}
	return r
}

func newRequest(method, url string, body io.Reader, size int64) (*http.Request, error) {
	req, err := http.NewRequest(method, url, body)
	if err == nil {
		req.ContentLength = size
	}
	return req, err
}

func httpClient() *http.Client { return &http.Client{Timeout: time.Minute} }
