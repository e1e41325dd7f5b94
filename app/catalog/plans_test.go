package catalog

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestAuthorByORCIDUsesTheIndex checks the query plan of the lookup every
// item create makes for each author with an ORCID iD: it must search the
// partial index on authors.orcid, not scan the table, whose rows grow with
// the catalog (the scan cost 100 ms a create at a million authors).
func TestAuthorByORCIDUsesTheIndex(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "catalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.read.QueryContext(ctx, "EXPLAIN QUERY PLAN "+authorColumns+authorByORCID, "0000-0002-1825-0097")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(plan, "; "); !strings.Contains(got, "USING INDEX authors_orcid") {
		t.Errorf("the author lookup by ORCID iD does not use authors_orcid: %s", got)
	}
}
