package main

import (
	"fmt"
	"strings"
	"testing"
)

// TestProjectLifeCycle drives a project through create, collaborators with
// both roles, notes, items, leaving and publishing over the real server.
func TestProjectLifeCycle(t *testing.T) {
	s := startServer(t)
	owner := s.account("owner@example.edu", false)
	colab := s.account("colab@example.edu", false)
	viewer := s.account("viewer@example.edu", false)
	outsider := s.account("outsider@example.edu", false)

	var created struct {
		EntityID int64  `json:"entity_id"`
		Location string `json:"location"`
	}
	s.do("POST", "/v2/account/projects", owner, map[string]any{"title": "Valley hydrology", "description": "Field campaign 2024",
		"funding": "Research council grant 42"}).want(t, 201).JSON(t, &created)
	id := created.EntityID
	own := fmt.Sprintf("/v2/account/projects/%d", id)

	t.Run("BadInput", func(t *testing.T) {
		s.do("POST", "/v2/account/projects", owner, map[string]any{"title": "Valid", "colour": "red"}).want(t, 422)
		s.do("POST", "/v2/account/projects", owner, map[string]any{"title": "ab"}).want(t, 422)
		s.do("POST", "/v2/account/projects", owner, map[string]any{"description": "no title"}).want(t, 422)
		s.do("POST", own+"/collaborators", owner, map[string]any{"role_name": "admin", "email": "colab@example.edu"}).want(t, 422)
		s.do("POST", own+"/collaborators", owner, map[string]any{"role_name": "viewer", "email": "nobody@example.edu"}).want(t, 422)
		s.do("POST", own+"/collaborators", owner, map[string]any{"role_name": "viewer"}).want(t, 422)
		s.do("POST", own+"/notes", owner, map[string]any{"text": "  "}).want(t, 422)
		s.do("GET", own, outsider, nil).want(t, 404)
		s.do("PUT", own, outsider, map[string]any{"title": "Taken"}).want(t, 404)
		s.do("GET", fmt.Sprintf("/v2/projects/%d", id), "", nil).want(t, 404)
		s.do("POST", own+"/leave", owner, nil).want(t, 403)
	})

	var me struct{ ID int64 }
	s.do("POST", own+"/collaborators", owner, map[string]any{"role_name": "collaborator", "email": "colab@example.edu"}).want(t, 201)
	s.do("POST", own+"/collaborators", owner, map[string]any{"role_name": "viewer", "email": "viewer@example.edu"}).want(t, 201)
	var collabs []struct {
		UserID   int64  `json:"user_id"`
		RoleName string `json:"role_name"`
	}
	s.do("GET", own+"/collaborators", viewer, nil).want(t, 200).JSON(t, &collabs)
	if len(collabs) != 3 || collabs[0].RoleName != "Owner" || collabs[1].RoleName != "Collaborator" || collabs[2].RoleName != "Viewer" {
		t.Fatalf("collaborators %+v", collabs)
	}
	_ = me

	t.Run("Roles", func(t *testing.T) {
		var list []struct {
			ID   int64  `json:"id"`
			Role string `json:"role"`
		}
		s.do("GET", "/v2/account/projects", viewer, nil).want(t, 200).JSON(t, &list)
		if len(list) != 1 || list[0].ID != id || list[0].Role != "Viewer" {
			t.Fatalf("viewer's projects %+v", list)
		}
		s.do("PATCH", own, colab, map[string]any{"description": "Field campaign 2024, all sites"}).want(t, 205)
		s.do("PATCH", own, viewer, map[string]any{"description": "Vandalised"}).want(t, 403)
		s.do("POST", own+"/notes", viewer, map[string]any{"text": "A viewer's note"}).want(t, 403)
		s.do("POST", own+"/articles", viewer, map[string]any{"title": "A viewer's item"}).want(t, 403)
		s.do("POST", own+"/collaborators", colab, map[string]any{"role_name": "viewer", "email": "outsider@example.edu"}).want(t, 403)
		s.do("POST", own+"/publish", colab, nil).want(t, 403)
		s.do("DELETE", own, viewer, nil).want(t, 403)
	})

	var noteLoc struct{ Location string }
	s.do("POST", own+"/notes", colab, map[string]any{"text": "Site B logger replaced on 3 May."}).want(t, 201).JSON(t, &noteLoc)
	t.Run("Notes", func(t *testing.T) {
		var note struct {
			Text     string `json:"text"`
			Abstract string `json:"abstract"`
		}
		s.do("GET", noteLoc.Location, viewer, nil).want(t, 200).JSON(t, &note)
		if note.Text != "Site B logger replaced on 3 May." || note.Abstract == "" {
			t.Fatalf("note %+v", note)
		}
		s.do("PUT", noteLoc.Location, viewer, map[string]any{"text": "x"}).want(t, 403)
		s.do("PUT", noteLoc.Location, colab, map[string]any{"text": "Site B logger replaced on 4 May."}).want(t, 205)
		var notes []map[string]any
		s.do("GET", own+"/notes", owner, nil).want(t, 200).JSON(t, &notes)
		if len(notes) != 1 || notes[0]["text"] != nil {
			t.Fatalf("notes listing %v", notes)
		}
		s.do("GET", noteLoc.Location, outsider, nil).want(t, 404)
	})

	var itemLoc struct{ Location string }
	s.do("POST", own+"/articles", colab, map[string]any{"title": "Site B readings", "defined_type": "dataset", "license": 1,
		"authors": []map[string]string{{"name": "Colab Person"}}}).want(t, 201).JSON(t, &itemLoc)
	itemID := itemLoc.Location[strings.LastIndex(itemLoc.Location, "/")+1:]
	t.Run("Items", func(t *testing.T) {
		var arts []struct{ ID int64 }
		s.do("GET", own+"/articles", viewer, nil).want(t, 200).JSON(t, &arts)
		if len(arts) != 1 {
			t.Fatalf("project articles %+v", arts)
		}
		var art struct {
			Title string `json:"title"`
		}
		s.do("GET", itemLoc.Location, viewer, nil).want(t, 200).JSON(t, &art)
		if art.Title != "Site B readings" {
			t.Fatalf("article %+v", art)
		}
		s.do("GET", itemLoc.Location+"/files", viewer, nil).want(t, 200)
		s.do("GET", itemLoc.Location, outsider, nil).want(t, 404)
		s.do("GET", "/v2/account/articles/"+itemID, viewer, nil).want(t, 404) // the item is edited by its depositor only
		s.do("GET", fmt.Sprintf("/v2/projects/%d/articles", id), "", nil).want(t, 404)
	})

	t.Run("PublishNeedsPublicItems", func(t *testing.T) {
		s.do("POST", own+"/publish", owner, nil).want(t, 422)
		s.do("POST", "/v2/account/articles/"+itemID+"/publish", colab, nil).want(t, 201)
		var msg struct{ Message string }
		s.do("POST", own+"/publish", owner, nil).want(t, 200).JSON(t, &msg)
		var pub struct {
			Title         string  `json:"title"`
			PublishedDate *string `json:"published_date"`
			AccountID     *int64  `json:"account_id"`
		}
		s.do("GET", fmt.Sprintf("/v2/projects/%d", id), "", nil).want(t, 200).JSON(t, &pub)
		if pub.PublishedDate == nil || pub.AccountID != nil {
			t.Fatalf("public project %+v", pub)
		}
		var arts []struct{ ID int64 }
		s.do("GET", fmt.Sprintf("/v2/projects/%d/articles", id), "", nil).want(t, 200).JSON(t, &arts)
		if len(arts) != 1 {
			t.Fatalf("public project articles %+v", arts)
		}
		var found []struct{ ID int64 }
		s.do("POST", "/v2/projects/search", "", map[string]any{"search_for": "valley"}).want(t, 200).JSON(t, &found)
		if len(found) != 1 {
			t.Fatalf("search %+v", found)
		}
		s.do("GET", fmt.Sprintf("/projects/x/%d", id), "", nil).want(t, 200)
		s.do("DELETE", own, owner, nil).want(t, 409)
	})

	t.Run("Leave", func(t *testing.T) {
		s.do("POST", own+"/leave", viewer, nil).want(t, 204)
		s.do("GET", own, viewer, nil).want(t, 404)
		s.do("POST", own+"/leave", viewer, nil).want(t, 404)
		s.do("DELETE", fmt.Sprintf("%s/collaborators/%d", own, collabs[1].UserID), owner, nil).want(t, 204)
		s.do("GET", own+"/notes", colab, nil).want(t, 404)
		s.do("DELETE", fmt.Sprintf("%s/collaborators/%d", own, collabs[1].UserID), owner, nil).want(t, 404)
	})

	t.Run("DeleteDraftProject", func(t *testing.T) {
		var c struct {
			EntityID int64 `json:"entity_id"`
		}
		s.do("POST", "/v2/account/projects", owner, map[string]any{"title": "Scratch project"}).want(t, 201).JSON(t, &c)
		s.do("DELETE", fmt.Sprintf("/v2/account/projects/%d", c.EntityID), owner, nil).want(t, 204)
		s.do("GET", fmt.Sprintf("/v2/account/projects/%d", c.EntityID), owner, nil).want(t, 404)
	})
}
