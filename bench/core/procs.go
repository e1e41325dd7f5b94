package main

import (
	"bufio"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"carrel/bench/benchkit"
)

// fileSums are the test file's checksums in hex.
type fileSums struct{ md5, sha256 string }

// makeTestFile writes size pseudo-random (incompressible, reproducible)
// bytes to path and returns their checksums.
func makeTestFile(path string, size int64) (fileSums, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fileSums{}, err
	}
	f, err := os.Create(path)
	if err != nil {
		return fileSums{}, err
	}
	defer f.Close()
	rng := rand.NewChaCha8([32]byte{'c', 'a', 'r', 'r', 'e', 'l'})
	m, h := md5.New(), sha256.New()
	buf := make([]byte, 1<<20)
	for left := size; left > 0; {
		chunk := buf[:min(left, int64(len(buf)))]
		rng.Read(chunk)
		var wg sync.WaitGroup
		wg.Go(func() { m.Write(chunk) })
		h.Write(chunk)
		wg.Wait()
		if _, err := f.Write(chunk); err != nil {
			return fileSums{}, err
		}
		left -= int64(len(chunk))
	}
	if err := f.Close(); err != nil {
		return fileSums{}, err
	}
	return fileSums{hex.EncodeToString(m.Sum(nil)), hex.EncodeToString(h.Sum(nil))}, nil
}

// commandContext is exec.CommandContext that asks the process to stop with
// SIGTERM before killing it.
func commandContext(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second
	return cmd
}

// freeAddr returns a loopback address with a port that was free a moment
// ago.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// process is a server running as a subprocess.
type process struct {
	cmd    *exec.Cmd
	done   chan struct{}
	url    string
	token  string
	logTo  *os.File
	exited error
}

// start starts cmd, logging its output to logPath.
func start(cmd *exec.Cmd, logPath string) (*process, error) {
	lf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = lf, lf
	if err := cmd.Start(); err != nil {
		lf.Close()
		return nil, err
	}
	p := &process{cmd: cmd, done: make(chan struct{}), logTo: lf}
	go func() { p.exited = cmd.Wait(); close(p.done) }()
	return p, nil
}

// pid is the server's process id.
func (p *process) pid() int { return p.cmd.Process.Pid }

// waitReady polls url until it answers, the process exits, or time runs out.
func (p *process) waitReady(ctx context.Context, url string) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			return fmt.Errorf("%s exited before it was ready: %v (see %s)", p.cmd.Path, p.exited, p.logTo.Name())
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			return nil
		}
	}
	return fmt.Errorf("%s did not answer %s within 30s (see %s)", p.cmd.Path, url, p.logTo.Name())
}

// stop asks the server to stop, then kills it if it does not.
func (p *process) stop() {
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
	}
	p.logTo.Close()
}

// startCarrel creates an administrator and a token with carrel's command
// line, then starts `carrel serve` on a free loopback port, with env
// (CARREL_... settings) added to its environment.
func startCarrel(ctx context.Context, bin, data, logPath string, env ...string) (*process, error) {
	token, err := benchkit.AdminToken(ctx, bin, data)
	if err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cmd := commandContext(ctx, bin, "serve", "--data", data, "--addr", addr)
	cmd.Env = append(os.Environ(), env...)
	p, err := start(cmd, logPath)
	if err != nil {
		return nil, err
	}
	p.url, p.token = "http://"+addr, token
	if err := p.waitReady(ctx, p.url+"/healthz"); err != nil {
		p.stop()
		return nil, err
	}
	logf("carrel serving at %s (pid %d, data %s)", p.url, p.pid(), data)
	return p, nil
}

// findNginx returns the nginx binary to use.
func findNginx(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if p, err := exec.LookPath("nginx"); err == nil {
		return p, nil
	}
	if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
		return "/usr/sbin/nginx", nil
	}
	return "", errors.New("nginx not found: install Debian's nginx-light (scripts/bench.sh does) or pass -nginx")
}

// nginxConf is the minimal configuration nginx serves the file with; every
// path it writes is under the prefix directory.
const nginxConf = `daemon off;
master_process off;
worker_processes 1;
error_log %[1]s/err.log;
pid %[1]s/nginx.pid;
events {}
http {
    access_log off;
    sendfile on;
    client_body_temp_path %[1]s/client_body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;
    server {
        listen %[2]s;
        root %[3]s;
    }
}
`

// nginxServer is a running nginx and its version.
type nginxServer struct {
	*process
	version string
}

// startNginx starts nginx as the current user, serving root on a free
// loopback port, with its configuration, logs and temp files in dir.
func startNginx(ctx context.Context, bin, dir, root string) (*nginxServer, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	conf := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(conf, fmt.Appendf(nil, nginxConf, dir, addr, root), 0o644); err != nil {
		return nil, err
	}
	ver, _ := exec.CommandContext(ctx, bin, "-v").CombinedOutput()
	p, err := start(commandContext(ctx, bin, "-p", dir, "-e", filepath.Join(dir, "err.log"), "-c", conf),
		filepath.Join(dir, "stderr.log"))
	if err != nil {
		return nil, err
	}
	p.url = "http://" + addr
	if err := p.waitReady(ctx, p.url+"/"); err != nil {
		p.stop()
		return nil, err
	}
	v := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(string(ver)), "nginx version:"))
	logf("%s serving %s at %s", v, root, p.url)
	return &nginxServer{p, v}, nil
}

// rssStats is what the sampler saw of the server's resident set, in bytes.
type rssStats struct {
	baseline int64 // VmRSS before the upload started
	peak     int64 // the largest VmRSS sample
	hwm      int64 // VmHWM (the process's lifetime peak) at the end
	samples  int
}

// rssSampler samples a process's VmRSS until stopped.
type rssSampler struct {
	pid  int
	quit chan struct{}
	done chan rssStats
}

// startRSS takes a baseline sample of pid's VmRSS at once and then one
// every interval.
func startRSS(pid int, interval time.Duration) *rssSampler {
	s := &rssSampler{pid: pid, quit: make(chan struct{}), done: make(chan rssStats, 1)}
	st := rssStats{}
	st.baseline, _ = procStatus(pid)
	st.peak, st.samples = st.baseline, 1
	go func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-s.quit:
				rss, hwm := procStatus(pid)
				st.peak, st.hwm = max(st.peak, rss), hwm
				st.samples++
				s.done <- st
				return
			case <-t.C:
				rss, _ := procStatus(pid)
				st.peak = max(st.peak, rss)
				st.samples++
			}
		}
	}()
	return s
}

// stop takes a last sample and returns the figures.
func (s *rssSampler) stop() rssStats {
	close(s.quit)
	return <-s.done
}

// procStatus reads VmRSS and VmHWM (in bytes) from /proc/<pid>/status.
func procStatus(pid int) (rss, hwm int64) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, val, ok := strings.Cut(sc.Text(), ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(val), " kB"), 10, 64)
		if name == "VmRSS" {
			rss = kb << 10
		} else {
			hwm = kb << 10
		}
	}
	return rss, hwm
}
