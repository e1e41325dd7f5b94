// Package testenv finds what Carrel's tests need outside the package under
// test: the repository root, the shared reference data beside it, and
// external programs (xmllint, perl, minio...). A missing one fails the test
// when $CI is set, where a missing service is a broken build, and skips it
// elsewhere with a message that says what to install.
package testenv

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Missing fails the test under CI and skips it elsewhere, saying why.
func Missing(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal(why)
	}
	t.Skip(why)
}

// Tool returns the path of an external program, from the Debian package
// pkg; see Missing for what happens when it is not installed.
func Tool(t testing.TB, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(t, name+" is not installed (Debian package "+pkg+")")
	}
	return p
}

// RepoRoot returns the directory holding go.mod above the test's directory.
func RepoRoot(t testing.TB) string {
	t.Helper()
	return above(t, func(dir string) (string, bool) {
		_, err := os.Stat(filepath.Join(dir, "go.mod"))
		return dir, err == nil
	}, "go.mod")
}

// Reference returns the shared/reference folder (schemas, the OpenAPI
// document) found by walking up from the test's directory.
func Reference(t testing.TB) string {
	t.Helper()
	return above(t, func(dir string) (string, bool) {
		p := filepath.Join(dir, "shared", "reference")
		fi, err := os.Stat(p)
		return p, err == nil && fi.IsDir()
	}, "shared/reference")
}

// above walks up from the working directory until found matches.
func above(t testing.TB, found func(dir string) (string, bool), what string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if p, ok := found(dir); ok {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			Missing(t, what+" not found above the test directory")
			return ""
		}
		dir = parent
	}
}

// FreePort returns a port on 127.0.0.1 that nobody listened on a moment
// ago, for a server a test starts.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
