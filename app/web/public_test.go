package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestHome(t *testing.T) {
	e := MustServe(t)
	owner := e.account("owner@example.edu")
	pub := e.item(owner, metadata("Soil moisture 2020"))
	e.file(pub, "data.csv", "a,b\n1,2\n")
	e.publish(pub)
	e.item(owner, metadata("Secret draft"))

	res, body := e.get(nil, "/")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "Soil moisture 2020", "/articles/Soil_moisture_2020/1", "<strong>1</strong> public items", "<strong>1</strong> files")
	if strings.Contains(body, "Secret draft") {
		t.Error("home page lists a draft")
	}
	if got := res.Header.Get("Content-Security-Policy"); !strings.Contains(got, "script-src 'self'") {
		t.Errorf("CSP = %q", got)
	}
}

func TestNotFound(t *testing.T) {
	e := MustServe(t)
	for _, path := range []string{"/nope", "/articles/x/999", "/articles/x/abc", "/articles/x/-1", "/preview/999", "/preview/1/raw"} {
		t.Run(path, func(t *testing.T) {
			res, body := e.get(nil, path)
			wantStatus(t, res, body, http.StatusNotFound)
			wantContains(t, body, "Page not found", `href="/"`)
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Errorf("Content-Type = %q", ct)
			}
		})
	}
}

func TestLanding(t *testing.T) {
	e := MustServe(t)
	owner := e.account("owner@example.edu")
	it := e.item(owner, metadata("Soil moisture 2020"))
	pdf := e.file(it, "paper.pdf", "%PDF-1.4 fake")
	e.publish(it)
	md := metadata("Soil moisture 2021")
	if _, err := e.cat.UpdateDraft(t.Context(), it.ID, md); err != nil {
		t.Fatal(err)
	}
	e.publish(it)

	t.Run("OK", func(t *testing.T) {
		res, body := e.get(nil, fmt.Sprintf("/articles/Soil_moisture_2021/%d", it.ID))
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body,
			`<meta name="citation_title" content="Soil moisture 2021">`,
			`<meta name="citation_author" content="Ada Lovelace">`,
			`<meta name="citation_publication_date"`,
			`<meta name="citation_doi" content="10.1234/carrel.1">`,
			fmt.Sprintf(`<meta name="citation_pdf_url" content="%s/v2/file/download/%d">`, e.srv.URL, pdf.ID),
			"You are viewing version 2 of 2", "https://orcid.org/0000-0002-1825-0097", "paper.pdf",
			fmt.Sprintf(`href="/v2/file/download/%d"`, pdf.ID), fmt.Sprintf(`href="/preview/%d"`, pdf.ID),
			"https://doi.org/10.1234/carrel.1", "<b>daily</b>", "Lovelace, A.", "Download all (ZIP)")
	})
	t.Run("OldVersion", func(t *testing.T) {
		res, body := e.get(nil, fmt.Sprintf("/articles/Soil_moisture_2020/%d/versions/1", it.ID))
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "You are viewing version 1 of 2", "See the latest version", "<h1>Soil moisture 2020</h1>")
	})
	t.Run("WrongSlugRedirects", func(t *testing.T) {
		res, body := e.get(nil, fmt.Sprintf("/articles/old_title/%d?cite=ris", it.ID))
		wantStatus(t, res, body, http.StatusMovedPermanently)
		if got, want := res.Header.Get("Location"), fmt.Sprintf("/articles/Soil_moisture_2021/%d?cite=ris", it.ID); got != want {
			t.Errorf("Location = %q, want %q", got, want)
		}
	})
	t.Run("ErrNotFoundVersion", func(t *testing.T) {
		res, body := e.get(nil, fmt.Sprintf("/articles/Soil_moisture_2021/%d/versions/3", it.ID))
		wantStatus(t, res, body, http.StatusNotFound)
	})
	t.Run("CitationSwitcher", func(t *testing.T) {
		res, body := e.get(nil, fmt.Sprintf("/articles/Soil_moisture_2021/%d?cite=bibtex", it.ID))
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, `<pre class="citation">@`, `aria-current="true">BibTeX`)
		res, body = e.get(nil, fmt.Sprintf("/articles/Soil_moisture_2021/%d/versions/2/citation/ris", it.ID))
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "TY  - ", "TI  - Soil moisture 2021")
		if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") {
			t.Errorf("Content-Disposition = %q", cd)
		}
	})
}

func TestDraftAccess(t *testing.T) {
	e := MustServe(t)
	owner := e.account("owner@example.edu")
	other := e.account("other@example.edu")
	it := e.item(owner, metadata("Unpublished work"))
	f := e.file(it, "notes.txt", "secret notes")
	img := e.file(it, "figure.png", "\x89PNG fake")
	page := fmt.Sprintf("/articles/Unpublished_work/%d", it.ID)
	paths := []string{page, fmt.Sprintf("/preview/%d", f.ID), fmt.Sprintf("/preview/%d/raw", img.ID),
		fmt.Sprintf("/account/articles/%d", it.ID)}

	for who, c := range map[string]*http.Client{"anonymous": e.client(), "other": e.signIn(other)} {
		for _, p := range paths {
			res, body := e.get(c, p)
			want := http.StatusNotFound
			if who == "anonymous" && strings.HasPrefix(p, "/account") {
				want = http.StatusSeeOther
			}
			wantStatus(t, res, body, want)
			if strings.Contains(body, "secret notes") || strings.Contains(body, "Unpublished work") {
				t.Errorf("%s sees the draft at %s", who, p)
			}
		}
	}
	oc := e.signIn(owner)
	res, body := e.get(oc, page)
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "unpublished draft", `<meta name="robots" content="noindex">`)
	res, body = e.get(oc, fmt.Sprintf("/preview/%d", f.ID))
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "secret notes")
}

func TestSearch(t *testing.T) {
	e := MustServe(t)
	owner := e.account("owner@example.edu")
	a := e.item(owner, metadata("Soil moisture 2020"))
	e.publish(a)
	md := metadata("Ocean temperature")
	md.Keywords = []string{"oceanography"}
	b := e.item(owner, md)
	e.publish(b)
	e.item(owner, metadata("Soil draft never published"))

	res, body := e.get(nil, "/search?q=SOIL")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "Soil moisture 2020", "Showing 1–1 of 1")
	if strings.Contains(body, "Ocean temperature") || strings.Contains(body, "never published") {
		t.Error("search returned a non-matching or draft item")
	}
	_, body = e.get(nil, "/search?q=oceanography")
	wantContains(t, body, "Ocean temperature")
	_, body = e.get(nil, "/search?q=")
	wantContains(t, body, "of 2 results")
}

func TestStatic(t *testing.T) {
	e := MustServe(t)
	_, body := e.get(nil, "/")
	i := strings.Index(body, "/static/")
	j := strings.Index(body[i:], `"`)
	css := body[i : i+j]
	res, b := e.get(nil, css)
	wantStatus(t, res, b, http.StatusOK)
	if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("Cache-Control = %q", cc)
	}
	res, b = e.get(nil, "/static/000000000000/app.css")
	wantStatus(t, res, b, http.StatusNotFound)
}
