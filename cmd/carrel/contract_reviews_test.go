package main

import (
	"fmt"
	"strings"
)

// reviewSetup makes a group that reviews before publication, a reviewer
// of it, and an item of the fixture's owner submitted for review; it
// returns the reviewer's token and the review's id.
func (f *contractFixture) reviewSetup() (string, int64) {
	f.s.t = f.t
	out, err := f.s.cli("", "group", "add", "--name", fmt.Sprintf("Reviewed %d", f.newItem()))
	if err != nil {
		f.t.Fatal(err)
	}
	var group int64
	fmt.Sscanf(strings.TrimPrefix(out, "created group "), "%d", &group)
	must(f.s.cli("", "group", "review", fmt.Sprint(group), "on"))
	email := fmt.Sprintf("reviewer%d@example.edu", group)
	reviewer := f.s.account(email, false)
	must(f.s.cli("", "user", "role", email, "reviewer", "--group", fmt.Sprint(group)))
	must(f.s.cli("", "user", "role", "owner@example.edu", "depositor", "--group", fmt.Sprint(group)))
	var created struct {
		EntityID int64 `json:"entity_id"`
	}
	f.s.do("POST", "/v2/account/articles", f.owner, map[string]any{"title": "Needs review", "defined_type": "dataset", "license": 1,
		"authors": []map[string]string{{"name": "Ada Lovelace"}}, "categories": []int{3001}, "group_id": group}).want(f.t, 201).JSON(f.t, &created)
	var loc struct{ Location string }
	f.s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", created.EntityID), f.owner, nil).want(f.t, 202).JSON(f.t, &loc)
	var id int64
	fmt.Sscanf(loc.Location[strings.LastIndex(loc.Location, "/")+1:], "%d", &id)
	return reviewer, id
}

// reviewContractCases are the contract cases of the review operations.
func reviewContractCases() map[string][]contractCase {
	return map[string][]contractCase{
		"account_institution_curations": {
			{"OK", 200, func(f *contractFixture) contractRequest {
				reviewer, _ := f.reviewSetup()
				return contractRequest{token: reviewer, query: "status=pending&limit=10"}
			}},
			{"ErrNotReviewer", 403, func(f *contractFixture) contractRequest { return contractRequest{token: f.other} }},
			{"ErrBadStatus", 422, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.admin, query: "status=maybe"}
			}},
		},
		"account_institution_curation": {
			{"OK", 200, func(f *contractFixture) contractRequest {
				reviewer, id := f.reviewSetup()
				return contractRequest{token: reviewer, params: p("curation_id", id)}
			}},
			{"ErrOtherIsNotFound", 404, func(f *contractFixture) contractRequest {
				_, id := f.reviewSetup()
				return contractRequest{token: f.other, params: p("curation_id", id)}
			}},
		},
		"get_account_institution_curation_comments": {
			{"OK", 200, func(f *contractFixture) contractRequest {
				_, id := f.reviewSetup()
				return contractRequest{token: f.owner, params: p("curation_id", id)}
			}},
		},
		"post_account_institution_curation_comments": {
			{"OK", 200, func(f *contractFixture) contractRequest {
				reviewer, id := f.reviewSetup()
				return contractRequest{token: reviewer, params: p("curation_id", id), body: map[string]any{"text": "Please add units."}}
			}},
			{"ErrEmpty", 422, func(f *contractFixture) contractRequest {
				_, id := f.reviewSetup()
				return contractRequest{token: f.owner, params: p("curation_id", id), body: map[string]any{"text": ""}}
			}},
		},
	}
}
