package web

import "testing"

func TestNegotiate(t *testing.T) {
	offers := []string{"text/html", "application/xhtml+xml", "application/x-bibtex", "application/ld+json"}
	for accept, want := range map[string]string{
		"":                                      "text/html",
		"*/*":                                   "text/html",
		"application/x-bibtex":                  "application/x-bibtex",
		"application/ld+json, */*;q=0.1":        "application/ld+json",
		"application/x-bibtex;q=0.5, text/html": "text/html",
		"text/html;q=0.2, application/*":        "application/xhtml+xml",
		"application/x-bibtex;q=0":              "text/html",
		"image/png":                             "text/html",
		"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8": "text/html",
		"application/ld+json;q=0.9, application/x-bibtex":                 "application/x-bibtex",
		"garbage;;;, application/ld+json":                                 "application/ld+json",
	} {
		if got := negotiate(accept, offers); got != want {
			t.Errorf("Accept %q: got %s, want %s", accept, got, want)
		}
	}
}
