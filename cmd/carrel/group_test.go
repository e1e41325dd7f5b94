package main

import (
	"strings"
	"testing"
)

func TestGroupCLI(t *testing.T) {
	dir := t.TempDir()
	cli := func(args ...string) (int, string, string) {
		t.Helper()
		return runCLI(t, "", append(args, "--data", dir)...)
	}
	for _, args := range [][]string{
		{"group", "add", "--name", "University"},
		{"group", "add", "--name", "Faculty of Science", "--parent", "1", "--quota", "1000000"},
		{"group", "add", "--name", "Physics", "--parent", "2"},
		{"user", "add", "--email", "rev@example.edu", "--name", "Rita Reviewer"},
	} {
		if code, out, errOut := cli(args...); code != 0 {
			t.Fatalf("carrel %s: %d %q %q", strings.Join(args, " "), code, out, errOut)
		}
	}
	code, out, _ := cli("group", "list")
	if want := "1\tUniversity\tno quota\n  2\tFaculty of Science\tquota 1000000 bytes\n    3\tPhysics\tno quota\n"; code != 0 || out != want {
		t.Fatalf("group list = %d %q, want %q", code, out, want)
	}
	code, out, errOut := runCLI(t, "", "user", "role", "rev@example.edu", "reviewer", "--group", "2", "--data", dir)
	if code != 0 || !strings.Contains(out, "Reviewer on group 2") {
		t.Fatalf("user role: %d %q %q", code, out, errOut)
	}
	if code, out, _ := cli("user", "role", "rev@example.edu", "reviewer", "--group", "2", "--remove"); code != 0 || !strings.Contains(out, "no longer") {
		t.Fatalf("user role --remove: %d %q", code, out)
	}
	for _, args := range [][]string{
		{"group", "add", "--name", "Physics", "--parent", "2"}, // duplicate sibling
		{"group", "add", "--name", "Lost", "--parent", "99"},   // missing parent
		{"group", "add"}, // no name
		{"user", "role", "rev@example.edu", "wizard"},      // unknown role
		{"user", "role", "nobody@example.edu", "reviewer"}, // unknown account
		{"user", "role", "rev@example.edu", "reviewer", "--group", "42"},
		{"user", "role", "rev@example.edu", "administrator", "--group", "2"},
		{"user", "role", "rev@example.edu"},
	} {
		if code, _, errOut := cli(args...); code == 0 || errOut == "" {
			t.Errorf("carrel %s: exit %d with no message", strings.Join(args, " "), code)
		}
	}
}
