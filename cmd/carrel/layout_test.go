package main

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestLayout enforces DESIGN.md's dependency rules with `go list`:
// app imports only the standard library; storage, search and ui import no
// app/... package; app/<x> imports no sibling app/<y>, except that HTTP
// packages may use app/auth and app/formats.
func TestLayout(t *testing.T) {
	out, err := exec.Command("go", "list", "-json", "carrel/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	httpPkgs := map[string]bool{"carrel/app/api": true, "carrel/app/web": true, "carrel/app/oai": true}
	for dec.More() {
		var p struct {
			ImportPath string
			Imports    []string
			Standard   bool
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		for _, imp := range p.Imports {
			std := !strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") && !strings.HasPrefix(imp, "carrel")
			switch {
			case p.ImportPath == "carrel/app" && !std:
				t.Errorf("package app imports %s; it may import only the standard library", imp)
			case (strings.HasPrefix(p.ImportPath, "carrel/storage") || strings.HasPrefix(p.ImportPath, "carrel/search") ||
				strings.HasPrefix(p.ImportPath, "carrel/ui")) && strings.HasPrefix(imp, "carrel/app/"):
				t.Errorf("%s imports %s", p.ImportPath, imp)
			case strings.HasPrefix(p.ImportPath, "carrel/app/") && strings.HasPrefix(imp, "carrel/app/"):
				if sibling(p.ImportPath) == sibling(imp) {
					continue
				}
				if httpPkgs[p.ImportPath] && (imp == "carrel/app/auth" || imp == "carrel/app/formats") {
					continue
				}
				t.Errorf("%s imports its sibling %s", p.ImportPath, imp)
			}
		}
	}
}

func sibling(path string) string {
	parts := strings.Split(path, "/")
	if len(parts) < 3 {
		return path
	}
	return strings.Join(parts[:3], "/")
}

// TestFileSizes keeps source files small enough to read: under ~400 lines.
func TestFileSizes(t *testing.T) {
	root, _ := filepath.Abs("../..")
	filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() && (d.Name() == ".cache" || d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && path != root {
			if d != nil && d.IsDir() {
				return filepath.SkipDir
			}
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		n := 0
		for sc := bufio.NewScanner(f); sc.Scan(); {
			n++
		}
		if n > 450 {
			rel, _ := filepath.Rel(root, path)
			t.Errorf("%s has %d lines; split it by responsibility", rel, n)
		}
		return nil
	})
}
