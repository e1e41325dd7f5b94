package api

import (
	"net/http"
	"slices"

	"carrel/app"
)

// The edits that the authors and categories sub-resources of items,
// collections and projects share.

// setAuthors adds (POST) or replaces (PUT) a draft's authors.
func setAuthors(r *http.Request, md *app.Metadata, body *draftPart) error {
	if body.Authors == nil {
		return app.Errorf(app.EUNPROCESSABLE, "authors is required")
	}
	in := articleInput{Authors: body.Authors}
	next := *md
	if err := in.apply(&next, &vocabulary{}); err != nil {
		return err
	}
	if r.Method == http.MethodPost {
		next.Authors = append(append([]app.Author{}, md.Authors...), next.Authors...)
	}
	md.Authors = next.Authors
	return nil
}

// removeAuthor removes one author; ENOTFOUND if the draft does not name it.
func removeAuthor(md *app.Metadata, id int64, what string) error {
	n := len(md.Authors)
	md.Authors = slices.DeleteFunc(append([]app.Author{}, md.Authors...), func(a app.Author) bool { return a.ID == id })
	if len(md.Authors) == n {
		return app.Errorf(app.ENOTFOUND, "author %d is not an author of this %s", id, what)
	}
	return nil
}

// setCategories adds (POST) or replaces (PUT) a draft's categories.
func setCategories(r *http.Request, md *app.Metadata, body *draftPart) error {
	if body.Categories == nil {
		return app.Errorf(app.EUNPROCESSABLE, "categories is required")
	}
	if r.Method == http.MethodPost {
		md.Categories = append(append([]int64{}, md.Categories...), *body.Categories...)
	} else {
		md.Categories = append([]int64{}, *body.Categories...)
	}
	return nil
}

// removeCategory removes one category; ENOTFOUND if the draft lacks it.
func removeCategory(md *app.Metadata, id int64, what string) error {
	n := len(md.Categories)
	md.Categories = slices.DeleteFunc(append([]int64{}, md.Categories...), func(c int64) bool { return c == id })
	if len(md.Categories) == n {
		return app.Errorf(app.ENOTFOUND, "category %d is not a category of this %s", id, what)
	}
	return nil
}
