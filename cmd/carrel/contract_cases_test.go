package main

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
)

// contractFixture is the data the contract cases work on: three accounts,
// a draft with a file, and a published item with a file.
type contractFixture struct {
	t                     *testing.T
	s                     *testServer
	owner, other, admin   string
	draft, public         int64
	draftFile, publicFile int64
	author                int64 // an author of the draft

	oauthID, oauthSecret string       // an OAuth application, made on first use
	browser              *http.Client // signed in as the owner of the OAuth grants
}

// oauthCode registers an application (once) and returns a fresh
// authorization code for it, issued through the authorization page.
func (f *contractFixture) oauthCode() string {
	f.s.t = f.t
	if f.oauthID == "" {
		f.oauthID, f.oauthSecret = f.s.oauthApp(f.t, "Contract client", "http://127.0.0.1:9/cb")
		if _, err := f.s.cli("a long enough passphrase\n", "user", "add", "--email", "oauth@example.edu", "--name", "OAuth User", "--password-stdin"); err != nil {
			f.t.Fatal(err)
		}
		f.browser = f.s.signIn(f.t, "oauth@example.edu", "a long enough passphrase")
	}
	u := f.s.URL + "/account/applications/authorize?response_type=code&state=c&client_id=" + url.QueryEscape(f.oauthID)
	return authorize(f.t, f.browser, u, "allow").Query().Get("code")
}

func newContractFixture(t *testing.T) *contractFixture {
	s := startServer(t)
	f := &contractFixture{t: t, s: s}
	f.owner = s.account("owner@example.edu", false)
	f.other = s.account("other@example.edu", false)
	f.admin = s.account("admin@example.edu", true)
	f.draft, f.draftFile = f.newItemWithFile("Contract draft")
	f.public, f.publicFile = f.newItemWithFile("Contract public record")
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", f.public), f.owner, nil).want(t, 201)
	var authors []struct{ ID int64 }
	s.do("GET", fmt.Sprintf("/v2/account/articles/%d/authors", f.draft), f.owner, nil).want(t, 200).JSON(t, &authors)
	f.author = authors[0].ID
	return f
}

// newItem creates a fresh draft for a case that changes or removes it.
func (f *contractFixture) newItem() int64 {
	f.s.t = f.t
	return f.s.createItem(f.t, f.owner, "Contract scratch item")
}

func (f *contractFixture) newItemWithFile(title string) (item, file int64) {
	f.s.t = f.t
	item = f.s.createItem(f.t, f.owner, title)
	return item, f.s.upload(f.t, f.owner, item, "readings.csv", []byte("site,moisture\nA,0.31\n"), nil)
}

// newPublished creates and publishes an item.
func (f *contractFixture) newPublished() int64 {
	id := f.newItem()
	f.s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", id), f.owner, nil).want(f.t, 201)
	return id
}

// p builds path parameters from name, value pairs.
func p(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

const noSuchID = 987654321

// contractCases holds, for each operation id of Figshare's document that
// Carrel implements, valid and invalid requests and the status each must
// get. TestContract fails for an implemented operation missing here.
var contractCases = map[string][]contractCase{
	// OAuth2.
	"create_token": {
		{"OK", 200, func(f *contractFixture) contractRequest {
			code := f.oauthCode()
			return contractRequest{body: map[string]any{"client_id": f.oauthID, "client_secret": f.oauthSecret, "grant_type": "authorization_code", "code": code}}
		}},
		{"ErrWrongSecret", 400, func(f *contractFixture) contractRequest {
			code := f.oauthCode()
			return contractRequest{body: map[string]any{"client_id": f.oauthID, "client_secret": "wrong", "grant_type": "authorization_code", "code": code}}
		}},
		{"ErrPasswordGrant", 400, func(f *contractFixture) contractRequest {
			f.oauthCode()
			return contractRequest{body: map[string]any{"client_id": f.oauthID, "client_secret": f.oauthSecret, "grant_type": "password", "username": "a", "password": "b"}}
		}},
	},
	"get_token_info": {
		{"OK", 200, func(f *contractFixture) contractRequest { return contractRequest{token: f.owner} }},
		{"ErrAnonymous", 401, func(f *contractFixture) contractRequest { return contractRequest{} }},
	},

	// Public vocabularies.
	"item_types_list": {{"OK", 200, func(f *contractFixture) contractRequest { return contractRequest{} }}},
	"licenses_list":   {{"OK", 200, func(f *contractFixture) contractRequest { return contractRequest{} }}},
	"categories_list": {{"OK", 200, func(f *contractFixture) contractRequest { return contractRequest{} }}},

	// Public articles.
	"articles_list": {
		{"OK", 200, func(f *contractFixture) contractRequest { return contractRequest{query: "page=1&page_size=5"} }},
		{"OK limit", 200, func(f *contractFixture) contractRequest { return contractRequest{query: "limit=2&offset=0"} }},
		{"OK X-Cursor", 200, func(f *contractFixture) contractRequest {
			first := f.s.do("GET", "/v2/articles?limit=1", "", nil).want(f.t, 200)
			return contractRequest{query: "limit=1", header: []string{"X-Cursor", first.Header.Get("X-Cursor")}}
		}},
		{"ErrCursorWithOffset", 422, func(f *contractFixture) contractRequest {
			first := f.s.do("GET", "/v2/articles?limit=1", "", nil).want(f.t, 200)
			return contractRequest{query: "offset=1", header: []string{"X-Cursor", first.Header.Get("X-Cursor")}}
		}},
		{"ErrMixedPaging", 422, func(f *contractFixture) contractRequest { return contractRequest{query: "page=1&limit=5"} }},
		{"ErrPageTooLarge", 422, func(f *contractFixture) contractRequest { return contractRequest{query: "page=5001"} }},
		{"ErrPageSizeTooLarge", 422, func(f *contractFixture) contractRequest { return contractRequest{query: "page_size=1001"} }},
	},
	"articles_search": {
		{"OK", 200, func(f *contractFixture) contractRequest {
			return contractRequest{body: map[string]any{"search_for": "contract", "page": 1, "page_size": 10}}
		}},
		{"ErrBadJSON", 400, func(f *contractFixture) contractRequest { return contractRequest{body: "{not json"} }},
		{"ErrMixedPaging", 422, func(f *contractFixture) contractRequest {
			return contractRequest{body: map[string]any{"page": 1, "offset": 10}}
		}},
	},
	"article_details": {
		{"OK", 200, func(f *contractFixture) contractRequest { return contractRequest{params: p("article_id", f.public)} }},
		{"ErrDraftIsNotFound", 404, func(f *contractFixture) contractRequest { return contractRequest{params: p("article_id", f.draft)} }},
		{"ErrNotFound", 404, func(f *contractFixture) contractRequest { return contractRequest{params: p("article_id", noSuchID)} }},
	},
	"article_files": {
		{"OK", 200, func(f *contractFixture) contractRequest { return contractRequest{params: p("article_id", f.public)} }},
		{"ErrDraftIsNotFound", 404, func(f *contractFixture) contractRequest { return contractRequest{params: p("article_id", f.draft)} }},
	},
	"article_file_details": {
		{"OK", 200, func(f *contractFixture) contractRequest {
			return contractRequest{params: p("article_id", f.public, "file_id", f.publicFile)}
		}},
		{"ErrOtherItemsFile", 404, func(f *contractFixture) contractRequest {
			return contractRequest{params: p("article_id", f.public, "file_id", f.draftFile)}
		}},
	},
	"article_versions": {
		{"OK", 200, func(f *contractFixture) contractRequest { return contractRequest{params: p("article_id", f.public)} }},
		{"ErrNotFound", 404, func(f *contractFixture) contractRequest { return contractRequest{params: p("article_id", noSuchID)} }},
	},
	"article_version_details": {
		{"OK", 200, func(f *contractFixture) contractRequest {
			return contractRequest{params: p("article_id", f.public, "version_id", 1)}
		}},
		{"ErrNoSuchVersion", 404, func(f *contractFixture) contractRequest {
			return contractRequest{params: p("article_id", f.public, "version_id", 9)}
		}},
	},
	"article_version_files": {
		{"OK", 200, func(f *contractFixture) contractRequest {
			return contractRequest{params: p("article_id", f.public, "version_id", 1)}
		}},
		{"ErrNoSuchVersion", 404, func(f *contractFixture) contractRequest {
			return contractRequest{params: p("article_id", f.public, "version_id", 9)}
		}},
	},
	"public_article_download": {
		{"OK", 200, func(f *contractFixture) contractRequest { return contractRequest{params: p("article_id", f.public)} }},
		{"ErrDraftIsNotFound", 404, func(f *contractFixture) contractRequest { return contractRequest{params: p("article_id", f.draft)} }},
	},
	"public_article_version_download": {
		{"OK", 200, func(f *contractFixture) contractRequest {
			return contractRequest{params: p("article_id", f.public, "version_id", 1)}
		}},
		{"ErrNoSuchVersion", 404, func(f *contractFixture) contractRequest {
			return contractRequest{params: p("article_id", f.public, "version_id", 9)}
		}},
	},
	"file_download": {
		{"OK", 200, func(f *contractFixture) contractRequest { return contractRequest{params: p("file_id", f.publicFile)} }},
		{"ErrDraftFileIsNotFound", 404, func(f *contractFixture) contractRequest { return contractRequest{params: p("file_id", f.draftFile)} }},
	},

	// The caller's own articles.
	"private_articles_list": {
		{"OK", 200, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, query: "page=1&page_size=10"}
		}},
		{"ErrAnonymous", 401, func(f *contractFixture) contractRequest { return contractRequest{} }},
		{"ErrBadToken", 401, func(f *contractFixture) contractRequest { return contractRequest{token: "not-a-token"} }},
		{"ErrMixedPaging", 422, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, query: "page=2&offset=3"}
		}},
	},
	"private_article_create": {
		{"OK", 201, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, body: map[string]any{"title": "Created by the contract test", "defined_type": "dataset"}}
		}},
		{"ErrNoTitle", 422, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, body: map[string]any{"description": "no title"}}
		}},
		{"ErrBadJSON", 400, func(f *contractFixture) contractRequest { return contractRequest{token: f.owner, body: "[1,"} }},
		{"ErrAnonymous", 401, func(f *contractFixture) contractRequest { return contractRequest{body: map[string]any{"title": "x"}} }},
	},
	"private_articles_search": {
		{"OK", 200, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, body: map[string]any{"search_for": "contract"}}
		}},
		{"ErrAnonymous", 401, func(f *contractFixture) contractRequest { return contractRequest{body: map[string]any{}} }},
	},
	"private_article_details": {
		{"OK", 200, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("article_id", f.draft)}
		}},
		{"ErrOthersItemIsNotFound", 404, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.other, params: p("article_id", f.draft)}
		}},
	},
	"private_article_update": {
		{"OK", 205, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("article_id", f.newItem()), body: map[string]any{"title": "Renamed by PUT"}}
		}},
		{"ErrUnknownField", 422, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("article_id", f.draft), body: map[string]any{"no_such_field": 1}}
		}},
		{"ErrOthersItemIsNotFound", 404, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.other, params: p("article_id", f.draft), body: map[string]any{"title": "x"}}
		}},
	},
	"private_article_partial_update": {
		{"OK", 205, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("article_id", f.newItem()), body: map[string]any{"description": "Patched"}}
		}},
		{"ErrOthersItemIsNotFound", 404, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.other, params: p("article_id", f.draft), body: map[string]any{"title": "x"}}
		}},
	},
	"private_article_delete": {
		{"OK", 204, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("article_id", f.newItem())}
		}},
		{"ErrNotFound", 404, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("article_id", noSuchID)}
		}},
	},
	"private_article_authors_list": {
		{"OK", 200, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("article_id", f.draft)}
		}},
		{"ErrOthersItemIsNotFound", 404, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.other, params: p("article_id", f.draft)}
		}},
	},
	"private_article_authors_add": {
		{"OK", 205, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("article_id", f.newItem()), body: map[string]any{"authors": []map[string]any{{"name": "Grace Hopper"}}}}
		}},
		{"ErrAuthorsNotAList", 422, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("article_id", f.draft), body: map[string]any{"authors": "Grace"}}
		}},
	},
	"private_article_authors_replace": {
		{"OK", 205, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("article_id", f.newItem()), body: map[string]any{"authors": []map[string]any{{"name": "Grace Hopper"}}}}
		}},
		{"ErrOthersItemIsNotFound", 404, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.other, params: p("article_id", f.draft), body: map[string]any{"authors": []map[string]any{}}}
		}},
	},
	"private_article_author_delete": {
		{"OK", 204, func(f *contractFixture) contractRequest {
			id := f.newItem()
			var authors []struct{ ID int64 }
			f.s.do("GET", fmt.Sprintf("/v2/account/articles/%d/authors", id), f.owner, nil).want(f.t, 200).JSON(f.t, &authors)
			return contractRequest{token: f.owner, params: p("article_id", id, "author_id", authors[0].ID)}
		}},
		{"ErrNoSuchAuthor", 404, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("article_id", f.draft, "author_id", noSuchID)}
		}},
	},
	"private_article_categories_list": {
		{"OK", 200, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("article_id", f.draft)}
		}},
		{"ErrAnonymous", 401, func(f *contractFixture) contractRequest { return contractRequest{params: p("article_id", f.draft)} }},
	},
	"private_article_categories_add": {
		{"OK", 205, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("article_id", f.newItem()), body: map[string]any{"categories": []int{3002}}}
		}},
		{"ErrNoSuchCategory", 422, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("article_id", f.draft), body: map[string]any{"categories": []int{noSuchID}}}
		}},
	},
	"private_article_categories_replace": {
		{"OK", 205, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("article_id", f.newItem()), body: map[string]any{"categories": []int{3001}}}
		}},
		{"ErrBadJSON", 400, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("article_id", f.draft), body: "{"}
		}},
	},
	"private_article_category_delete": {
		{"OK", 204, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("article_id", f.newItem(), "category_id", 3001)}
		}},
		{"ErrOthersItemIsNotFound", 404, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.other, params: p("article_id", f.draft, "category_id", 3001)}
		}},
	},
	"private_article_download": {
		{"OK", 200, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("article_id", f.draft)}
		}},
		{"ErrOthersItemIsNotFound", 404, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.other, params: p("article_id", f.draft)}
		}},
	},
	"private_article_files_list": {
		{"OK", 200, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("article_id", f.draft)}
		}},
		{"ErrOthersItemIsNotFound", 404, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.other, params: p("article_id", f.draft)}
		}},
	},
	"private_article_upload_initiate": {
		{"OK", 201, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("article_id", f.newItem()), body: map[string]any{"name": "a.txt", "size": 3}}
		}},
		{"ErrNoSize", 422, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("article_id", f.draft), body: map[string]any{"name": "a.txt"}}
		}},
	},
	"private_article_file": {
		{"OK", 200, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("article_id", f.draft, "file_id", f.draftFile)}
		}},
		{"ErrNoSuchFile", 404, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("article_id", f.draft, "file_id", noSuchID)}
		}},
	},
	"private_article_upload_complete": {
		{"OK", 202, func(f *contractFixture) contractRequest {
			id := f.newItem()
			fid := f.s.uploadParts(f.t, f.owner, id, "parts.txt", []byte("abc"), nil)
			return contractRequest{token: f.owner, params: p("article_id", id, "file_id", fid)}
		}},
		{"ErrNoSuchFile", 404, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("article_id", f.draft, "file_id", noSuchID)}
		}},
	},
	"private_article_file_delete": {
		{"OK", 204, func(f *contractFixture) contractRequest {
			id, fid := f.newItemWithFile("Scratch with file")
			return contractRequest{token: f.owner, params: p("article_id", id, "file_id", fid)}
		}},
		{"ErrOthersItemIsNotFound", 404, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.other, params: p("article_id", f.draft, "file_id", f.draftFile)}
		}},
	},
	"account_article_publish": {
		{"OK", 201, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("article_id", f.newItem())}
		}},
		{"ErrOthersItemIsNotFound", 404, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.other, params: p("article_id", f.draft)}
		}},
	},
	"private_article_reserve_doi": {
		{"OK", 200, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("article_id", f.newItem())}
		}},
		{"ErrOthersItemIsNotFound", 404, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.other, params: p("article_id", f.draft)}
		}},
	},
	"private_article_reserve_handle": {
		{"ErrNoHandlePrefix", 422, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("article_id", f.newItem())}
		}},
		{"ErrOthersItemIsNotFound", 404, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.other, params: p("article_id", f.draft)}
		}},
	},
	"account_article_unpublish": {
		{"OK", 204, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.admin, params: p("article_id", f.newPublished()), body: map[string]any{"reason": "Withdrawn at the authors' request"}}
		}},
		{"ErrShortReason", 422, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.admin, params: p("article_id", f.newPublished()), body: map[string]any{"reason": "no"}}
		}},
	},

	// Administrators deactivate and reactivate accounts (account 2 is
	// "other"); anyone else is told the account does not exist.
	"private_institution_accounts_update": {
		{"OK", 205, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.admin, params: p("account_id", 2), body: map[string]any{"is_active": true, "group_id": 0}}
		}},
		{"ErrMissingIsActive", 422, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.admin, params: p("account_id", 2), body: map[string]any{"group_id": 0}}
		}},
		{"ErrNotAdministrator", 404, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("account_id", 2), body: map[string]any{"is_active": false, "group_id": 0}}
		}},
		{"ErrNoSuchAccount", 404, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.admin, params: p("account_id", noSuchID), body: map[string]any{"is_active": true, "group_id": 0}}
		}},
	},
	// The institution.
	"institution_hrfeed_upload": {
		{"OK", 200, func(f *contractFixture) contractRequest {
			ct, body := multipartFeed(f.t, hrFeed(hrRecord("c-1", "Cora", "Tract", "cora@example.edu", "Y", "", "")))
			return contractRequest{token: f.admin, body: string(body), header: []string{"Content-Type", ct}}
		}},
		{"ErrNotAdmin", 403, func(f *contractFixture) contractRequest {
			ct, body := multipartFeed(f.t, hrFeed())
			return contractRequest{token: f.owner, body: string(body), header: []string{"Content-Type", ct}}
		}},
		{"ErrNotMultipart", 400, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.admin, body: "<HRFeed/>", header: []string{"Content-Type", "application/xml"}}
		}},
	},
}
