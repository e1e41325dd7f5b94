package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"carrel/testenv"
)

// smtpSink is a real SMTP server (test/smtp/sink.py) that keeps every
// message it accepts as a file.
type smtpSink struct {
	t    *testing.T
	port int
	dir  string
	cmd  *exec.Cmd
}

func newSMTPSink(t *testing.T) *smtpSink {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return &smtpSink{t: t, port: port, dir: t.TempDir()}
}

func (s *smtpSink) start() {
	py := testenv.Tool(s.t, "python3", "python3")
	s.cmd = exec.Command(py, filepath.Join(testenv.RepoRoot(s.t), "test", "smtp", "sink.py"), fmt.Sprint(s.port), s.dir)
	out, err := s.cmd.StdoutPipe()
	if err != nil {
		s.t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(s.stop)
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || !strings.HasPrefix(line, "listening") {
		s.t.Fatalf("SMTP sink did not start: %q %v", line, err)
	}
}

func (s *smtpSink) stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
	}
}

// messages returns the messages received, in order.
func (s *smtpSink) messages() []string {
	names, _ := filepath.Glob(filepath.Join(s.dir, "*.eml"))
	sort.Slice(names, func(i, j int) bool {
		var a, b int
		fmt.Sscanf(filepath.Base(names[i]), "%d", &a)
		fmt.Sscanf(filepath.Base(names[j]), "%d", &b)
		return a < b
	})
	var out []string
	for _, n := range names {
		b, _ := os.ReadFile(n)
		out = append(out, string(b))
	}
	return out
}

// TestNotifications sends review mail through a real SMTP server, and
// keeps a message that could not be sent while the server was down until
// it is back.
func TestNotifications(t *testing.T) {
	sink := newSMTPSink(t)
	s := startServerWith(t, fmt.Sprintf(`[mail]
enabled = true
host = "127.0.0.1"
port = %d
tls = "none"
from = "Test Repository <repo@example.edu>"
retry_seconds = 1

[jobs.notify]
enabled = false
`, sink.port))
	_, dept, _ := reviewGroups(t, s)
	depositor := s.account("dep@example.edu", false)
	reviewer := s.account("rev@example.edu", false)
	must(s.cli("", "user", "role", "dep@example.edu", "depositor", "--group", fmt.Sprint(dept)))
	must(s.cli("", "user", "role", "rev@example.edu", "reviewer", "--group", fmt.Sprint(dept)))
	// Events from before mail was first sent are not mailed.
	must(s.cli("", "jobs", "run", "notify"))

	var created struct {
		EntityID int64 `json:"entity_id"`
	}
	s.do("POST", "/v2/account/articles", depositor, map[string]any{"title": "Glacier melt rates", "defined_type": "dataset", "license": 1,
		"authors": []map[string]string{{"name": "Ada Lovelace"}}, "categories": []int{3001}, "group_id": dept}).want(t, 201).JSON(t, &created)
	s.upload(t, depositor, created.EntityID, "melt.csv", []byte("year,mm\n2020,4\n"), nil)
	var loc struct{ Location string }
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", created.EntityID), depositor, nil).want(t, 202).JSON(t, &loc)
	review := loc.Location[strings.Index(loc.Location, "/v2/"):]

	t.Run("OutageLosesNothing", func(t *testing.T) {
		_, err := s.cli("", "jobs", "run", "notify")
		if err == nil || !strings.Contains(err.Error(), "rev@example.edu") {
			t.Fatalf("a run with the SMTP server down: %v", err)
		}
		sink.start()
		time.Sleep(1100 * time.Millisecond) // the first retry waits retry_seconds
		if out, err := s.cli("", "jobs", "run", "notify"); err != nil {
			t.Fatalf("retry: %v %s", err, out)
		}
		msgs := sink.messages()
		if len(msgs) != 1 || !strings.Contains(msgs[0], "X-Rcpt-To: rev@example.edu") || !strings.Contains(msgs[0], "Subject: [Carrel] To review: Glacier melt rates") {
			t.Fatalf("messages: %q", msgs)
		}
	})
	t.Run("EachEventOnce", func(t *testing.T) {
		s.do("POST", review+"/comments", reviewer, map[string]string{"text": "Which glacier?"}).want(t, 200)
		s.do("POST", review+"/decline", reviewer, map[string]string{"reason": "Name the glacier, please."}).want(t, 204)
		must(s.cli("", "jobs", "run", "notify"))
		must(s.cli("", "jobs", "run", "notify"))
		msgs := sink.messages()
		if len(msgs) != 3 {
			t.Fatalf("%d messages, want 3: %q", len(msgs), msgs)
		}
		for i, want := range []string{"New message about Glacier melt rates", "Changes needed: Glacier melt rates"} {
			m := msgs[i+1]
			if !strings.Contains(m, "X-Rcpt-To: dep@example.edu") || !strings.Contains(m, want) {
				t.Errorf("message %d: %q", i+1, m)
			}
		}
		if !strings.Contains(msgs[1], "Which glacier?") || !strings.Contains(msgs[2], "Name the glacier, please.") {
			t.Errorf("messages lack the reviewer's words: %q", msgs[1:])
		}
	})
}
