package catalog

import (
	"context"

	"carrel/app"
)

// AuthorByID returns a recorded author: a person named on some item. It
// says nothing of which items name them, nor whether any is public; callers
// showing an author to the public must check that themselves. ENOTFOUND if
// none.
func (db *DB) AuthorByID(ctx context.Context, id int64) (*app.Author, error) {
	var a app.Author
	err := db.read.QueryRowContext(ctx, `SELECT id, full_name, first_name, last_name, orcid, account_id FROM authors WHERE id = ?`, id).
		Scan(&a.ID, &a.FullName, &a.FirstName, &a.LastName, &a.ORCID, &a.AccountID)
	if err != nil {
		return nil, notFound(err, "author %d not found", id)
	}
	return &a, nil
}
