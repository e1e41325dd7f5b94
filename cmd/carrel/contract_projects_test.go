package main

import (
	"fmt"
	"strings"
)

// newProject creates a project of the fixture's owner with the other
// account as a viewer, one item and one note; published when publish is
// set (its item is published first).
func (f *contractFixture) newProject(publish bool) (project, item, note int64) {
	f.s.t = f.t
	var c struct {
		EntityID int64 `json:"entity_id"`
	}
	f.s.do("POST", "/v2/account/projects", f.owner, map[string]any{"title": "Contract project", "description": "For the contract test."}).
		want(f.t, 201).JSON(f.t, &c)
	project = c.EntityID
	base := fmt.Sprintf("/v2/account/projects/%d", project)
	f.s.do("POST", base+"/collaborators", f.owner, map[string]any{"role_name": "viewer", "email": "other@example.edu"}).want(f.t, 201)
	var loc struct{ Location string }
	f.s.do("POST", base+"/articles", f.owner, map[string]any{"title": "Contract project item", "defined_type": "dataset", "license": 1,
		"authors": []map[string]any{{"name": "Grace Hopper"}}}).want(f.t, 201).JSON(f.t, &loc)
	fmt.Sscan(loc.Location[strings.LastIndex(loc.Location, "/")+1:], &item)
	f.s.do("POST", base+"/notes", f.owner, map[string]any{"text": "A note."}).want(f.t, 201).JSON(f.t, &loc)
	fmt.Sscan(loc.Location[strings.LastIndex(loc.Location, "/")+1:], &note)
	if publish {
		f.s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", item), f.owner, nil).want(f.t, 201)
		f.s.do("POST", base+"/publish", f.owner, nil).want(f.t, 200)
	}
	return project, item, note
}

func (f *contractFixture) projectID(publish bool) int64 { id, _, _ := f.newProject(publish); return id }

// pr is a request on a project by token.
func pr(token string, id int64, body any) contractRequest {
	return contractRequest{token: token, params: p("project_id", id), body: body}
}

// projectContractCases are the contract cases of the project operations.
var projectContractCases = map[string][]contractCase{
	"projects_list": {
		{"OK", 200, func(f *contractFixture) contractRequest {
			f.newProject(true)
			return contractRequest{query: "page=1&page_size=5"}
		}},
		{"ErrMixedPaging", 422, func(f *contractFixture) contractRequest { return contractRequest{query: "page=1&offset=5"} }},
	},
	"projects_search": {
		{"OK", 200, func(f *contractFixture) contractRequest {
			return contractRequest{body: map[string]any{"search_for": "contract"}}
		}},
		{"ErrBadJSON", 400, func(f *contractFixture) contractRequest { return contractRequest{body: "{"} }},
	},
	"project_details": {
		{"OK", 200, func(f *contractFixture) contractRequest { return pr("", f.projectID(true), nil) }},
		{"ErrUnpublishedIsNotFound", 404, func(f *contractFixture) contractRequest { return pr("", f.projectID(false), nil) }},
	},
	"project_articles": {
		{"OK", 200, func(f *contractFixture) contractRequest { return pr("", f.projectID(true), nil) }},
		{"ErrUnpublishedIsNotFound", 404, func(f *contractFixture) contractRequest { return pr("", f.projectID(false), nil) }},
	},
	"private_projects_search": {
		{"OK", 200, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, body: map[string]any{"search_for": "contract"}}
		}},
		{"ErrBadOrder", 422, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, body: map[string]any{"order": "sideways"}}
		}},
	},
	"private_projects_list": {
		{"OK", 200, func(f *contractFixture) contractRequest { f.newProject(false); return contractRequest{token: f.other} }},
		{"ErrAnonymous", 401, func(f *contractFixture) contractRequest { return contractRequest{} }},
	},
	"private_project_create": {
		{"OK", 201, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, body: map[string]any{"title": "Created by the contract test"}}
		}},
		{"ErrUnknownField", 422, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, body: map[string]any{"title": "Valid", "colour": "red"}}
		}},
	},
	"private_project_details": {
		{"OK", 200, func(f *contractFixture) contractRequest { return pr(f.other, f.projectID(false), nil) }},
		{"ErrNotFound", 404, func(f *contractFixture) contractRequest { return pr(f.owner, noSuchID, nil) }},
	},
	"private_project_update": {
		{"OK", 205, func(f *contractFixture) contractRequest {
			return pr(f.owner, f.projectID(false), map[string]any{"title": "Renamed"})
		}},
		{"ErrViewer", 403, func(f *contractFixture) contractRequest {
			return pr(f.other, f.projectID(false), map[string]any{"title": "Renamed"})
		}},
	},
	"private_project_partial_update": {
		{"OK", 205, func(f *contractFixture) contractRequest {
			return pr(f.owner, f.projectID(false), map[string]any{"funding": "Grant 7"})
		}},
		{"ErrNotFound", 404, func(f *contractFixture) contractRequest { return pr(f.owner, noSuchID, map[string]any{"funding": "x"}) }},
	},
	"private_project_delete": {
		{"OK", 204, func(f *contractFixture) contractRequest { return pr(f.owner, f.projectID(false), nil) }},
		{"ErrViewer", 403, func(f *contractFixture) contractRequest { return pr(f.other, f.projectID(false), nil) }},
	},
	"private_project_publish": {
		{"OK", 200, func(f *contractFixture) contractRequest {
			_, item, _ := f.newProject(false)
			f.s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", item), f.owner, nil).want(f.t, 201)
			var id int64
			var list []struct{ ID int64 }
			f.s.do("GET", "/v2/account/projects?page_size=1", f.owner, nil).want(f.t, 200).JSON(f.t, &list)
			id = list[0].ID
			return pr(f.owner, id, nil)
		}},
		{"ErrViewer", 403, func(f *contractFixture) contractRequest { return pr(f.other, f.projectID(false), nil) }},
	},
	"private_project_notes_list": {
		{"OK", 200, func(f *contractFixture) contractRequest { return pr(f.other, f.projectID(false), nil) }},
		{"ErrNotFound", 404, func(f *contractFixture) contractRequest { return pr(f.owner, noSuchID, nil) }},
	},
	"private_project_notes_create": {
		{"OK", 201, func(f *contractFixture) contractRequest {
			return pr(f.owner, f.projectID(false), map[string]any{"text": "Another note"})
		}},
		{"ErrViewer", 403, func(f *contractFixture) contractRequest {
			return pr(f.other, f.projectID(false), map[string]any{"text": "x"})
		}},
	},
	"private_project_note": {
		{"OK", 200, func(f *contractFixture) contractRequest {
			id, _, note := f.newProject(false)
			return contractRequest{token: f.other, params: p("project_id", id, "note_id", note)}
		}},
		{"ErrNoSuchNote", 404, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("project_id", f.projectID(false), "note_id", noSuchID)}
		}},
	},
	"private_project_note_update": {
		{"OK", 205, func(f *contractFixture) contractRequest {
			id, _, note := f.newProject(false)
			return contractRequest{token: f.owner, params: p("project_id", id, "note_id", note), body: map[string]any{"text": "Changed"}}
		}},
		{"ErrNoText", 422, func(f *contractFixture) contractRequest {
			id, _, note := f.newProject(false)
			return contractRequest{token: f.owner, params: p("project_id", id, "note_id", note), body: map[string]any{}}
		}},
	},
	"private_project_note_delete": {
		{"OK", 204, func(f *contractFixture) contractRequest {
			id, _, note := f.newProject(false)
			return contractRequest{token: f.owner, params: p("project_id", id, "note_id", note)}
		}},
		{"ErrViewer", 403, func(f *contractFixture) contractRequest {
			id, _, note := f.newProject(false)
			return contractRequest{token: f.other, params: p("project_id", id, "note_id", note)}
		}},
	},
	"private_project_leave": {
		{"OK", 204, func(f *contractFixture) contractRequest { return pr(f.other, f.projectID(false), nil) }},
		{"ErrOwner", 403, func(f *contractFixture) contractRequest { return pr(f.owner, f.projectID(false), nil) }},
	},
	"private_project_collaborators_list": {
		{"OK", 200, func(f *contractFixture) contractRequest { return pr(f.other, f.projectID(false), nil) }},
		{"ErrNotFound", 404, func(f *contractFixture) contractRequest { return pr(f.owner, noSuchID, nil) }},
	},
	"private_project_collaborators_invite": {
		{"OK", 201, func(f *contractFixture) contractRequest {
			return pr(f.owner, f.projectID(false), map[string]any{"role_name": "collaborator", "email": "admin@example.edu"})
		}},
		{"ErrBadRole", 422, func(f *contractFixture) contractRequest {
			return pr(f.owner, f.projectID(false), map[string]any{"role_name": "owner", "email": "admin@example.edu"})
		}},
	},
	"private_project_collaborator__Delete": {
		{"OK", 204, func(f *contractFixture) contractRequest {
			var list []struct {
				UserID int64 `json:"user_id"`
			}
			id := f.projectID(false)
			f.s.do("GET", fmt.Sprintf("/v2/account/projects/%d/collaborators", id), f.owner, nil).want(f.t, 200).JSON(f.t, &list)
			return contractRequest{token: f.owner, params: p("project_id", id, "user_id", list[1].UserID)}
		}},
		{"ErrNotAMember", 404, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("project_id", f.projectID(false), "user_id", noSuchID)}
		}},
	},
	"private_project_articles_list": {
		{"OK", 200, func(f *contractFixture) contractRequest { return pr(f.other, f.projectID(false), nil) }},
		{"ErrNotFound", 404, func(f *contractFixture) contractRequest { return pr(f.owner, noSuchID, nil) }},
	},
	"private_project_articles_create": {
		{"OK", 201, func(f *contractFixture) contractRequest {
			return pr(f.owner, f.projectID(false), map[string]any{"title": "Deposited in a project"})
		}},
		{"ErrViewer", 403, func(f *contractFixture) contractRequest {
			return pr(f.other, f.projectID(false), map[string]any{"title": "Deposited in a project"})
		}},
	},
	"private_project_article_details": {
		{"OK", 200, func(f *contractFixture) contractRequest {
			id, item, _ := f.newProject(false)
			return contractRequest{token: f.other, params: p("project_id", id, "article_id", item)}
		}},
		{"ErrNotInProject", 404, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("project_id", f.projectID(false), "article_id", f.draft)}
		}},
	},
	"private_project_article_delete": {
		{"OK", 204, func(f *contractFixture) contractRequest {
			id, item, _ := f.newProject(false)
			return contractRequest{token: f.owner, params: p("project_id", id, "article_id", item)}
		}},
		{"ErrViewer", 403, func(f *contractFixture) contractRequest {
			id, item, _ := f.newProject(false)
			return contractRequest{token: f.other, params: p("project_id", id, "article_id", item)}
		}},
	},
	"private_project_article_files": {
		{"OK", 200, func(f *contractFixture) contractRequest {
			id, item, _ := f.newProject(false)
			f.s.upload(f.t, f.owner, item, "a.csv", []byte("a,b\n"), nil)
			return contractRequest{token: f.other, params: p("project_id", id, "article_id", item)}
		}},
		{"ErrNotInProject", 404, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("project_id", f.projectID(false), "article_id", f.draft)}
		}},
	},
	"private_project_article_file": {
		{"OK", 200, func(f *contractFixture) contractRequest {
			id, item, _ := f.newProject(false)
			fid := f.s.upload(f.t, f.owner, item, "a.csv", []byte("a,b\n"), nil)
			return contractRequest{token: f.other, params: p("project_id", id, "article_id", item, "file_id", fid)}
		}},
		{"ErrNoSuchFile", 404, func(f *contractFixture) contractRequest {
			id, item, _ := f.newProject(false)
			return contractRequest{token: f.owner, params: p("project_id", id, "article_id", item, "file_id", noSuchID)}
		}},
	},
}
