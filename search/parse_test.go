package search

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"carrel/app"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want string // the parsed expression written back; "" for no terms
	}{
		{"", ""},
		{"   \t\n", ""},
		{"climate", "climate"},
		{"climate change", "climate AND change"},
		{"climate AND change", "climate AND change"},
		{"climate && change", "climate AND change"},
		{"climate OR weather", "climate OR weather"},
		{"climate || weather", "climate OR weather"},
		{"a b OR c d", "a AND b OR c AND d"},
		{"a AND (b OR c)", "a AND (b OR c)"},
		{"(a OR b) OR c", "a OR b OR c"},
		{"((a))", "a"},
		{"NOT a", "NOT a"},
		{"a NOT b", "a AND NOT b"},
		{"NOT (a OR b)", "NOT (a OR b)"},
		{"NOT NOT a", "NOT NOT a"},
		{`"climate   change"`, `"climate change"`},
		{`"AND"`, `"AND"`},
		{"and or not", "and AND or AND not"},
		{":title: glacier", ":title: glacier"},
		{":title:glacier", ":title: glacier"},
		{":TITLE: glacier", ":title: glacier"},
		{`:title: "ice loss"`, `:title: "ice loss"`},
		{":title: (ice OR snow)", ":title: ice OR :title: snow"},
		{":title: (ice NOT snow)", ":title: ice AND NOT :title: snow"},
		{":author: Lovelace :tag: climate", ":author: Lovelace AND :tag: climate"},
		{":licence: MIT OR :license: CC0", ":licence: MIT OR :license: CC0"},
		{":doi: 10.5072/carrel.1.v1", ":doi: 10.5072/carrel.1.v1"},
		{"10.5072/carrel:1", "10.5072/carrel:1"},
		{":foo", ":foo"},
		{"::", "::"},
		{"naïve café", "naïve AND café"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			e, err := parse(tt.in)
			if err != nil {
				t.Fatalf("parse(%q): %v", tt.in, err)
			}
			got := ""
			if e != nil {
				got = e.String()
			}
			if got != tt.want {
				t.Errorf("parse(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParse_Errors(t *testing.T) {
	tests := []struct {
		in   string
		want string // part of the message
	}{
		{`"climate change`, "unbalanced quote"},
		{`climate "change`, "unbalanced quote"},
		{`""`, "empty quoted phrase"},
		{"(climate", "missing )"},
		{"climate)", "unexpected )"},
		{")", "unexpected )"},
		{"()", "empty parentheses"},
		{"(a OR)", "a term is missing before )"},
		{"((a)", "missing )"},
		{":nope: x", "unknown field prefix :nope:"},
		{":title:", ":title: needs a value"},
		{":title: AND x", ":title: needs a value"},
		{":title: :author: x", ":title: needs a value"},
		{":title: (:author: x)", "inside :title:"},
		{"AND climate", "AND needs a term before it"},
		{"climate AND", "query ends where a term is expected"},
		{"climate OR", "query ends where a term is expected"},
		{"OR", "OR needs a term before it"},
		{"NOT", "NOT needs a term after it"},
		{"a NOT", "NOT needs a term after it"},
		{"a AND OR b", "OR needs a term before it"},
		{strings.Repeat("a ", maxQueryTerms+1), "more than 64 terms"},
		{strings.Repeat("(", maxQueryDepth+1) + "a" + strings.Repeat(")", maxQueryDepth+1), "more than 16 deep"},
		{strings.Repeat("x", MaxQueryLen+1), "longer than 4096 bytes"},
		{"caf\xe9", "not valid UTF-8"},
	}
	for _, tt := range tests {
		name := tt.in
		if len(name) > 40 {
			name = name[:40]
		}
		t.Run(name, func(t *testing.T) {
			_, err := parse(tt.in)
			if err == nil {
				t.Fatalf("parse(%q) succeeded, want an error containing %q", tt.in, tt.want)
			}
			wantCode(t, err, app.EINVALID)
			if got := app.ErrorMessage(err); !strings.Contains(got, tt.want) {
				t.Errorf("parse(%q) error %q, want it to contain %q", tt.in, got, tt.want)
			}
		})
	}
}

// FuzzParse checks that no input makes the parser panic or return anything
// but an EINVALID error, that what it accepts it can write back and parse
// to the same expression, and that every accepted expression builds a
// Bleve query. The seeds run in every normal test run.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", "climate", "climate change", `"climate change"`, "a AND (b OR NOT c)", ":title: glacier",
		`:author: "Ada Lovelace" OR :orcid: 0000-0002-1825-0097`, ":tag: (ice OR snow) NOT :extension: csv",
		":item_type: dataset :licence: \"CC BY 4.0\" :group: 12 :category: 21", ":doi: 10.5072/x :handle: 20.500.1/2",
		`"unbalanced`, "(a OR b", "a)", ":unknown: x", "NOT", "a && b || c", "((((a))))", "::a::", ":title:\"x\"",
		"caf\xe9", "\x00", "a\u00a0b", "NOT NOT NOT x", ":description: (a b (c OR d))",
	} {
		f.Add(s)
	}
	ix, err := Open("")
	if err != nil {
		f.Fatal(err)
	}
	defer ix.Close()
	f.Fuzz(func(t *testing.T, in string) {
		e, err := parse(in)
		if err != nil {
			var ae *app.Error
			if !errors.As(err, &ae) || ae.Code != app.EINVALID || ae.Message == "" {
				t.Fatalf("parse(%q) error %v, want an EINVALID *app.Error with a message", in, err)
			}
			return
		}
		if e == nil {
			if strings.TrimSpace(in) != "" && len(strings.Fields(in)) != 0 {
				t.Fatalf("parse(%q) = nil for a query with text", in)
			}
			return
		}
		again, err := parse(e.String())
		if err != nil {
			t.Fatalf("parse(%q) = %q, which does not parse: %v", in, e.String(), err)
		}
		if !reflect.DeepEqual(again, e) {
			t.Fatalf("parse(%q) = %#v; written back as %q it parses to %#v", in, e, e.String(), again)
		}
		_ = builder{mapping: ix.mapping}.build(e)
	})
}
