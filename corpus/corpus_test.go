package corpus

import (
	"reflect"
	"strings"
	"testing"

	"carrel/app"
)

func TestGenerator(t *testing.T) {
	v := SmallVocabulary()
	a, b := New(7, v, Options{}), New(7, v, Options{})
	titles := map[string]bool{}
	drafts, files := 0, 0
	cats := map[int64]bool{}
	for _, c := range v.Categories {
		cats[c.ID] = true
	}
	for range 2000 {
		x, y := a.Next(), b.Next()
		if !reflect.DeepEqual(x, y) {
			t.Fatalf("same seed, different items:\n%+v\n%+v", x, y)
		}
		if err := x.Metadata.Validate(); err != nil {
			t.Fatalf("item %d: %v", x.N, err)
		}
		if missing := x.Metadata.MissingForPublish(); len(missing) > 0 {
			t.Fatalf("item %d cannot be published: missing %v", x.N, missing)
		}
		for _, au := range x.Metadata.Authors {
			if au.ORCID != "" && !app.ValidORCID(au.ORCID) {
				t.Errorf("invalid ORCID %q", au.ORCID)
			}
		}
		for _, c := range x.Metadata.Categories {
			if !cats[c] {
				t.Errorf("category %d is not in the vocabulary", c)
			}
		}
		if strings.Contains(strings.ToLower(x.Metadata.Title), "lorem") {
			t.Errorf("lorem ipsum in %q", x.Metadata.Title)
		}
		if x.Published.IsZero() {
			drafts++
		}
		if x.Created.Before(Epoch().AddDate(-15, 0, -1)) || x.Created.After(Epoch()) {
			t.Errorf("created %v is outside the 15 years before %v", x.Created, Epoch())
		}
		for _, f := range x.Files {
			files++
			if got := len(f.Content()); got != f.Size {
				t.Errorf("%s: %d bytes, want %d", f.Name, got, f.Size)
			}
		}
		titles[x.Metadata.Title] = true
	}
	if len(titles) < 1900 {
		t.Errorf("only %d distinct titles in 2000 items", len(titles))
	}
	if drafts < 100 || drafts > 320 {
		t.Errorf("%d drafts in 2000 items, want about 10%%", drafts)
	}
	if files < 2000 {
		t.Errorf("%d files in 2000 items, want at least one each", files)
	}
	if New(8, v, Options{}).Next().Metadata.Title == New(7, v, Options{}).Next().Metadata.Title {
		t.Error("different seeds gave the same first title")
	}
}

func TestORCIDChecksum(t *testing.T) {
	g := New(1, SmallVocabulary(), Options{})
	for range 1000 {
		if o := ORCID(g.r); !app.ValidORCID(o) {
			t.Fatalf("ORCID %q has a wrong check character", o)
		}
	}
}
