package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestCollectionWorkspace creates a collection in the browser workspace,
// ticks in a published item and a draft, publishes it, and checks that
// the public page lists only the published item.
func TestCollectionWorkspace(t *testing.T) {
	e := MustServe(t)
	owner := e.account("owner@example.edu")
	public := e.item(owner, metadata("Published soil readings"))
	e.publish(public)
	draft := e.item(owner, metadata("Secret draft readings"))
	c := e.signIn(owner)

	res, body := e.post(c, "/account/collections", url.Values{"title": {"ab"}})
	wantStatus(t, res, body, http.StatusUnprocessableEntity)
	wantContains(t, body, "at least 3 characters")
	res, body = e.post(c, "/account/collections", url.Values{"title": {"Valley data"}, "description": {"All of it."}})
	wantStatus(t, res, body, http.StatusSeeOther)
	edit := res.Header.Get("Location")
	edit = edit[:strings.Index(edit, "?")]
	res, body = e.get(c, edit)
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "Secret draft readings", "Published soil readings")

	form := url.Values{"title": {"Valley data"}, "description": {"All of it."}, "authors": {"Test Person"},
		"items": {fmt.Sprint(public.ID), fmt.Sprint(draft.ID)}}
	res, body = e.post(c, edit, url.Values{"title": {"Valley data"}, "add_items": {"999999"}})
	wantStatus(t, res, body, http.StatusUnprocessableEntity)
	res, body = e.post(c, edit, form)
	wantStatus(t, res, body, http.StatusSeeOther)
	res, body = e.post(c, edit+"/publish", nil)
	wantStatus(t, res, body, http.StatusSeeOther)
	page := res.Header.Get("Location")
	res, body = e.get(nil, page)
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "Published soil readings", "Valley data")
	if strings.Contains(body, "Secret draft readings") {
		t.Fatal("the public collection page shows a draft item")
	}
	other := e.signIn(e.account("other@example.edu"))
	res, body = e.get(other, edit)
	wantStatus(t, res, body, http.StatusNotFound)
}

// TestProjectWorkspace has an owner add a viewer and a collaborator, the
// collaborator write a note and create an item, and the viewer be refused
// both and leave.
func TestProjectWorkspace(t *testing.T) {
	e := MustServe(t)
	owner, colab, viewer := e.account("owner@example.edu"), e.account("colab@example.edu"), e.account("viewer@example.edu")
	oc, cc, vc := e.signIn(owner), e.signIn(colab), e.signIn(viewer)
	res, body := e.post(oc, "/account/projects", url.Values{"title": {"Valley campaign"}})
	wantStatus(t, res, body, http.StatusSeeOther)
	proj := res.Header.Get("Location")
	for email, role := range map[string]string{colab.Email: "collaborator", viewer.Email: "viewer"} {
		res, body = e.post(oc, proj+"/collaborators", url.Values{"email": {email}, "role": {role}})
		wantStatus(t, res, body, http.StatusSeeOther)
	}
	res, body = e.post(oc, proj+"/collaborators", url.Values{"email": {"nobody@example.edu"}, "role": {"viewer"}})
	wantStatus(t, res, body, http.StatusUnprocessableEntity)
	wantContains(t, body, "No account has that email")

	res, body = e.post(cc, proj+"/notes", url.Values{"text": {"Logger B replaced."}})
	wantStatus(t, res, body, http.StatusSeeOther)
	res, body = e.post(cc, proj+"/articles", url.Values{"title": {"Site B readings"}})
	wantStatus(t, res, body, http.StatusSeeOther)
	res, body = e.post(vc, proj+"/notes", url.Values{"text": {"A viewer's note"}})
	wantStatus(t, res, body, http.StatusForbidden)
	res, body = e.get(vc, proj)
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "Logger B replaced.", "Site B readings", "viewer")
	res, body = e.get(vc, "/account/projects")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "Valley campaign")
	res, body = e.post(oc, proj+"/publish", nil)
	wantStatus(t, res, body, http.StatusUnprocessableEntity)
	res, body = e.post(vc, proj+"/leave", nil)
	wantStatus(t, res, body, http.StatusSeeOther)
	res, body = e.get(vc, proj)
	wantStatus(t, res, body, http.StatusNotFound)
}
