package main

import (
	"fmt"
)

// newCollection creates a draft collection holding the fixture's public
// item, published when publish is set, and returns its id.
func (f *contractFixture) newCollection(publish bool) int64 {
	f.s.t = f.t
	var c struct {
		EntityID int64 `json:"entity_id"`
	}
	f.s.do("POST", "/v2/account/collections", f.owner, map[string]any{"title": "Contract collection", "description": "For the contract test.",
		"authors": []map[string]any{{"name": "Grace Hopper"}}, "categories": []int{3001}, "articles": []int64{f.public, f.draft}}).
		want(f.t, 201).JSON(f.t, &c)
	if publish {
		f.s.do("POST", fmt.Sprintf("/v2/account/collections/%d/publish", c.EntityID), f.owner, nil).want(f.t, 201)
	}
	return c.EntityID
}

// collectionAuthor returns the id of the first author of a collection.
func (f *contractFixture) collectionAuthor(id int64) int64 {
	var authors []struct{ ID int64 }
	f.s.do("GET", fmt.Sprintf("/v2/account/collections/%d/authors", id), f.owner, nil).want(f.t, 200).JSON(f.t, &authors)
	return authors[0].ID
}

// own is a request by the fixture's owner on a collection.
func own(id int64, body any) contractRequest {
	return contractRequest{params: p("collection_id", id), body: body}
}

func (f *contractFixture) asOwner(r contractRequest) contractRequest { r.token = f.owner; return r }
func (f *contractFixture) asOther(r contractRequest) contractRequest { r.token = f.other; return r }

// collectionContractCases are the contract cases of the collection
// operations.
var collectionContractCases = map[string][]contractCase{
	"collections_list": {
		{"OK", 200, func(f *contractFixture) contractRequest {
			f.newCollection(true)
			return contractRequest{query: "page=1&page_size=5"}
		}},
		{"ErrMixedPaging", 422, func(f *contractFixture) contractRequest { return contractRequest{query: "page=1&limit=5"} }},
		{"ErrBadOrder", 422, func(f *contractFixture) contractRequest { return contractRequest{query: "order=sideways"} }},
	},
	"collections_search": {
		{"OK", 200, func(f *contractFixture) contractRequest {
			return contractRequest{body: map[string]any{"search_for": "contract"}}
		}},
		{"ErrBadJSON", 400, func(f *contractFixture) contractRequest { return contractRequest{body: "{"} }},
		{"ErrBadOrder", 422, func(f *contractFixture) contractRequest {
			return contractRequest{body: map[string]any{"order": "sideways"}}
		}},
	},
	"collection_details": {
		{"OK", 200, func(f *contractFixture) contractRequest { return own(f.newCollection(true), nil) }},
		{"ErrDraftIsNotFound", 404, func(f *contractFixture) contractRequest { return own(f.newCollection(false), nil) }},
	},
	"collection_versions": {
		{"OK", 200, func(f *contractFixture) contractRequest { return own(f.newCollection(true), nil) }},
		{"ErrNotFound", 404, func(f *contractFixture) contractRequest { return own(noSuchID, nil) }},
	},
	"collection_version_details": {
		{"OK", 200, func(f *contractFixture) contractRequest {
			return contractRequest{params: p("collection_id", f.newCollection(true), "version_id", 1)}
		}},
		{"ErrNoSuchVersion", 404, func(f *contractFixture) contractRequest {
			return contractRequest{params: p("collection_id", f.newCollection(true), "version_id", 7)}
		}},
	},
	"collection_articles": {
		{"OK", 200, func(f *contractFixture) contractRequest { return own(f.newCollection(true), nil) }},
		{"ErrDraftIsNotFound", 404, func(f *contractFixture) contractRequest { return own(f.newCollection(false), nil) }},
	},
	"private_collections_list": {
		{"OK", 200, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, query: "page=1&page_size=3"}
		}},
		{"ErrAnonymous", 401, func(f *contractFixture) contractRequest { return contractRequest{} }},
	},
	"private_collection_create": {
		{"OK", 201, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, body: map[string]any{"title": "Created by the contract test", "articles": []int64{f.public}}}
		}},
		{"ErrUnknownField", 422, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, body: map[string]any{"title": "Valid title", "colour": "red"}}
		}},
		{"ErrShortTitle", 422, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, body: map[string]any{"title": "ab"}}
		}},
	},
	"private_collections_search": {
		{"OK", 200, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, body: map[string]any{"search_for": "contract"}}
		}},
		{"ErrAnonymous", 401, func(f *contractFixture) contractRequest { return contractRequest{body: map[string]any{}} }},
	},
	"private_collection_details": {
		{"OK", 200, func(f *contractFixture) contractRequest { return f.asOwner(own(f.newCollection(false), nil)) }},
		{"ErrOthersIsNotFound", 404, func(f *contractFixture) contractRequest { return f.asOther(own(f.newCollection(false), nil)) }},
	},
	"private_collection_update": {
		{"OK", 205, func(f *contractFixture) contractRequest {
			return f.asOwner(own(f.newCollection(false), map[string]any{"title": "Renamed by PUT"}))
		}},
		{"ErrOthersIsNotFound", 404, func(f *contractFixture) contractRequest {
			return f.asOther(own(f.newCollection(false), map[string]any{"title": "Taken over"}))
		}},
	},
	"private_collection_patch": {
		{"OK", 205, func(f *contractFixture) contractRequest {
			return f.asOwner(own(f.newCollection(false), map[string]any{"keywords": []string{"patched"}}))
		}},
		{"ErrUnknownField", 422, func(f *contractFixture) contractRequest {
			return f.asOwner(own(f.newCollection(false), map[string]any{"colour": "red"}))
		}},
	},
	"private_collection_delete": {
		{"OK", 204, func(f *contractFixture) contractRequest { return f.asOwner(own(f.newCollection(false), nil)) }},
		// Deleting a published collection is 409 (TestCollectionLifeCycle), a
		// status this operation's entry in the document does not list.
		{"ErrOthersIsNotFound", 404, func(f *contractFixture) contractRequest { return f.asOther(own(f.newCollection(false), nil)) }},
	},
	"private_collection_publish": {
		{"OK", 201, func(f *contractFixture) contractRequest { return f.asOwner(own(f.newCollection(false), nil)) }},
		{"ErrOthersIsNotFound", 404, func(f *contractFixture) contractRequest { return f.asOther(own(f.newCollection(false), nil)) }},
	},
	"private_collection_resource": {
		{"OK", 205, func(f *contractFixture) contractRequest {
			return f.asOwner(own(f.newCollection(false), map[string]any{"id": "r1", "title": "Survey", "link": "https://example.edu/s"}))
		}},
		{"ErrEmpty", 422, func(f *contractFixture) contractRequest {
			return f.asOwner(own(f.newCollection(false), map[string]any{}))
		}},
	},
	"private_collection_authors_list": {
		{"OK", 200, func(f *contractFixture) contractRequest { return f.asOwner(own(f.newCollection(false), nil)) }},
		{"ErrOthersIsNotFound", 404, func(f *contractFixture) contractRequest { return f.asOther(own(f.newCollection(false), nil)) }},
	},
	"private_collection_authors_add": {
		{"OK", 201, func(f *contractFixture) contractRequest {
			return f.asOwner(own(f.newCollection(false), map[string]any{"authors": []map[string]any{{"name": "Ada Lovelace"}}}))
		}},
		{"ErrBadORCID", 422, func(f *contractFixture) contractRequest {
			return f.asOwner(own(f.newCollection(false), map[string]any{"authors": []map[string]any{{"name": "A", "orcid_id": "1"}}}))
		}},
	},
	"private_collection_authors_replace": {
		{"OK", 205, func(f *contractFixture) contractRequest {
			return f.asOwner(own(f.newCollection(false), map[string]any{"authors": []map[string]any{{"name": "Ada Lovelace"}}}))
		}},
		{"ErrNoAuthors", 422, func(f *contractFixture) contractRequest {
			return f.asOwner(own(f.newCollection(false), map[string]any{}))
		}},
	},
	"private_collection_author_delete": {
		{"OK", 204, func(f *contractFixture) contractRequest {
			id := f.newCollection(false)
			return contractRequest{token: f.owner, params: p("collection_id", id, "author_id", f.collectionAuthor(id))}
		}},
		{"ErrNoSuchAuthor", 404, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("collection_id", f.newCollection(false), "author_id", noSuchID)}
		}},
	},
	"private_collection_categories_list": {
		{"OK", 200, func(f *contractFixture) contractRequest { return f.asOwner(own(f.newCollection(false), nil)) }},
		{"ErrAnonymous", 401, func(f *contractFixture) contractRequest { return own(f.newCollection(false), nil) }},
	},
	"private_collection_categories_add": {
		{"OK", 201, func(f *contractFixture) contractRequest {
			return f.asOwner(own(f.newCollection(false), map[string]any{"categories": []int{3002}}))
		}},
		{"ErrNoSuchCategory", 422, func(f *contractFixture) contractRequest {
			return f.asOwner(own(f.newCollection(false), map[string]any{"categories": []int{noSuchID}}))
		}},
	},
	"private_collection_categories_replace": {
		{"OK", 205, func(f *contractFixture) contractRequest {
			return f.asOwner(own(f.newCollection(false), map[string]any{"categories": []int{3002}}))
		}},
		{"ErrBadJSON", 400, func(f *contractFixture) contractRequest { return f.asOwner(own(f.newCollection(false), "{")) }},
	},
	"private_collection_category_delete": {
		{"OK", 204, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("collection_id", f.newCollection(false), "category_id", 3001)}
		}},
		{"ErrNotACategory", 404, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("collection_id", f.newCollection(false), "category_id", 3002)}
		}},
	},
	"private_collection_articles_list": {
		{"OK", 200, func(f *contractFixture) contractRequest { return f.asOwner(own(f.newCollection(false), nil)) }},
		{"ErrOthersIsNotFound", 404, func(f *contractFixture) contractRequest { return f.asOther(own(f.newCollection(false), nil)) }},
	},
	"private_collection_articles_add": {
		{"OK", 201, func(f *contractFixture) contractRequest {
			return f.asOwner(own(f.newCollection(false), map[string]any{"articles": []int64{f.newPublished()}}))
		}},
		{"ErrOthersDraft", 422, func(f *contractFixture) contractRequest {
			return f.asOther(own(f.newCollectionOf(f.other), map[string]any{"articles": []int64{f.draft}}))
		}},
	},
	"private_collection_articles_replace": {
		{"OK", 205, func(f *contractFixture) contractRequest {
			return f.asOwner(own(f.newCollection(false), map[string]any{"articles": []int64{f.public}}))
		}},
		{"ErrNotAList", 422, func(f *contractFixture) contractRequest {
			return f.asOwner(own(f.newCollection(false), map[string]any{"articles": "all"}))
		}},
	},
	"private_collection_article_delete": {
		{"OK", 204, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("collection_id", f.newCollection(false), "article_id", f.public)}
		}},
		{"ErrNotAMember", 404, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("collection_id", f.newCollection(false), "article_id", noSuchID)}
		}},
	},
}

// collectionLink makes a private link to a new draft collection.
func (f *contractFixture) collectionLink() (collection int64, token string) {
	collection = f.newCollection(false)
	var l struct{ Token string }
	f.s.do("POST", fmt.Sprintf("/v2/account/collections/%d/private_links", collection), f.owner, map[string]any{}).want(f.t, 201).JSON(f.t, &l)
	return collection, l.Token
}

// collectionLinkCases are the contract cases of a collection's private
// links.
var collectionLinkCases = map[string][]contractCase{
	"private_collection_private_links_list": {
		{"OK", 200, func(f *contractFixture) contractRequest { id, _ := f.collectionLink(); return f.asOwner(own(id, nil)) }},
		{"ErrOthersIsNotFound", 404, func(f *contractFixture) contractRequest { id, _ := f.collectionLink(); return f.asOther(own(id, nil)) }},
	},
	"private_collection_private_link_create": {
		{"OK", 201, func(f *contractFixture) contractRequest {
			return f.asOwner(own(f.newCollection(false), map[string]any{"expires_date": "2099-01-01"}))
		}},
		{"ErrPast", 422, func(f *contractFixture) contractRequest {
			return f.asOwner(own(f.newCollection(false), map[string]any{"expires_date": "2001-01-01"}))
		}},
	},
	"private_collection_private_link_details": {
		{"OK", 200, func(f *contractFixture) contractRequest {
			id, tok := f.collectionLink()
			return contractRequest{token: f.owner, params: p("collection_id", id, "link_id", tok)}
		}},
		{"ErrNoSuchLink", 404, func(f *contractFixture) contractRequest {
			return contractRequest{token: f.owner, params: p("collection_id", f.newCollection(false), "link_id", "nosuchlink")}
		}},
	},
	"private_collection_private_link_update": {
		{"OK", 205, func(f *contractFixture) contractRequest {
			id, tok := f.collectionLink()
			return contractRequest{token: f.owner, params: p("collection_id", id, "link_id", tok), body: map[string]any{"expires_date": "2099-06-01"}}
		}},
		{"ErrPast", 422, func(f *contractFixture) contractRequest {
			id, tok := f.collectionLink()
			return contractRequest{token: f.owner, params: p("collection_id", id, "link_id", tok), body: map[string]any{"expires_date": "2001-06-01"}}
		}},
	},
	"private_collection_private_link_delete": {
		{"OK", 204, func(f *contractFixture) contractRequest {
			id, tok := f.collectionLink()
			return contractRequest{token: f.owner, params: p("collection_id", id, "link_id", tok)}
		}},
		{"ErrOthersIsNotFound", 404, func(f *contractFixture) contractRequest {
			id, tok := f.collectionLink()
			return contractRequest{token: f.other, params: p("collection_id", id, "link_id", tok)}
		}},
	},
}

// newCollectionOf creates an empty draft collection owned by token's
// account.
func (f *contractFixture) newCollectionOf(token string) int64 {
	f.s.t = f.t
	var c struct {
		EntityID int64 `json:"entity_id"`
	}
	f.s.do("POST", "/v2/account/collections", token, map[string]any{"title": "Someone else's collection"}).want(f.t, 201).JSON(f.t, &c)
	return c.EntityID
}
