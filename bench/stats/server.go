package main

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"carrel/bench/benchkit"
)

// server is one `carrel serve` subprocess with an administrator's token.
type server struct {
	cmd   *exec.Cmd
	done  chan error
	url   string
	token string
	log   *os.File
	once  sync.Once
}

// startCarrel prepares a data directory with an administrator, then starts
// `carrel serve` on a free loopback port with the given environment.
func startCarrel(ctx context.Context, bin, data, logPath string, env []string) (*server, error) {
	token, err := benchkit.AdminToken(ctx, bin, data)
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
	cmd := exec.Command(bin, "serve", "--data", data, "--addr", addr)
	cmd.Env = append(os.Environ(), env...)
	cmd.Env = append(cmd.Env, "CARREL_LOG_LEVEL=warn")
	cmd.Stdout, cmd.Stderr = lf, lf
	if err := cmd.Start(); err != nil {
		lf.Close()
		return nil, err
	}
	s := &server{cmd: cmd, done: make(chan error, 1), url: "http://" + addr, token: token, log: lf}
	go func() { s.done <- cmd.Wait() }()
	for deadline := time.Now().Add(30 * time.Second); ; {
		if res, err := http.Get(s.url + "/healthz"); err == nil {
			res.Body.Close()
			return s, nil
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("carrel did not start within 30 s (see %s)", logPath)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop sends SIGTERM (a clean shutdown, which writes buffered usage) and
// waits.
func (s *server) stop() {
	s.once.Do(func() {
		s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(30 * time.Second):
			s.cmd.Process.Kill()
			<-s.done
		}
		s.log.Close()
	})
}

// call sends a JSON request with the token and decodes the answer.
func (s *server) call(method, url string, body any, want int, out any) error {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	if !strings.HasPrefix(url, "http") {
		url = s.url + url
	}
	req, _ := http.NewRequest(method, url, rd)
	req.Header.Set("Authorization", "token "+s.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		return fmt.Errorf("%s %s: status %d, want %d: %.300s", method, url, res.StatusCode, want, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// publishFile deposits data as one public item's file through Figshare's
// upload flow and returns the download path.
func (s *server) publishFile(data []byte) (string, error) {
	var item struct {
		EntityID int64 `json:"entity_id"`
	}
	if err := s.call("POST", "/v2/account/articles", map[string]any{"title": "Benchmark data", "defined_type": "dataset",
		"license": 1, "authors": []map[string]string{{"name": "Bench Mark"}}}, 201, &item); err != nil {
		return "", err
	}
	sum := md5.Sum(data)
	var loc struct{ Location string }
	if err := s.call("POST", fmt.Sprintf("/v2/account/articles/%d/files", item.EntityID), map[string]any{"name": "data.bin",
		"size": len(data), "md5": hex.EncodeToString(sum[:])}, 201, &loc); err != nil {
		return "", err
	}
	var file struct {
		ID        int64  `json:"id"`
		UploadURL string `json:"upload_url"`
	}
	if err := s.call("GET", loc.Location, nil, 200, &file); err != nil {
		return "", err
	}
	var parts struct {
		Parts []struct{ PartNo, StartOffset, EndOffset int }
	}
	if err := s.call("GET", file.UploadURL, nil, 200, &parts); err != nil {
		return "", err
	}
	for _, p := range parts.Parts {
		if err := s.call("PUT", fmt.Sprintf("%s/%d", file.UploadURL, p.PartNo), data[p.StartOffset:p.EndOffset+1], 200, nil); err != nil {
			return "", err
		}
	}
	if err := s.call("POST", fmt.Sprintf("/v2/account/articles/%d/files/%d", item.EntityID, file.ID), nil, 202, nil); err != nil {
		return "", err
	}
	if err := s.call("POST", fmt.Sprintf("/v2/account/articles/%d/publish", item.EntityID), nil, 201, nil); err != nil {
		return "", err
	}
	return fmt.Sprintf("/v2/file/download/%d", file.ID), nil
}
