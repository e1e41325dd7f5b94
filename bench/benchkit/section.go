// Package benchkit is what the benchmark drivers share: writing one
// benchmark's section of BENCHMARKS.md, and preparing a Carrel data
// directory with an administrator. Each
// benchmark owns the text between its own <!-- bench:NAME --> and
// <!-- /bench:NAME --> markers and replaces only that, so benchmarks that
// run separately never overwrite each other's figures.
package benchkit

import (
	"fmt"
	"os"
	"strings"
)

// header starts a new BENCHMARKS.md.
const header = `# Benchmarks

Figures written by ` + "`make bench`" + `. Each benchmark owns one section between its own
HTML comment markers and replaces only that section; the rest of this file is kept.

`

// Markers returns the opening and closing markers of the named section.
func Markers(name string) (begin, end string) {
	return "<!-- bench:" + name + " -->", "<!-- /bench:" + name + " -->"
}

// WriteSection replaces the named section of the file at path with
// section (which must start and end with the section's markers), or
// appends it, creating the file if need be, keeping everything else.
func WriteSection(path, name, section string) error {
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	text := string(old)
	if text == "" {
		text = header
	}
	beginMarker, endMarker := Markers(name)
	i := strings.Index(text, beginMarker)
	j := strings.Index(text, endMarker)
	switch {
	case i >= 0 && j > i:
		text = text[:i] + strings.TrimSuffix(section, "\n") + text[j+len(endMarker):]
	case i >= 0 || j >= 0:
		return fmt.Errorf("%s: unbalanced %s / %s markers; fix them by hand", path, beginMarker, endMarker)
	default:
		if !strings.HasSuffix(text, "\n\n") {
			text = strings.TrimRight(text, "\n") + "\n\n"
		}
		text += section
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
