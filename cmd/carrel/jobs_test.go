package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
)

// browser signs in a new account (an administrator if admin) and returns a
// client holding its session.
func (s *testServer) browser(email string, admin bool) *http.Client {
	s.t.Helper()
	args := []string{"user", "add", "--email", email, "--name", "Web Person", "--password-stdin"}
	if admin {
		args = append(args, "--admin")
	}
	if _, err := s.cli("a long enough passphrase\n", args...); err != nil {
		s.t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	res, err := c.PostForm(s.URL+"/login", url.Values{"email": {email}, "password": {"a long enough passphrase"}})
	if err != nil {
		s.t.Fatal(err)
	}
	res.Body.Close()
	return c
}

// page gets path with client c and returns the status and body.
func (s *testServer) page(c *http.Client, path string) (int, string) {
	s.t.Helper()
	res, err := c.Get(s.URL + path)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestJobsSurface checks the scheduler's CLI, config and admin views on a
// running server; the jobs' own tests run them.
func TestJobsSurface(t *testing.T) {
	s := startServer(t)
	admin := s.account("admin@example.edu", true)
	user := s.account("user@example.edu", false)

	out, err := s.cli("", "jobs", "list")
	if err != nil || !strings.HasPrefix(out, "JOB") {
		t.Fatalf("jobs list: %q %v", out, err)
	}
	for _, args := range [][]string{{"jobs", "run", "no-such-job"}, {"jobs"}, {"jobs", "frob"}, {"jobs", "run"}, {"jobs", "runs", "no-such-job"}} {
		if _, err := s.cli("", args...); err == nil {
			t.Errorf("carrel %s succeeded", strings.Join(args, " "))
		}
	}

	var list []map[string]any
	s.do("GET", "/v2/admin/jobs", admin, nil).want(t, 200).JSON(t, &list)
	if len(list) != len(defaultJobs()) {
		t.Errorf("admin jobs = %v", list)
	}
	s.do("GET", "/v2/admin/jobs", user, nil).want(t, 404)
	s.do("GET", "/v2/admin/jobs", "", nil).want(t, 401)
	s.do("GET", "/v2/admin/jobs/no-such-job/runs", admin, nil).want(t, 404)
	if code, body := s.page(http.DefaultClient, "/admin/jobs"); code != 200 || !strings.Contains(body, "Sign in") {
		t.Errorf("anonymous /admin/jobs: %d, not the sign-in page", code)
	}
	if code, body := s.page(s.browser("webadmin@example.edu", true), "/admin/jobs"); code != 200 || !strings.Contains(body, "Scheduled jobs") {
		t.Errorf("administrator /admin/jobs: %d %.300s", code, body)
	}
	if code, _ := s.page(s.browser("webuser@example.edu", false), "/admin/jobs"); code != 404 {
		t.Errorf("non-administrator /admin/jobs: %d, want 404", code)
	}
}

func TestJobsConfig(t *testing.T) {
	for _, toml := range []string{
		"[jobs.no-such-job]\nschedule = \"@daily\"\n",
	} {
		code, _, errOut := runCLI(t, "", "jobs", "list", "--data", t.TempDir(), "--config", writeConfig(t, toml))
		if code == 0 || !strings.Contains(errOut, "no-such-job") {
			t.Errorf("config %q: exit %d, %q", toml, code, errOut)
		}
	}
	cfg, err := loadConfig(writeConfig(t, ""), "")
	if err != nil {
		t.Fatal(err)
	}
	if err := applyJobsEnv(&cfg, []string{"CARREL_JOBS_SOME_JOB_ENABLED=maybe"}); err == nil {
		t.Error("a bad boolean in the environment passed")
	}
	if err := applyJobsEnv(&cfg, []string{"CARREL_JOBS_SOME_JOB_SCHEDULE=@hourly", "CARREL_JOBS_SOME_JOB_ENABLED=true"}); err != nil ||
		cfg.Jobs["some-job"] != (JobConfig{Schedule: "@hourly", Enabled: true}) {
		t.Errorf("environment: %+v %v", cfg.Jobs, err)
	}
}
