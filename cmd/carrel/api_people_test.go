package main

import (
	"fmt"
	"path"
	"strconv"
	"strings"
	"testing"
)

// TestAPIPeople drives the author, funding and profile operations: each
// shows a caller only what it may see.
func TestAPIPeople(t *testing.T) {
	s := startServer(t)
	owner := s.account("owner@example.edu", false)
	other := s.account("other@example.edu", false)
	admin := s.account("admin@example.edu", true)

	draft := s.createItem(t, owner, "Unpublished field notes")
	s.do("PUT", fmt.Sprintf("/v2/account/articles/%d/authors", draft), owner, map[string]any{"authors": []map[string]any{{"name": "Zelda Quorn"}}}).want(t, 205)
	s.do("PUT", fmt.Sprintf("/v2/account/articles/%d", draft), owner, map[string]any{"funding_list": []map[string]any{
		{"title": "Hidden moorland survey", "grant_code": "HMS-77", "funder_name": "Moor Trust"}}}).want(t, 205)
	var authors []struct{ ID int64 }
	s.do("GET", fmt.Sprintf("/v2/account/articles/%d/authors", draft), owner, nil).want(t, 200).JSON(t, &authors)
	zelda := authors[0].ID

	type author struct {
		ID       int64  `json:"id"`
		FullName string `json:"full_name"`
		IsPublic int    `json:"is_public"`
	}
	searchAuthors := func(tok string, body map[string]any) []author {
		t.Helper()
		var out []author
		s.do("POST", "/v2/account/authors/search", tok, body).want(t, 200).JSON(t, &out)
		return out
	}
	funding := func(tok, text string) []string {
		t.Helper()
		var out []struct {
			GrantCode string `json:"grant_code"`
		}
		s.do("POST", "/v2/account/funding/search", tok, map[string]any{"search_for": text}).want(t, 200).JSON(t, &out)
		var codes []string
		for _, f := range out {
			codes = append(codes, f.GrantCode)
		}
		return codes
	}

	t.Run("DraftAuthorsAndGrantsStayPrivate", func(t *testing.T) {
		if got := searchAuthors(owner, map[string]any{"search_for": "zelda"}); len(got) != 1 || got[0].ID != zelda || got[0].IsPublic != 0 {
			t.Fatalf("owner's author search: %+v", got)
		}
		if got := searchAuthors(other, map[string]any{"search_for": "zelda"}); len(got) != 0 {
			t.Fatalf("another user found a draft's author: %+v", got)
		}
		s.do("GET", fmt.Sprintf("/v2/account/authors/%d", zelda), other, nil).want(t, 404)
		s.do("GET", fmt.Sprintf("/v2/account/authors/%d", zelda), admin, nil).want(t, 200)
		if got := funding(owner, "moorland"); len(got) != 1 || got[0] != "HMS-77" {
			t.Fatalf("owner's funding search: %v", got)
		}
		if got := funding(other, "moorland"); len(got) != 0 {
			t.Fatalf("another user found a draft's grant: %v", got)
		}
	})

	t.Run("PublishedAuthorsAndGrantsAreFound", func(t *testing.T) {
		s.upload(t, owner, draft, "notes.csv", []byte("a,b\n"), nil)
		s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", draft), owner, nil).want(t, 201)
		if got := searchAuthors(other, map[string]any{"search_for": "Quorn", "is_public": true}); len(got) != 1 || got[0].IsPublic != 1 {
			t.Fatalf("published author not found: %+v", got)
		}
		if got := searchAuthors(other, map[string]any{"search_for": "Quorn", "is_active": false}); len(got) != 0 {
			t.Fatalf("is_active=false found a published author: %+v", got)
		}
		s.do("GET", fmt.Sprintf("/v2/account/authors/%d", zelda), other, nil).want(t, 200)
		if got := funding(other, "HMS"); len(got) != 1 {
			t.Fatalf("published grant not found: %v", got)
		}
		// A whole-item embargo hides the metadata again.
		s.do("PUT", fmt.Sprintf("/v2/account/articles/%d/embargo", draft), owner, map[string]any{"is_embargoed": true,
			"embargo_type": "article", "embargo_date": "0", "embargo_reason": "Pending patent"}).want(t, 205)
		if got := searchAuthors(other, map[string]any{"search_for": "Quorn"}); len(got) != 0 {
			t.Fatalf("an embargoed item's author was found: %+v", got)
		}
		if got := funding(other, "HMS"); len(got) != 0 {
			t.Fatalf("an embargoed item's grant was found: %v", got)
		}
	})

	t.Run("BadInput", func(t *testing.T) {
		s.do("POST", "/v2/account/authors/search", owner, map[string]any{"page_size": 1001}).want(t, 422)
		s.do("POST", "/v2/account/authors/search", owner, map[string]any{"orcid": "1234"}).want(t, 422)
		s.do("GET", "/v2/account/authors/abc", owner, nil).want(t, 404)
		s.do("POST", "/v2/account/funding/search", owner, map[string]any{"search_for": 7}).want(t, 422)
		s.do("POST", "/v2/account/authors/search", "", map[string]any{}).want(t, 401)
	})

	t.Run("Profile", func(t *testing.T) {
		type account struct {
			ID        int64  `json:"id"`
			FirstName string `json:"first_name"`
			LastName  string `json:"last_name"`
			ORCID     string `json:"orcid_id"`
		}
		me := func(tok string) account {
			var a account
			s.do("GET", "/v2/account", tok, nil).want(t, 200).JSON(t, &a)
			return a
		}
		s.do("PUT", "/v2/account/profile", owner, map[string]any{"first_name": "Ada", "last_name": "Byron",
			"orcid": "https://orcid.org/0000-0002-1825-0097"}).want(t, 200)
		if a := me(owner); a.FirstName != "Ada" || a.LastName != "Byron" || a.ORCID != "0000-0002-1825-0097" {
			t.Fatalf("profile after update: %+v", a)
		}
		s.do("PUT", "/v2/account/profile", owner, map[string]any{"orcid": "0000-0002-1825-0098"}).want(t, 422)
		s.do("PUT", "/v2/account/profile", owner, map[string]any{"job_title": "Countess"}).want(t, 422)
		s.do("PUT", "/v2/account/profile", owner, map[string]any{"first_name": "\x00"}).want(t, 422)
		s.do("PUT", "/v2/account/profile?user_id=x", owner, map[string]any{"first_name": "A"}).want(t, 422)
		ownerID := strconv.FormatInt(me(owner).ID, 10)
		s.do("PUT", "/v2/account/profile?user_id="+ownerID, other, map[string]any{"first_name": "Mallory"}).want(t, 404)
		s.do("PUT", "/v2/account/profile?institution_user_id=u1", admin, map[string]any{"first_name": "A"}).want(t, 404)
		s.do("PUT", "/v2/account/profile?user_id="+ownerID, admin, map[string]any{"first_name": "Augusta"}).want(t, 200)
		if a := me(owner); a.FirstName != "Augusta" || a.LastName != "Byron" {
			t.Fatalf("profile after an administrator's update: %+v", a)
		}
		browserSignIn(t, s, "librarian@example.edu", true).want("/admin/audit?target=account:"+ownerID, 200, "account.profile", "Augusta")
	})
}

// TestAPIResourceAndIdentifiers links an item to a resource, reserves a
// collection's DOI, and filters a search by project.
func TestAPIResourceAndIdentifiers(t *testing.T) {
	s := startServerWith(t, "[doi]\nprefix = \"10.5072\"\nhandle_prefix = \"20.500.12345\"\n")
	owner := s.account("owner@example.edu", false)
	other := s.account("other@example.edu", false)
	item := s.createItem(t, owner, "Lake sediment cores")

	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/resource", item), owner, map[string]any{"doi": "10.1000/lakes.9", "title": "Lakes paper"}).want(t, 205)
	var got struct {
		ResourceDOI   string `json:"resource_doi"`
		ResourceTitle string `json:"resource_title"`
	}
	s.do("GET", fmt.Sprintf("/v2/account/articles/%d", item), owner, nil).want(t, 200).JSON(t, &got)
	if got.ResourceDOI != "10.1000/lakes.9" || got.ResourceTitle != "Lakes paper" {
		t.Fatalf("resource not recorded: %+v", got)
	}
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/resource", item), owner, map[string]any{}).want(t, 422)
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/resource", item), other, map[string]any{"title": "x"}).want(t, 404)

	var c struct {
		EntityID int64 `json:"entity_id"`
	}
	s.do("POST", "/v2/account/collections", owner, map[string]any{"title": "Lake collection", "articles": []int64{item}}).want(t, 201).JSON(t, &c)
	col := fmt.Sprintf("/v2/account/collections/%d", c.EntityID)
	var doi1, doi2 struct{ DOI string }
	s.do("POST", col+"/reserve_doi", owner, nil).want(t, 200).JSON(t, &doi1)
	s.do("POST", col+"/reserve_doi", owner, nil).want(t, 200).JSON(t, &doi2)
	if want := fmt.Sprintf("10.5072/carrel.c.%d", c.EntityID); doi1.DOI != want || doi2.DOI != want {
		t.Fatalf("reserved DOIs %q and %q, want %q twice", doi1.DOI, doi2.DOI, want)
	}
	var h struct{ Handle string }
	s.do("POST", col+"/reserve_handle", owner, nil).want(t, 200).JSON(t, &h)
	var draft struct{ DOI, Handle string }
	s.do("GET", col, owner, nil).want(t, 200).JSON(t, &draft)
	if draft.DOI != doi1.DOI || draft.Handle != h.Handle || h.Handle != fmt.Sprintf("20.500.12345/carrel.c.%d", c.EntityID) {
		t.Fatalf("collection draft %+v, handle %q", draft, h.Handle)
	}
	s.do("POST", col+"/reserve_doi", other, nil).want(t, 404)
	var c2 struct {
		EntityID int64 `json:"entity_id"`
	}
	s.do("POST", "/v2/account/collections", owner, map[string]any{"title": "Typed DOI", "doi": "10.9999/own"}).want(t, 201).JSON(t, &c2)
	s.do("POST", fmt.Sprintf("/v2/account/collections/%d/reserve_doi", c2.EntityID), owner, nil).want(t, 409)

	t.Run("SearchByProject", func(t *testing.T) {
		var p struct {
			EntityID int64 `json:"entity_id"`
		}
		s.do("POST", "/v2/account/projects", owner, map[string]any{"title": "Lake project"}).want(t, 201).JSON(t, &p)
		var loc struct{ Location string }
		s.do("POST", fmt.Sprintf("/v2/account/projects/%d/articles", p.EntityID), owner, map[string]any{"title": "Lake water chemistry"}).
			want(t, 201).JSON(t, &loc)
		inProject, _ := strconv.ParseInt(path.Base(loc.Location), 10, 64)
		ids := func(tok string, project int64) []int64 {
			t.Helper()
			var res []struct{ ID int64 }
			s.do("POST", "/v2/account/articles/search", tok, map[string]any{"search_for": "lake", "project_id": project}).want(t, 200).JSON(t, &res)
			var out []int64
			for _, r := range res {
				out = append(out, r.ID)
			}
			return out
		}
		if got := ids(owner, p.EntityID); len(got) != 1 || got[0] != inProject {
			t.Fatalf("search in project: %v, want [%d]", got, inProject)
		}
		if got := ids(owner, 0); len(got) != 2 {
			t.Fatalf("search without project: %v, want 2 items", got)
		}
		if got := ids(other, p.EntityID); len(got) != 0 {
			t.Fatalf("another user searched a private project: %v", got)
		}
		s.do("POST", "/v2/account/articles/search", owner, map[string]any{"project_id": "x"}).want(t, 422)
	})
}

// TestAPIVersionAmendments changes a published version's supplementary
// fields and thumbnail without a new version, and checks who sees them.
func TestAPIVersionAmendments(t *testing.T) {
	s := startServer(t)
	owner := s.account("owner@example.edu", false)
	other := s.account("other@example.edu", false)
	item := s.createItem(t, owner, "Figure of the ridge")
	png := s.upload(t, owner, item, "ridge.png", pngBytes, nil)
	csv := s.upload(t, owner, item, "ridge.csv", []byte("a\n1\n"), nil)
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", item), owner, nil).want(t, 201)
	ver := fmt.Sprintf("/v2/account/articles/%d/versions/1", item)

	type record struct {
		Thumb         string                         `json:"thumb"`
		Supplementary []struct{ Name, Value string } `json:"supplementary_fields"`
	}
	public := func() record {
		t.Helper()
		var r record
		s.do("GET", fmt.Sprintf("/v2/articles/%d/versions/1", item), "", nil).want(t, 200).JSON(t, &r)
		return r
	}

	s.do("PUT", ver+"/update_thumb", owner, map[string]any{"file_id": png}).want(t, 205)
	if r := public(); r.Thumb != fmt.Sprintf("%s/preview/%d/raw", s.URL, png) {
		t.Fatalf("thumb %q", r.Thumb)
	}
	var list []record
	s.do("GET", "/v2/articles", "", nil).want(t, 200).JSON(t, &list)
	if len(list) != 1 || list[0].Thumb == "" {
		t.Fatalf("listing does not name the thumbnail: %+v", list)
	}
	s.do("GET", fmt.Sprintf("/preview/%d/raw", png), "", nil).want(t, 200)

	s.do("PATCH", ver, owner, map[string]any{"supplementary_fields": []map[string]any{{"name": "probe", "value": "TDR"}}}).want(t, 205)
	s.do("PATCH", ver, owner, map[string]any{}).want(t, 205) // PATCH without the list keeps it
	if r := public(); len(r.Supplementary) != 1 || r.Supplementary[0].Name != "probe" || r.Thumb == "" {
		t.Fatalf("after PATCH: %+v", r)
	}
	var versions []struct{ Version int }
	s.do("GET", fmt.Sprintf("/v2/articles/%d/versions", item), "", nil).want(t, 200).JSON(t, &versions)
	if len(versions) != 1 {
		t.Fatalf("amending made a new version: %+v", versions)
	}
	s.do("PUT", ver, owner, map[string]any{}).want(t, 205) // PUT replaces: no list clears it
	if r := public(); len(r.Supplementary) != 0 || r.Thumb == "" {
		t.Fatalf("after PUT: %+v", r)
	}

	t.Run("BadInput", func(t *testing.T) {
		s.do("PUT", ver+"/update_thumb", owner, map[string]any{"file_id": csv}).want(t, 422)
		s.do("PUT", ver+"/update_thumb", owner, map[string]any{}).want(t, 422)
		s.do("PUT", ver+"/update_thumb", owner, map[string]any{"file_id": "x"}).want(t, 422)
		s.do("PUT", ver+"/update_thumb", other, map[string]any{"file_id": png}).want(t, 404)
		s.do("PATCH", ver, other, map[string]any{}).want(t, 404)
		s.do("PATCH", fmt.Sprintf("/v2/account/articles/%d/versions/0", item), owner, map[string]any{}).want(t, 404)
		many := make([]map[string]any, 51)
		for i := range many {
			many[i] = map[string]any{"name": fmt.Sprint("f", i), "value": "v"}
		}
		s.do("PUT", ver, owner, map[string]any{"supplementary_fields": many}).want(t, 422)
		s.do("PUT", ver, owner, map[string]any{"supplementary_fields": []map[string]any{{"name": "a", "value": "b", "extra": "c"}}}).want(t, 422)
	})

	t.Run("FilesEmbargoHidesTheThumbnail", func(t *testing.T) {
		s.do("PUT", fmt.Sprintf("/v2/account/articles/%d/embargo", item), owner, map[string]any{"is_embargoed": true,
			"embargo_type": "file", "embargo_date": "0", "embargo_reason": "Pending patent"}).want(t, 205)
		if r := public(); r.Thumb != "" {
			t.Fatalf("an embargoed file is named as thumbnail: %q", r.Thumb)
		}
		s.do("DELETE", fmt.Sprintf("/v2/account/articles/%d/embargo", item), owner, nil).want(t, 204)
	})

	t.Run("WithdrawnIsFinal", func(t *testing.T) {
		admin := s.account("admin@example.edu", true)
		s.do("POST", fmt.Sprintf("/v2/account/articles/%d/unpublish", item), admin, map[string]any{"reason": "Duplicate"}).want(t, 204)
		s.do("PATCH", ver, owner, map[string]any{"supplementary_fields": []map[string]any{}}).want(t, 409)
		if r := public(); r.Thumb != "" {
			t.Fatalf("a tombstone names a thumbnail: %q", r.Thumb)
		}
	})
}

// TestAPIAccountReport generates an account's item report, lists it, and
// downloads its CSV; no one else may download it.
func TestAPIAccountReport(t *testing.T) {
	s := startServer(t)
	owner := s.account("owner@example.edu", false)
	other := s.account("other@example.edu", false)
	s.createItem(t, owner, "=HYPERLINK(\"http://evil\") soil cores")
	s.createItem(t, owner, "Second survey")
	s.createItem(t, other, "Someone else's secret")

	var list []struct{ ID int64 }
	s.do("GET", "/v2/account/articles/export", owner, nil).want(t, 200).JSON(t, &list)
	if len(list) != 0 {
		t.Fatalf("reports before any was asked for: %+v", list)
	}
	var rep struct {
		ID          int64  `json:"id"`
		Status      string `json:"status"`
		DownloadURL string `json:"download_url"`
	}
	s.do("POST", "/v2/account/articles/export", owner, nil).want(t, 200).JSON(t, &rep)
	if rep.Status != "done" || rep.DownloadURL == "" {
		t.Fatalf("report %+v", rep)
	}
	s.do("POST", "/v2/account/articles/export", owner, nil).want(t, 429)
	s.do("GET", "/v2/account/articles/export", owner, nil).want(t, 200).JSON(t, &list)
	if len(list) != 1 || list[0].ID != rep.ID {
		t.Fatalf("listed reports %+v, want [%d]", list, rep.ID)
	}
	s.do("GET", "/v2/account/articles/export?group_id=77", owner, nil).want(t, 200).JSON(t, &list)
	if len(list) != 0 {
		t.Fatalf("group filter kept %+v", list)
	}

	res := s.do("GET", rep.DownloadURL, owner, nil).want(t, 200)
	body := string(res.Body)
	if ct := res.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Fatalf("content type %q", ct)
	}
	if !strings.Contains(body, "Second survey") || !strings.Contains(body, `"'=HYPERLINK(""http://evil"") soil cores"`) {
		t.Fatalf("report lacks the owner's items or a formula was left live:\n%s", body)
	}
	if strings.Contains(body, "secret") || strings.Count(body, "\n") != 3 {
		t.Fatalf("report rows:\n%s", body)
	}
	s.do("GET", rep.DownloadURL, other, nil).want(t, 404)
	s.do("GET", rep.DownloadURL, "", nil).want(t, 401)
	s.do("GET", "/v2/account/reports/999/download", owner, nil).want(t, 404)
	s.do("POST", "/v2/account/articles/export?group_id=-1", other, nil).want(t, 422)
}
