package main

import (
	"fmt"
	"testing"
)

// matrixStates are the item states of the authorization matrix with what
// each actor may reach. Columns: anonymous, owner, other depositor,
// reviewer of the group, reviewer of another group, group admin,
// administrator, private-link holder. The holder uses the /s/{token} pages
// and is anonymous elsewhere.
func matrixStates() []matrixState {
	const (
		nobody    = "nnnnnnnn"
		everybody = "yyyyyyyy"
		managers  = "nynnnyyn" // owner, group admin, administrator
	)
	draft := map[string]string{
		"api metadata": nobody, "api version": nobody, "api file list": nobody,
		"api download": managers, "api zip": nobody, "api private record": managers, "api search": nobody,
		"web landing page": "nynnnyyy", "web file": "nynnnyyy", "web citation": nobody, "oai record": nobody, "api review": nobody, "web review page": nobody,
	}
	embargoedItem := map[string]string{
		"api metadata": "sysysyys", "api version": "sysysyys", "api file list": "nynynyyn",
		"api download": "nynynyyn", "api zip": "nynynyyn", "api private record": managers, "api search": nobody,
		"web landing page": "sysysyyy", "web file": "nynynyyy", "web citation": "nynynyyn", "oai record": "dddddddd", "api review": nobody, "web review page": nobody,
	}
	states := []matrixState{
		{"draft", func(t *testing.T, e *matrixEnv, it *matrixItem) {}, draft},
		{"pending review", func(t *testing.T, e *matrixEnv, it *matrixItem) { e.submit(t, it) }, map[string]string{
			"api metadata": nobody, "api version": nobody, "api file list": nobody,
			"api download": "nynynyyn", "api zip": nobody, "api private record": managers, "api search": nobody,
			"web landing page": "nynynyyy", "web file": "nynynyyy", "web citation": nobody, "oai record": nobody,
			"api review": "nynynyyn", "web review page": "nnnynyyn",
		}},
		{"published, new version pending review", func(t *testing.T, e *matrixEnv, it *matrixItem) {
			e.publish(t, it)
			// The new version's description has a marker of its own, which
			// only those who may see the draft may see; the public sees v1.
			it.marker += "v2"
			e.s.do("PUT", fmt.Sprintf("/v2/account/articles/%d", it.id), e.owner,
				map[string]any{"description": "<p>About " + it.marker + ".</p>"}).want(t, 205)
			e.submit(t, it)
		}, map[string]string{
			"api metadata": "ssssssss", "api version": "ssssssss", "api file list": everybody,
			"api download": everybody, "api zip": everybody, "api private record": managers, "api search": nobody,
			"web landing page": "ssssssss", "web file": everybody, "web citation": everybody, "oai record": "ssssssss",
			"api review": "nynynyyn", "web review page": "nnnynyyn",
		}},
		{"draft, embargo set", func(t *testing.T, e *matrixEnv, it *matrixItem) { e.embargo(t, it, "article", "2099-01-01") }, draft},
		{"draft, link deleted", func(t *testing.T, e *matrixEnv, it *matrixItem) {
			e.s.do("DELETE", fmt.Sprintf("/v2/account/articles/%d/private_links/%s", it.id, it.link), e.owner, nil).want(t, 204)
		}, map[string]string{
			"api metadata": nobody, "api version": nobody, "api file list": nobody,
			"api download": managers, "api zip": nobody, "api private record": managers, "api search": nobody,
			"web landing page": managers, "web file": managers, "web citation": nobody, "oai record": nobody, "api review": nobody, "web review page": nobody,
		}},
		{"published", func(t *testing.T, e *matrixEnv, it *matrixItem) { e.publish(t, it) }, map[string]string{
			"api metadata": everybody, "api version": everybody, "api file list": everybody,
			"api download": everybody, "api zip": everybody, "api private record": managers, "api search": everybody,
			"web landing page": everybody, "web file": everybody, "web citation": everybody, "oai record": "ffffffff", "api review": nobody, "web review page": nobody,
		}},
		{"embargoed whole item", func(t *testing.T, e *matrixEnv, it *matrixItem) {
			e.publish(t, it)
			e.embargo(t, it, "article", "2099-01-01")
		}, embargoedItem},
		{"embargoed whole item, permanent", func(t *testing.T, e *matrixEnv, it *matrixItem) {
			e.publish(t, it)
			e.embargo(t, it, "article", "0")
		}, embargoedItem},
		{"embargoed files", func(t *testing.T, e *matrixEnv, it *matrixItem) {
			e.publish(t, it)
			e.embargo(t, it, "file", "2099-01-01T00:00:00")
		}, map[string]string{
			"api metadata": everybody, "api version": everybody, "api file list": "nynynyyn",
			"api download": "nynynyyn", "api zip": "nynynyyn", "api private record": managers, "api search": everybody,
			"web landing page": everybody, "web file": "nynynyyy", "web citation": everybody, "oai record": "yyyyyyyy", "api review": nobody, "web review page": nobody,
		}},
		{"confidential", func(t *testing.T, e *matrixEnv, it *matrixItem) {
			e.publish(t, it)
			e.s.do("PUT", fmt.Sprintf("/v2/account/articles/%d/confidentiality", it.id), e.owner,
				map[string]string{"reason": "interviews with patients"}).want(t, 205)
		}, map[string]string{
			"api metadata": everybody, "api version": everybody, "api file list": "nynynyyn",
			"api download": "nynynyyn", "api zip": "nynynyyn", "api private record": managers, "api search": nobody,
			"web landing page": everybody, "web file": "nynynyyn", "web citation": everybody, "oai record": "yyyyyyyy", "api review": nobody, "web review page": nobody,
		}},
		{"withdrawn", func(t *testing.T, e *matrixEnv, it *matrixItem) {
			e.publish(t, it)
			e.s.do("POST", fmt.Sprintf("/v2/account/articles/%d/unpublish", it.id), e.admin,
				map[string]string{"reason": "Consent was withdrawn."}).want(t, 204)
		}, map[string]string{
			"api metadata": everybody, "api version": everybody, "api file list": nobody,
			"api download": managers, "api zip": nobody, "api private record": managers, "api search": nobody,
			"web landing page": everybody, "web file": managers, "web citation": everybody, "oai record": "dddddddd", "api review": nobody, "web review page": nobody,
		}},
	}
	// The administrators' item page is the same in every state: only
	// those who curate the item's group reach it, never its owner as such.
	for _, st := range states {
		st.want["web curation"] = "nnnnnyyn"
	}
	return states
}
