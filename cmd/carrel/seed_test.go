package main

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"

	"carrel/app"
)

// TestDevSeed seeds two data directories from the same seed and checks that
// they hold the same items, that the server finds the published ones and
// none of the drafts, that seeded files download intact, and that seeding
// refuses a catalog with real deposits unless forced.
func TestDevSeed(t *testing.T) {
	ctx := context.Background()
	a, b := t.TempDir(), t.TempDir()
	for _, dir := range []string{a, b} {
		code, _, errOut := runCLI(t, "", "dev", "seed", "--items", "600", "--seed", "5", "--files", "2", "--owners", "7", "--data", dir)
		if code != 0 || !strings.Contains(errOut, "seeded 600 items") {
			t.Fatalf("dev seed: exit %d: %s", code, errOut)
		}
	}
	items := func(dir string) []app.Item {
		cat, err := openCatalog(ctx, Config{Server: ServerConfig{DataDir: dir}})
		if err != nil {
			t.Fatal(err)
		}
		defer cat.Close()
		var out []app.Item
		for id := int64(1); id <= 600; id++ {
			it, err := cat.Item(ctx, id)
			if err != nil {
				t.Fatalf("item %d: %v", id, err)
			}
			out = append(out, *it)
		}
		return out
	}
	ia, ib := items(a), items(b)
	if !reflect.DeepEqual(ia, ib) {
		t.Fatal("the same seed made different catalogs")
	}
	var published, drafts []app.Item
	owners := map[int64]bool{}
	for _, it := range ia {
		owners[it.AccountID] = true
		if it.IsPublic() {
			published = append(published, it)
		} else {
			drafts = append(drafts, it)
		}
	}
	if len(drafts) == 0 || len(published) < 450 || len(owners) != 7 {
		t.Fatalf("%d published, %d drafts, %d owners", len(published), len(drafts), len(owners))
	}

	s := startServerIn(t, a, "")
	var all []struct{ ID int64 }
	s.do("POST", "/v2/articles/search", "", map[string]any{"page_size": 1000}).want(t, 200).JSON(t, &all)
	if len(all) != len(published) {
		t.Errorf("public search of everything: %d items, want the %d published", len(all), len(published))
	}
	found := func(title string) []int64 {
		var res []struct{ ID int64 }
		s.do("POST", "/v2/articles/search", "", map[string]any{"search_for": fmt.Sprintf(":title: %q", title),
			"page_size": 100}).want(t, 200).JSON(t, &res)
		var ids []int64
		for _, r := range res {
			ids = append(ids, r.ID)
		}
		return ids
	}
	if ids := found(published[3].Draft.Title); !slices.Contains(ids, published[3].ID) {
		t.Errorf("searching the title of item %d found %v", published[3].ID, ids)
	}
	if ids := found(drafts[0].Draft.Title); slices.Contains(ids, drafts[0].ID) {
		t.Errorf("public search found draft %d", drafts[0].ID)
	}
	var facets struct {
		Total  int
		Items  []struct{ ID int64 }
		Facets map[string][]struct {
			Value, Name string
			Count       int
		}
	}
	s.do("POST", "/v2/articles/search/facets", "", map[string]any{"facets": []string{"item_type", "year", "license", "category", "group"},
		"facet_size": 100}).want(t, 200).JSON(t, &facets)
	if facets.Total != len(published) || len(facets.Items) != 10 || len(facets.Facets) != 5 {
		t.Errorf("facets: total %d, %d items, %d facets", facets.Total, len(facets.Items), len(facets.Facets))
	}
	sum := 0
	for _, v := range facets.Facets["item_type"] {
		sum += v.Count
		if v.Name == v.Value {
			t.Errorf("item type %s has no name", v.Value)
		}
	}
	if sum != len(published) {
		t.Errorf("item type counts add up to %d, want %d", sum, len(published))
	}
	if g := facets.Facets["group"]; len(g) == 0 || !strings.Contains(g[0].Name, "School") && !strings.Contains(g[0].Name, "Faculty") {
		t.Errorf("group facet %v", g)
	}
	s.do("POST", "/v2/articles/search/facets", "", map[string]any{"facets": []string{"colour"}}).want(t, 400)
	s.do("POST", "/v2/account/articles/search/facets", "", map[string]any{}).want(t, 401)
	var art struct {
		Files []struct {
			DownloadURL string `json:"download_url"`
			ComputedMD5 string `json:"computed_md5"`
			Size        int64
		}
	}
	s.do("GET", fmt.Sprintf("/v2/articles/%d", published[0].ID), "", nil).want(t, 200).JSON(t, &art)
	if len(art.Files) == 0 {
		t.Fatal("a seeded item has no files")
	}
	resp, err := httpClient().Get(art.Files[0].DownloadURL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if sum := md5.Sum(body); hex.EncodeToString(sum[:]) != art.Files[0].ComputedMD5 || int64(len(body)) != art.Files[0].Size {
		t.Errorf("downloaded %d bytes with MD5 %x; the record says %d bytes, %s", len(body), sum, art.Files[0].Size, art.Files[0].ComputedMD5)
	}

	// A real deposit makes seeding refuse, unless forced.
	code, _, errOut := runCLI(t, "", "dev", "seed", "--items", "10", "--data", b)
	if code != 0 {
		t.Fatalf("seeding a seeded-only catalog again: %s", errOut)
	}
	cat, err := openCatalog(ctx, Config{Server: ServerConfig{DataDir: b}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cat.CreateItem(ctx, 1, 0, app.Metadata{Title: "Real"}); err != nil {
		t.Fatal(err)
	}
	cat.Close()
	if code, _, errOut := runCLI(t, "", "dev", "seed", "--items", "10", "--data", b); code == 0 || !strings.Contains(errOut, "real deposits") {
		t.Fatalf("seeding over a real deposit: exit %d: %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "", "dev", "seed", "--items", "10", "--force", "--data", b); code != 0 {
		t.Fatalf("seeding with --force: %s", errOut)
	}
	for _, bad := range [][]string{{"--items", "0"}, {"--items", "5", "--files", "-1"}, {"--items", "5", "--owners", "0"}, {"--items", "x"}} {
		if code, _, _ := runCLI(t, "", append([]string{"dev", "seed", "--data", t.TempDir()}, bad...)...); code == 0 {
			t.Errorf("dev seed %v succeeded", bad)
		}
	}
}
