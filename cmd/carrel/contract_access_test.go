package main

import "fmt"

// accessContractCases covers embargo, confidentiality, private links and
// the institution's access operations.
func accessContractCases() map[string][]contractCase {
	item := func(f *contractFixture) map[string]any { return p("article_id", f.newItem()) }
	embargo := func(date string) map[string]any {
		return map[string]any{"is_embargoed": true, "embargo_date": date, "embargo_type": "file",
			"embargo_title": "Files under embargo", "embargo_reason": "patent pending", "embargo_options": []any{}}
	}
	link := func(f *contractFixture) (int64, string) {
		id := f.newItem()
		var out struct{ Token string }
		f.s.do("POST", fmt.Sprintf("/v2/account/articles/%d/private_links", id), f.owner, map[string]any{}).want(f.t, 201).JSON(f.t, &out)
		return id, out.Token
	}
	accountID := func(f *contractFixture, token string) int64 {
		var a struct{ ID int64 }
		f.s.do("GET", "/v2/account", token, nil).want(f.t, 200).JSON(f.t, &a)
		return a.ID
	}
	return map[string][]contractCase{
		"private_account": {
			{"OK", 200, func(f *contractFixture) contractRequest { return contractRequest{token: f.owner} }},
			{"ErrAnonymous", 401, func(f *contractFixture) contractRequest { return contractRequest{} }},
			{"OK impersonated", 200, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.admin, query: fmt.Sprintf("impersonate=%d", accountID(f, f.owner))}
			}},
			{"ErrImpersonateByDepositor", 404, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.other, query: fmt.Sprintf("impersonate=%d", accountID(f, f.owner))}
			}},
		},
		"private_institution_details": {
			{"OK", 200, func(f *contractFixture) contractRequest { return contractRequest{token: f.owner} }},
		},
		"private_institution_groups_list": {
			{"OK", 200, func(f *contractFixture) contractRequest { return contractRequest{token: f.owner} }},
		},
		"private_institution_roles_list": {
			{"OK", 200, func(f *contractFixture) contractRequest { return contractRequest{token: f.owner} }},
		},
		"private_institution_articles": {
			{"OK", 200, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.admin, query: "page=1&page_size=10&order=modified_date&order_direction=asc"}
			}},
			{"ErrNotAdmin", 404, func(f *contractFixture) contractRequest { return contractRequest{token: f.owner} }},
			{"ErrStatus", 422, func(f *contractFixture) contractRequest { return contractRequest{token: f.admin, query: "status=3"} }},
			{"ErrMixedPaging", 422, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.admin, query: "page=1&limit=5"}
			}},
		},
		"private_institution_accounts_list": {
			{"OK", 200, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.admin, query: "page=1&page_size=10&is_active=1"}
			}},
			{"ErrNotAdmin", 404, func(f *contractFixture) contractRequest { return contractRequest{token: f.owner} }},
		},
		"private_institution_accounts_create": {
			{"OK", 201, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.admin, body: map[string]any{"email": fmt.Sprintf("new%d@example.edu", f.newItem()), "first_name": "New", "last_name": "Person", "quota": 1000}}
			}},
			{"ErrBadEmail", 422, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.admin, body: map[string]any{"email": "not-an-email", "last_name": "Person"}}
			}},
		},
		"private_institution_accounts_search": {
			{"OK", 200, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.admin, body: map[string]any{"search_for": "owner"}}
			}},
			{"ErrMixedPaging", 422, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.admin, body: map[string]any{"page": 1, "limit": 5}}
			}},
		},
		"private_institution_account": {
			{"OK", 200, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.admin, params: p("account_id", accountID(f, f.owner))}
			}},
			{"ErrNotFound", 404, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.admin, params: p("account_id", noSuchID)}
			}},
		},
		"private_institution_accounts_update": {
			{"OK", 205, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.admin, params: p("account_id", accountID(f, f.other)), body: map[string]any{"group_id": 0, "is_active": true}}
			}},
			{"ErrMissingGroup", 422, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.admin, params: p("account_id", accountID(f, f.other)), body: map[string]any{"group_id": noSuchID, "is_active": true}}
			}},
		},
		"private_account_institution_user": {
			{"OK", 200, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.admin, params: p("account_id", accountID(f, f.owner))}
			}},
		},
		"private_institution_account_group_roles": {
			{"OK", 200, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.admin, params: p("account_id", accountID(f, f.owner))}
			}},
		},
		"private_institution_account_group_roles_create": {
			{"OK", 201, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.admin, params: p("account_id", accountID(f, f.other)), body: map[string]any{"0": []int{4}}}
			}},
			{"ErrUnknownRole", 422, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.admin, params: p("account_id", accountID(f, f.other)), body: map[string]any{"0": []int{99}}}
			}},
		},
		"private_institution_account_group_role_delete": {
			{"OK", 204, func(f *contractFixture) contractRequest {
				id := accountID(f, f.other)
				out, err := f.s.cli("", "group", "add", "--name", fmt.Sprintf("Contract group %d", f.newItem()))
				if err != nil {
					f.t.Fatal(err)
				}
				var gid int64
				fmt.Sscanf(out, "created group %d", &gid)
				f.s.do("POST", fmt.Sprintf("/v2/account/institution/roles/%d", id), f.admin, map[string]any{fmt.Sprint(gid): []int{5}}).want(f.t, 201)
				return contractRequest{token: f.admin, params: p("account_id", id, "group_id", gid, "role_id", 5)}
			}},
			{"ErrNotHeld", 404, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.admin, params: p("account_id", accountID(f, f.owner), "group_id", noSuchID, "role_id", 3)}
			}},
		},
		"private_article_embargo_details": {
			{"OK", 200, func(f *contractFixture) contractRequest {
				return contractRequest{params: p("article_id", f.draft), token: f.owner}
			}},
			{"ErrOtherUsersItem", 404, func(f *contractFixture) contractRequest {
				return contractRequest{params: p("article_id", f.draft), token: f.other}
			}},
		},
		"private_article_embargo_update": {
			{"OK", 205, func(f *contractFixture) contractRequest {
				return contractRequest{params: item(f), token: f.owner, body: embargo("2099-01-01T00:00:00")}
			}},
			{"OK permanent", 205, func(f *contractFixture) contractRequest {
				return contractRequest{params: item(f), token: f.owner, body: embargo("0")}
			}},
			{"ErrPastDate", 422, func(f *contractFixture) contractRequest {
				return contractRequest{params: item(f), token: f.owner, body: embargo("2001-01-01")}
			}},
			{"ErrBadType", 422, func(f *contractFixture) contractRequest {
				return contractRequest{params: item(f), token: f.owner, body: map[string]any{"is_embargoed": true, "embargo_date": "0", "embargo_type": "all"}}
			}},
			{"ErrOtherUsersItem", 404, func(f *contractFixture) contractRequest {
				return contractRequest{params: p("article_id", f.draft), token: f.other, body: embargo("0")}
			}},
		},
		"private_article_embargo_delete": {
			{"OK", 204, func(f *contractFixture) contractRequest { return contractRequest{params: item(f), token: f.owner} }},
			{"ErrNotFound", 404, func(f *contractFixture) contractRequest {
				return contractRequest{params: p("article_id", noSuchID), token: f.owner}
			}},
		},
		"private_article_confidentiality_details": {
			{"OK", 200, func(f *contractFixture) contractRequest {
				return contractRequest{params: p("article_id", f.draft), token: f.owner}
			}},
			{"ErrAnonymous", 401, func(f *contractFixture) contractRequest { return contractRequest{params: p("article_id", f.draft)} }},
		},
		"private_article_confidentiality_update": {
			{"OK", 205, func(f *contractFixture) contractRequest {
				return contractRequest{params: item(f), token: f.owner, body: map[string]any{"reason": "interviews"}}
			}},
			{"ErrNoReason", 422, func(f *contractFixture) contractRequest {
				return contractRequest{params: item(f), token: f.owner, body: map[string]any{}}
			}},
		},
		"private_article_confidentiality_delete": {
			{"OK", 204, func(f *contractFixture) contractRequest { return contractRequest{params: item(f), token: f.owner} }},
			{"ErrOtherUsersItem", 404, func(f *contractFixture) contractRequest {
				return contractRequest{params: p("article_id", f.draft), token: f.other}
			}},
		},
		"article_version_embargo": {
			{"OK", 200, func(f *contractFixture) contractRequest {
				return contractRequest{params: p("article_id", f.public, "version_id", 1)}
			}},
			{"ErrDraft", 404, func(f *contractFixture) contractRequest {
				return contractRequest{params: p("article_id", f.draft, "version_id", 1)}
			}},
		},
		"article_version_confidentiality": {
			{"OK", 200, func(f *contractFixture) contractRequest {
				return contractRequest{params: p("article_id", f.public, "version_id", 1)}
			}},
			{"ErrNoSuchVersion", 404, func(f *contractFixture) contractRequest {
				return contractRequest{params: p("article_id", f.public, "version_id", 7)}
			}},
		},
		"private_institution_embargo_options_details": {
			{"OK", 200, func(f *contractFixture) contractRequest { return contractRequest{token: f.owner} }},
		},
		"private_group_embargo_options_details": {
			{"OK", 200, func(f *contractFixture) contractRequest {
				return contractRequest{params: p("group_id", 1), token: f.owner}
			}},
		},
		"private_article_private_link": {
			{"OK", 200, func(f *contractFixture) contractRequest {
				id, _ := link(f)
				return contractRequest{params: p("article_id", id), token: f.owner}
			}},
			{"ErrOtherUsersItem", 404, func(f *contractFixture) contractRequest {
				return contractRequest{params: p("article_id", f.draft), token: f.other}
			}},
		},
		"private_article_private_link_create": {
			{"OK", 201, func(f *contractFixture) contractRequest {
				return contractRequest{params: item(f), token: f.owner, body: map[string]any{"expires_date": "2099-02-22 22:22:22"}}
			}},
			{"ErrPastExpiry", 422, func(f *contractFixture) contractRequest {
				return contractRequest{params: item(f), token: f.owner, body: map[string]any{"expires_date": "2001-01-01"}}
			}},
		},
		"private_article_private_link_update": {
			{"OK", 205, func(f *contractFixture) contractRequest {
				id, tok := link(f)
				return contractRequest{params: p("article_id", id, "link_id", tok), token: f.owner, body: map[string]any{"expires_date": "2099-01-01"}}
			}},
			{"ErrUnknownLink", 404, func(f *contractFixture) contractRequest {
				return contractRequest{params: p("article_id", f.draft, "link_id", "nope"), token: f.owner, body: map[string]any{"expires_date": "2099-01-01"}}
			}},
		},
		"private_article_private_link_delete": {
			{"OK", 204, func(f *contractFixture) contractRequest {
				id, tok := link(f)
				return contractRequest{params: p("article_id", id, "link_id", tok), token: f.owner}
			}},
			{"ErrUnknownLink", 404, func(f *contractFixture) contractRequest {
				return contractRequest{params: p("article_id", f.draft, "link_id", "nope"), token: f.owner}
			}},
		},
	}
}
