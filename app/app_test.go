package app_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"carrel/app"
)

func TestValidORCID(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"0000-0002-1825-0097", true},
		{"https://orcid.org/0000-0002-1825-0097", true},
		{"0000-0001-5109-3700", true},
		{"0000-0002-1694-233X", true},
		{"0000-0002-1825-0098", false},
		{"0000-0002-1825-009", false},
		{"0000 0002 1825 0097", false},
		{"000a-0002-1825-0097", false},
		{"", false},
	} {
		if got := app.ValidORCID(tc.in); got != tc.want {
			t.Errorf("ValidORCID(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestValidateFileName(t *testing.T) {
	for _, ok := range []string{"data.csv", "Übersicht 2024.xlsx", "a..b", ".hidden", "数据.txt"} {
		if err := app.ValidateFileName(ok); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"", ".", "..", "../x", "a/b", `a\b`, "nul\x00", "tab\t", "\x7f", " lead", "trail ", "\xff\xfe", string(make([]byte, 256))} {
		err := app.ValidateFileName(bad)
		if got := app.ErrorCode(err); got != app.EUNPROCESSABLE {
			t.Errorf("%q: code %q, want unprocessable", bad, got)
		}
	}
}

func TestCleanFolder(t *testing.T) {
	for in, want := range map[string]string{"": "", "/": "", "/raw/2020/": "raw/2020", "raw": "raw"} {
		got, err := app.CleanFolder(in)
		if err != nil || got != want {
			t.Errorf("CleanFolder(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"a/../b", "a//b", "../a", "a/./b", "a/\x01"} {
		if _, err := app.CleanFolder(bad); err == nil {
			t.Errorf("CleanFolder(%q) accepted", bad)
		}
	}
}

func TestParts(t *testing.T) {
	for _, tc := range []struct {
		size, partSize int64
		want           int
	}{{1, 10, 1}, {10, 10, 1}, {11, 10, 2}, {64 << 20, app.MinPartSize, 7}} {
		parts := app.Parts(tc.size, tc.partSize)
		if len(parts) != tc.want {
			t.Fatalf("Parts(%d, %d): %d parts, want %d", tc.size, tc.partSize, len(parts), tc.want)
		}
		var total int64
		for i, p := range parts {
			if p.Number != i+1 || p.StartOffset != total {
				t.Fatalf("part %d: %+v", i, p)
			}
			total += p.Size()
		}
		if total != tc.size {
			t.Fatalf("parts cover %d bytes, want %d", total, tc.size)
		}
	}
	if got := app.PartSizeFor(1 << 40); got*app.MaxParts < 1<<40 || got < app.MinPartSize {
		t.Fatalf("a 1 TiB file needs more than %d parts of %d", app.MaxParts, got)
	}
}

func TestMetadata(t *testing.T) {
	md := app.Metadata{Title: "x"}
	if got, want := fmt.Sprint(md.MissingForPublish()), "[authors license defined_type]"; got != want {
		t.Errorf("missing %s, want %s", got, want)
	}
	md.Authors = []app.Author{{FullName: "A", ORCID: "0000-0000-0000-0002"}}
	if err := md.Validate(); app.ErrorCode(err) != app.EINVALID {
		t.Errorf("bad ORCID: %v", err)
	}
	md.Authors[0].ORCID = ""
	md.Keywords = make([]string, app.MaxListLen+1)
	if err := md.Validate(); app.ErrorCode(err) != app.EINVALID {
		t.Errorf("too many keywords: %v", err)
	}
	md.Keywords = []string{"ok\x00"}
	if err := md.Validate(); app.ErrorCode(err) != app.EINVALID {
		t.Errorf("NUL in keyword: %v", err)
	}
}

func TestErrors(t *testing.T) {
	internal := app.Internal(errors.New("disk on fire at /srv/secret"), "write")
	if got := app.ErrorMessage(internal); got != "Internal error" {
		t.Errorf("internal message leaks: %q", got)
	}
	if got := app.ErrorCode(fmt.Errorf("wrapped: %w", app.Errorf(app.ENOTFOUND, "x"))); got != app.ENOTFOUND {
		t.Errorf("wrapped code %q", got)
	}
	if app.ErrorCode(nil) != "" || app.Internal(nil, "x") != nil {
		t.Error("nil handling")
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Soil moisture, 2020–2024 (v2)": "Soil_moisture_2020_2024_v2",
		"  ":                            "item",
		"Über die Daten":                "Über_die_Daten",
		"<script>":                      "script",
	} {
		if got := app.Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
	long := app.Slug(strings.Repeat("é", 200))
	if !utf8.ValidString(long) || utf8.RuneCountInString(long) != 80 {
		t.Errorf("long slug cut badly: %q", long)
	}
	if got, want := app.LandingPath("Ä b", 7), "/articles/%C3%84_b/7"; got != want {
		t.Errorf("LandingPath = %q, want %q", got, want)
	}
}
