// Command web benchmarks how fast Carrel renders its public pages with a
// large catalog, the way `make bench` runs it: it seeds a data directory
// with `carrel dev seed` (100,000 items by default), starts `carrel serve`
// on it, and times the home page, search pages, a deep search page, landing
// pages and a preview-less file list one request at a time over loopback,
// against /healthz as the floor (the cost of a request that renders
// nothing). The target is < 100 ms per page. It writes the figures into the
// bench:web section of BENCHMARKS.md.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"time"
)

const (
	begin = "<!-- bench:web -->"
	end   = "<!-- /bench:web -->"
)

func main() {
	bin := flag.String("carrel", ".cache/bin/carrel", "the carrel `binary`")
	items := flag.Int("items", 100_000, "items to seed")
	work := flag.String("work", ".cache/bench/web", "work `dir` (the seeded data is kept and reused)")
	out := flag.String("out", "BENCHMARKS.md", "the Markdown file whose bench:web section is replaced")
	n := flag.Int("requests", 200, "requests per page kind")
	flag.Parse()
	if err := run(*bin, *items, *work, *out, *n); err != nil {
		fmt.Fprintf(os.Stderr, "bench-web: %v\n", err)
		os.Exit(1)
	}
}

func run(bin string, items int, work, out string, n int) error {
	ctx := context.Background()
	data := filepath.Join(work, fmt.Sprintf("data-%d", items))
	var seedTook time.Duration
	if _, err := os.Stat(filepath.Join(data, "catalog.db")); err != nil {
		os.MkdirAll(work, 0o755)
		start := time.Now()
		cmd := exec.CommandContext(ctx, bin, "dev", "seed", "--items", fmt.Sprint(items), "--files", "1", "--data", data)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
		seedTook = time.Since(start)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := l.Addr().String()
	l.Close()
	srv := exec.CommandContext(ctx, bin, "serve", "--data", data, "--addr", addr)
	logf, _ := os.Create(filepath.Join(work, "serve.log"))
	srv.Stdout, srv.Stderr = logf, logf
	if err := srv.Start(); err != nil {
		return err
	}
	defer func() { srv.Process.Signal(os.Interrupt); srv.Wait() }()
	base := "http://" + addr
	if err := waitReady(base); err != nil {
		return err
	}
	pages, err := samplePages(base)
	if err != nil {
		return err
	}
	var rows []string
	for _, p := range pages {
		count := n
		if p.once {
			count = len(p.paths)
		}
		p50, p99, status, err := timePage(base, p.paths, count)
		if err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		verdict := "—"
		if p.name != "/healthz (floor)" {
			verdict = map[bool]string{true: "meets < 100 ms", false: "**misses** < 100 ms"}[p99 < 100*time.Millisecond]
		}
		rows = append(rows, fmt.Sprintf("| %s | %d | %s | %s | %s |", p.name, status, ms(p50), ms(p99), verdict))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n## Page rendering with a large catalog\n\n", begin)
	fmt.Fprintf(&b, "- **Command:** `make bench` (bench/web: `%s`)\n", strings.Join(os.Args, " "))
	fmt.Fprintf(&b, "- **Machine:** %s; %d cores; Go %s; load average %s\n", cpuModel(), runtime.NumCPU(), runtime.Version(), loadAvg())
	fmt.Fprintf(&b, "- **Catalog:** %d seeded items (`carrel dev seed --items %d --files 1`)", items, items)
	if seedTook > 0 {
		fmt.Fprintf(&b, ", seeded in %.0f s (%.0f items/s)", seedTook.Seconds(), float64(items)/seedTook.Seconds())
	}
	fmt.Fprintf(&b, "\n- **Method:** %d sequential GETs per page kind over loopback, spread over different items and queries; "+
		"times are client-side (server time plus loopback). /healthz is the floor: a request that renders nothing. "+
		"Search pages count 8 facets over every match. Public search answers are cached until the index changes, so "+
		"rows marked *cold* request each URL exactly once (nothing of theirs is cached); the other search rows repeat "+
		"their URLs and show the cache. Browsing everything shows the 6 facets whose counts over everything the index "+
		"keeps current as it changes (counted once in the background at start), and lists its page from the catalog.\n\n", n)
	b.WriteString("| page | status | p50 | p99 | target |\n|---|---|---|---|---|\n")
	b.WriteString(strings.Join(rows, "\n"))
	fmt.Fprintf(&b, "\n\n%s\n", end)
	return writeSection(out, b.String())
}

type pageKind struct {
	name  string
	paths []string
	once  bool // request each path once instead of n times round-robin
}

// samplePages picks the URLs to time: landing pages of items spread over
// the catalog, and searches for words that occur in it.
func samplePages(base string) ([]pageKind, error) {
	res, err := http.Get(base + "/v2/articles?page_size=100&page=7")
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	var arts []struct {
		Title string `json:"title"`
		URL   string `json:"url_public_html"`
	}
	if err := json.NewDecoder(res.Body).Decode(&arts); err != nil || len(arts) == 0 {
		return nil, fmt.Errorf("listing items: %v (%d)", err, len(arts))
	}
	var landing, search, deep, sorted, browse, authors, groups []string
	seen := map[string]bool{}
	for i, a := range arts {
		landing = append(landing, strings.TrimPrefix(a.URL, base))
		words := strings.Fields(a.Title)
		w := strings.ToLower(strings.Trim(words[len(words)/2], ",.:;"))
		browse = append(browse, fmt.Sprintf("/search?page=%d", i+2))
		if seen[w] {
			continue
		}
		seen[w] = true
		search = append(search, "/search?q="+w)
		deep = append(deep, "/search?q="+w+"&page=20")
		sorted = append(sorted, "/search?q="+w+"&sort=title&page=2")
	}
	for _, l := range landing {
		a, g, err := pageLinks(base + l)
		if err != nil {
			return nil, err
		}
		if a != "" && !seen[a] {
			seen[a], authors = true, append(authors, a)
		}
		if g != "" && !seen[g] {
			seen[g], groups = true, append(groups, g)
		}
	}
	kinds := []pageKind{
		{"/healthz (floor)", []string{"/healthz"}, false},
		{"home /", []string{"/"}, false},
		{"landing page", landing, false},
		{"search, first page, cold", search, true},
		{"search, page 20, cold", deep, true},
		{"search, sorted by title, page 2, cold", sorted, true},
		{"search, everything, pages 2–101, cold", browse, true},
		{"search, first page, repeated", search, false},
		{"search, everything, repeated", []string{"/search?q="}, false},
		{"author page", authors, false},
	}
	if len(groups) > 0 {
		kinds = append(kinds, pageKind{"group page", groups, false})
	}
	return kinds, nil
}

// pageLinks returns the first author page and the group page a landing page
// links to, if any.
func pageLinks(url string) (author, group string, err error) {
	res, err := http.Get(url)
	if err != nil {
		return "", "", err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return "", "", err
	}
	if m := regexp.MustCompile(`href="(/authors/[^"]+)"`).FindSubmatch(body); m != nil {
		author = html.UnescapeString(string(m[1]))
	}
	if m := regexp.MustCompile(`href="(/groups/[^"]+)"`).FindSubmatch(body); m != nil {
		group = html.UnescapeString(string(m[1]))
	}
	return author, group, nil
}

// timePage requests the paths round-robin n times and returns the median
// and 99th percentile.
func timePage(base string, paths []string, n int) (p50, p99 time.Duration, status int, err error) {
	client := &http.Client{Timeout: 30 * time.Second}
	var ds []time.Duration
	for i := 0; i < n; i++ {
		start := time.Now()
		res, err := client.Get(base + paths[i%len(paths)])
		if err != nil {
			return 0, 0, 0, err
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		ds = append(ds, time.Since(start))
		status = res.StatusCode
		if res.StatusCode >= 400 {
			return 0, 0, res.StatusCode, fmt.Errorf("%s answered %d", paths[i%len(paths)], res.StatusCode)
		}
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2], ds[len(ds)*99/100], status, nil
}

func waitReady(base string) error {
	deadline := time.Now().Add(10 * time.Minute) // the index may be catching up
	for time.Now().Before(deadline) {
		if res, err := http.Get(base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("carrel serve did not become ready")
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func cpuModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

func loadAvg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// writeSection replaces the bench:web section of the report, or appends
// it, leaving every other section as it was.
func writeSection(path, section string) error {
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	s := string(old)
	if i, j := strings.Index(s, begin), strings.Index(s, end); i >= 0 && j > i {
		s = s[:i] + strings.TrimRight(section, "\n") + s[j+len(end):]
	} else {
		s = strings.TrimRight(s, "\n") + "\n\n" + section
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(s), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
