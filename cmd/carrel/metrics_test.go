package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func scrape(t *testing.T, url string, hdr ...string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := res.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return res.StatusCode, b.String()
}

func TestMetrics(t *testing.T) {
	s := startServer(t)
	tok := s.account("ada@example.edu", false)
	id := s.createItem(t, tok, "Counted")
	s.upload(t, tok, id, "c.txt", []byte("twelve bytes"), nil)
	s.do("GET", fmt.Sprintf("/v2/account/articles/%d", id), tok, nil).want(t, 200)
	s.do("GET", "/no/such/page", "", nil).want(t, 404)
	if _, err := s.cli("", "jobs", "run", "fixity-audit"); err != nil {
		t.Fatal(err)
	}

	code, body := scrape(t, s.URL+"/metrics")
	if code != 200 {
		t.Fatalf("/metrics from loopback: %d", code)
	}
	for _, want := range []string{
		`carrel_http_requests_total{code="200",method="GET",route="GET /v2/account/articles/{id}"} 1`,
		`carrel_http_requests_total{code="404",method="GET",route="other"} 1`,
		`carrel_http_request_bytes_total{route="PUT /upload/{token}/{part}"} 12`,
		`carrel_http_request_duration_seconds_count{route="GET /v2/account/articles/{id}"} 1`,
		`carrel_storage_files 1`,
		`carrel_storage_used_bytes 12`,
		`carrel_fixity_failing_files 0`,
		`carrel_job_last_run_failed{job="fixity-audit"} 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if code, _ := scrape(t, s.URL+"/metrics", "X-Forwarded-For", "203.0.113.9"); code != 404 {
		t.Errorf("/metrics through a proxy: %d, want 404", code)
	}
}

func TestMetricsToken(t *testing.T) {
	s := startServerWith(t, "[metrics]\ntoken = \"s3cret-scrape-token\"\n")
	if code, _ := scrape(t, s.URL+"/metrics"); code != 404 {
		t.Errorf("/metrics without the token: %d", code)
	}
	if code, _ := scrape(t, s.URL+"/metrics", "Authorization", "Bearer wrong"); code != 404 {
		t.Errorf("/metrics with a wrong token: %d", code)
	}
	if code, body := scrape(t, s.URL+"/metrics", "Authorization", "Bearer s3cret-scrape-token"); code != 200 || !strings.Contains(body, "carrel_http_requests_total") {
		t.Errorf("/metrics with the token: %d", code)
	}
}
