package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb}
	code = run(context.Background(), e, args)
	return code, out.String(), errb.String()
}

func TestCLI(t *testing.T) {
	dir := t.TempDir()
	t.Run("HelpForEveryCommand", func(t *testing.T) {
		if code, out, _ := runCLI(t, "", "--help"); code != 0 || !strings.Contains(out, "serve") || !strings.Contains(out, "--data") {
			t.Fatalf("carrel --help: %d %q", code, out)
		}
		for _, c := range commands() {
			args := []string{c.name, "--help"}
			if sub, ok := map[string]string{"user": "add", "token": "create", "group": "add", "dev": "seed", "hrfeed": "import", "doi": "status", "keys": "rotate"}[c.name]; ok {
				args = []string{c.name, sub, "--help"}
			}
			code, _, errOut := runCLI(t, "", args...)
			if code != 0 || !strings.Contains(errOut, "--config") {
				t.Errorf("carrel %s: exit %d, help %q", strings.Join(args, " "), code, errOut)
			}
		}
	})
	t.Run("UserAndToken", func(t *testing.T) {
		code, out, errOut := runCLI(t, "correct horse battery staple\n", "user", "add", "--email", "lib@example.edu", "--name", "Li Brarian", "--admin", "--password-stdin", "--data", dir)
		if code != 0 || !strings.Contains(out, "administrator") {
			t.Fatalf("user add: %d %q %q", code, out, errOut)
		}
		code, out, _ = runCLI(t, "", "token", "create", "--email", "lib@example.edu", "--data", dir)
		if code != 0 || !regexp.MustCompile(`^[0-9a-f]{64}\n$`).MatchString(out) {
			t.Fatalf("token create must print only the token: %d %q", code, out)
		}
	})
	t.Run("Errors", func(t *testing.T) {
		cases := [][]string{
			{"user", "add", "--email", "lib@example.edu", "--name", "Again", "--data", dir},
			{"user", "add", "--email", "bad", "--name", "X", "--data", dir},
			{"user", "add", "--name", "No Email", "--data", dir},
			{"token", "create", "--email", "nobody@example.edu", "--data", dir},
			{"user", "add", "--email", "p@example.edu", "--name", "Short", "--password-stdin", "--data", dir},
			{"frobnicate"},
			{"version", "extra"},
		}
		for _, args := range cases {
			if code, _, errOut := runCLI(t, "short\n", args...); code == 0 || errOut == "" {
				t.Errorf("carrel %s: exit %d with no message", strings.Join(args, " "), code)
			}
		}
	})
	t.Run("Version", func(t *testing.T) {
		if code, out, _ := runCLI(t, "", "version"); code != 0 || !strings.HasPrefix(out, "carrel ") {
			t.Fatalf("version: %d %q", code, out)
		}
	})
}

func TestConfig(t *testing.T) {
	t.Run("Defaults", func(t *testing.T) {
		cfg, err := loadConfig("", "")
		if err != nil || cfg.Server.Addr != "127.0.0.1:8080" || cfg.Server.DataDir != "./carrel-data" {
			t.Fatalf("defaults: %+v %v", cfg.Server, err)
		}
	})
	t.Run("FileEnvAndFlag", func(t *testing.T) {
		f := filepath.Join(t.TempDir(), "c.toml")
		os.WriteFile(f, []byte("[server]\naddr = \"127.0.0.1:9000\"\nbase_url = \"https://data.example.edu\"\n"), 0o600)
		t.Setenv("CARREL_UPLOAD_MAX_FILE_SIZE", "12345")
		t.Setenv("CARREL_STORAGE_S3_BUCKET", "deposits")
		t.Setenv("CARREL_SEARCH_CONCURRENT", "3")
		cfg, err := loadConfig(f, "/srv/carrel")
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Server.Addr != "127.0.0.1:9000" || cfg.Upload.MaxFileSize != 12345 || cfg.Server.DataDir != "/srv/carrel" ||
			cfg.Storage.S3.Bucket != "deposits" || cfg.Search.Concurrent != 3 {
			t.Fatalf("got %+v %+v", cfg.Server, cfg.Upload)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		dir := t.TempDir()
		for name, body := range map[string]string{
			"unknown key": "[server]\nport = 1\n",
			"bad toml":    "[server\n",
			"bad level":   "[log]\nlevel = \"loud\"\n",
			"bad backend": "[storage]\nbackend = \"tape\"\n",
			"half s3":     "[storage]\nbackend = \"s3\"\n[storage.s3]\nbucket = \"b\"\n",
			"s3 key only": "[storage]\nbackend = \"s3\"\n[storage.s3]\nendpoint = \"e:9000\"\nbucket = \"b\"\naccess_key = \"k\"\n",
			"bad url":     "[server]\nbase_url = \"data.example.edu\"\n",
			"searches -1": "[search]\nconcurrent = -1\n",
		} {
			f := filepath.Join(dir, "c.toml")
			os.WriteFile(f, []byte(body), 0o600)
			if _, err := loadConfig(f, ""); err == nil {
				t.Errorf("%s: accepted", name)
			}
		}
		t.Setenv("CARREL_UPLOAD_MAX_FILE_SIZE", "lots")
		if _, err := loadConfig("", ""); err == nil {
			t.Error("non-numeric env accepted")
		}
	})
}

// TestVocabularyDir checks that an institution's vocabulary files are
// loaded over the built-in ones, and that a broken file stops the start.
func TestVocabularyDir(t *testing.T) {
	vocab := t.TempDir()
	os.WriteFile(filepath.Join(vocab, "licenses.json"), []byte(`[{"value": 2001, "name": "Campus Licence 1.0", "url": "https://example.edu/licence"}]`), 0o644)
	s := startServerWith(t, fmt.Sprintf("[server]\nvocabulary_dir = %q\n", vocab))
	var lics []struct{ Value int }
	s.do("GET", "/v2/licenses", "", nil).want(t, 200).JSON(t, &lics)
	if last := lics[len(lics)-1]; last.Value != 2001 || len(lics) < 10 {
		t.Fatalf("licenses: %+v", lics)
	}
	os.WriteFile(filepath.Join(vocab, "licenses.json"), []byte(`[{"value": "x"}]`), 0o644)
	if code, _, errOut := runCLI(t, "", "user", "add", "--email", "a@example.edu", "--name", "A B", "--data", t.TempDir(),
		"--config", writeConfig(t, fmt.Sprintf("[server]\nvocabulary_dir = %q\n", vocab))); code == 0 || !strings.Contains(errOut, "licenses.json") {
		t.Fatalf("broken vocabulary accepted: %d %s", code, errOut)
	}
}

func writeConfig(t *testing.T, body string) string {
	f := filepath.Join(t.TempDir(), "c.toml")
	os.WriteFile(f, []byte(body), 0o600)
	return f
}
