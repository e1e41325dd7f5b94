package main

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
