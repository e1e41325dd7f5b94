package app

import "testing"

func TestSpreadsheetCell(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"http://evil\")": "'=HYPERLINK(\"http://evil\")",
		"+1+1":                        "'+1+1",
		"-2+3":                        "'-2+3",
		"@SUM(A1)":                    "'@SUM(A1)",
		"\t=1":                        "'\t=1",
		"\r=1":                        "'\r=1",
		"\x00=1":                      "'\x00=1",
		"":                            "",
		"Soil moisture, 2026":         "Soil moisture, 2026",
		"a=b":                         "a=b",
		"'quoted":                     "'quoted",
	} {
		if got := SpreadsheetCell(in); got != want {
			t.Errorf("SpreadsheetCell(%q) = %q, want %q", in, got, want)
		}
	}
}
