package main

import "fmt"

// newPublishedWithImage publishes an item whose one file is a PNG image.
func (f *contractFixture) newPublishedWithImage() (item, file int64) {
	f.s.t = f.t
	item = f.s.createItem(f.t, f.owner, "Contract figure")
	file = f.s.upload(f.t, f.owner, item, "figure.png", pngBytes, nil)
	f.s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", item), f.owner, nil).want(f.t, 201)
	return item, file
}

// pngBytes is a 1x1 PNG image.
var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" +
	"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")

// peopleContractCases are the contract cases of the profile, author,
// funding, account vocabulary, resource and collection identifier
// operations.
func peopleContractCases() map[string][]contractCase {
	return map[string][]contractCase{
		"update_user_profile": {
			{"OK", 200, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.owner, body: map[string]any{"first_name": "Ada", "last_name": "Lovelace", "orcid": "0000-0002-1825-0097"}}
			}},
			{"ErrBadORCID", 422, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.owner, body: map[string]any{"orcid": "0000-0002-1825-0098"}}
			}},
			{"ErrFieldNotKept", 422, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.owner, body: map[string]any{"bio": "Mathematician"}}
			}},
			{"ErrOtherAccountIsNotFound", 404, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.other, query: "user_id=1", body: map[string]any{"first_name": "Mallory"}}
			}},
			{"ErrAnonymous", 401, func(f *contractFixture) contractRequest { return contractRequest{body: map[string]any{}} }},
		},
		"private_authors_search": {
			{"OK", 200, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.owner, body: map[string]any{"search_for": "", "page": 1, "page_size": 10}}
			}},
			{"ErrMixedPaging", 422, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.owner, body: map[string]any{"page": 1, "limit": 10}}
			}},
			{"ErrBadORCID", 422, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.owner, body: map[string]any{"orcid": "not-an-orcid"}}
			}},
		},
		"private_author_details": {
			{"OK", 200, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.owner, params: p("author_id", f.author)}
			}},
			{"ErrNotFound", 404, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.owner, params: p("author_id", noSuchID)}
			}},
		},
		"private_funding_search": {
			{"OK", 200, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.owner, body: map[string]any{"search_for": "grant"}}
			}},
			{"ErrBadJSON", 400, func(f *contractFixture) contractRequest { return contractRequest{token: f.owner, body: "{"} }},
			{"ErrUnknownField", 422, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.owner, body: map[string]any{"funder": "x"}}
			}},
		},
		"private_categories_list": {
			{"OK", 200, func(f *contractFixture) contractRequest { return contractRequest{token: f.owner} }},
			{"ErrAnonymous", 401, func(f *contractFixture) contractRequest { return contractRequest{} }},
		},
		"private_licenses_list": {
			{"OK", 200, func(f *contractFixture) contractRequest { return contractRequest{token: f.owner} }},
			{"ErrAnonymous", 401, func(f *contractFixture) contractRequest { return contractRequest{} }},
		},
		"private_article_resource": {
			{"OK", 205, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.owner, params: p("article_id", f.newItem()), body: map[string]any{"doi": "10.1000/paper.1", "title": "The paper"}}
			}},
			{"ErrCollectionField", 422, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.owner, params: p("article_id", f.newItem()), body: map[string]any{"link": "https://example.edu/p"}}
			}},
			{"ErrOthersItemIsNotFound", 404, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.other, params: p("article_id", f.draft), body: map[string]any{"title": "x"}}
			}},
		},
		"article_version_update": {
			{"OK", 205, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.owner, params: p("article_id", f.newPublished(), "version_id", 1),
					body: map[string]any{"supplementary_fields": []map[string]any{{"name": "instrument", "value": "TDR probe"}}}}
			}},
			{"ErrBadField", 422, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.owner, params: p("article_id", f.public, "version_id", 1),
					body: map[string]any{"supplementary_fields": []map[string]any{{"name": "", "value": "x"}}}}
			}},
			{"ErrInternalMetadata", 422, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.owner, params: p("article_id", f.public, "version_id", 1),
					body: map[string]any{"internal_metadata": map[string]any{"a": 1}}}
			}},
			{"ErrNoSuchVersion", 404, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.owner, params: p("article_id", f.public, "version_id", 9), body: map[string]any{}}
			}},
			{"ErrOthersItemIsNotFound", 404, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.other, params: p("article_id", f.public, "version_id", 1), body: map[string]any{}}
			}},
		},
		"article_version_partial_update": {
			{"OK", 205, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.owner, params: p("article_id", f.newPublished(), "version_id", 1),
					body: map[string]any{"supplementary_fields": []map[string]any{{"name": "site", "value": "North ridge"}}}}
			}},
			{"ErrNotText", 422, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.owner, params: p("article_id", f.public, "version_id", 1),
					body: map[string]any{"supplementary_fields": []map[string]any{{"name": "n", "value": 3}}}}
			}},
			{"ErrDraftHasNoVersion", 404, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.owner, params: p("article_id", f.draft, "version_id", 1), body: map[string]any{}}
			}},
		},
		"article_version_update_thumb": {
			{"OK", 205, func(f *contractFixture) contractRequest {
				item, file := f.newPublishedWithImage()
				return contractRequest{token: f.owner, params: p("article_id", item, "version_id", 1), body: map[string]any{"file_id": file}}
			}},
			{"ErrNotAnImage", 422, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.owner, params: p("article_id", f.public, "version_id", 1), body: map[string]any{"file_id": f.publicFile}}
			}},
			{"ErrOtherItemsFile", 422, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.owner, params: p("article_id", f.public, "version_id", 1), body: map[string]any{"file_id": f.draftFile}}
			}},
			{"ErrOthersItemIsNotFound", 404, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.other, params: p("article_id", f.public, "version_id", 1), body: map[string]any{"file_id": f.publicFile}}
			}},
		},
		"account_article_report": {
			{"OK", 200, func(f *contractFixture) contractRequest { return contractRequest{token: f.owner} }},
			{"OK group", 200, func(f *contractFixture) contractRequest { return contractRequest{token: f.owner, query: "group_id=1"} }},
			{"ErrBadGroup", 422, func(f *contractFixture) contractRequest { return contractRequest{token: f.owner, query: "group_id=x"} }},
			{"ErrAnonymous", 401, func(f *contractFixture) contractRequest { return contractRequest{} }},
		},
		"account_article_report_generate": {
			{"OK", 200, func(f *contractFixture) contractRequest { return contractRequest{token: f.other} }},
			{"ErrOneADay", 429, func(f *contractFixture) contractRequest { return contractRequest{token: f.other} }},
			{"ErrAnonymous", 401, func(f *contractFixture) contractRequest { return contractRequest{} }},
		},
		"private_collection_reserve_doi": {
			{"OK", 200, func(f *contractFixture) contractRequest { return f.asOwner(own(f.newCollection(false), nil)) }},
			{"ErrOthersIsNotFound", 404, func(f *contractFixture) contractRequest { return f.asOther(own(f.newCollection(false), nil)) }},
		},
		"private_collection_reserve_handle": {
			{"ErrNoHandlePrefix", 422, func(f *contractFixture) contractRequest { return f.asOwner(own(f.newCollection(false), nil)) }},
			{"ErrOthersIsNotFound", 404, func(f *contractFixture) contractRequest { return f.asOther(own(f.newCollection(false), nil)) }},
		},
	}
}
