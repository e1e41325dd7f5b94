package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"carrel/app"
)

// UpdateProfile changes an account's names and ORCID iD and audits the
// change. EUNPROCESSABLE for invalid input, ENOTFOUND for a missing
// account.
func (db *DB) UpdateProfile(ctx context.Context, id int64, p app.ProfileUpdate, who app.AuditEntry) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		a, err := scanAccount(tx.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = ?`, id))
		if err != nil {
			return notFound(err, "account %d not found", id)
		}
		old := *a
		if p.FirstName != nil {
			a.FirstName = strings.TrimSpace(*p.FirstName)
		}
		if p.LastName != nil {
			a.LastName = strings.TrimSpace(*p.LastName)
		}
		if p.ORCID != nil {
			a.ORCID = app.NormalizeORCID(*p.ORCID)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET first_name = ?, last_name = ?, orcid = ? WHERE id = ?`,
			a.FirstName, a.LastName, a.ORCID, id); err != nil {
			return err
		}
		return auditIn(ctx, tx, db, who, "account.profile", fmt.Sprintf("account:%d", id),
			fmt.Sprintf("name=%q->%q orcid=%q->%q", old.FullName(), a.FullName(), old.ORCID, a.ORCID))
	})
}

// metadataPublic holds for an item i whose published metadata everyone may
// read (app.PublicView at least ViewMetadata, or a tombstone); its one
// parameter is now.
const metadataPublic = `(i.status = 'withdrawn' OR (i.status = 'public' AND i.version > 0
	AND NOT (i.embargo_type = 'article' AND (i.embargo_until = '' OR i.embargo_until > ?))))`

// authorsVisible are the author ids named on published items whose
// metadata is public (pub) and on the drafts of the viewer's own items
// (mine), for the author search. Parameters: now, viewer, all, viewer.
const authorsVisible = `WITH pub(id) AS (
		SELECT DISTINCT json_extract(j.value, '$.id') FROM items i JOIN versions v ON v.item_id = i.id, json_each(v.metadata, '$.authors') j
		WHERE ` + metadataPublic + `),
	mine(id) AS (
		SELECT DISTINCT json_extract(j.value, '$.id') FROM items i, json_each(i.draft, '$.authors') j WHERE i.account_id = ?)
	SELECT a.id, a.full_name, a.first_name, a.last_name, a.orcid, a.account_id, COALESCE(acc.group_id, 0), a.id IN (SELECT id FROM pub)
	FROM authors a LEFT JOIN accounts acc ON acc.id = a.account_id
	WHERE (? OR a.account_id = ? OR a.id IN (SELECT id FROM pub) OR a.id IN (SELECT id FROM mine))`

func scanAuthorRecord(row interface{ Scan(...any) error }) (app.AuthorRecord, error) {
	var a app.AuthorRecord
	err := row.Scan(&a.ID, &a.FullName, &a.FirstName, &a.LastName, &a.ORCID, &a.AccountID, &a.GroupID, &a.Public)
	return a, err
}

// SearchAuthors lists the recorded authors q selects that its viewer may
// see, by id.
func (db *DB) SearchAuthors(ctx context.Context, q app.AuthorQuery) ([]app.AuthorRecord, error) {
	query, args := authorsVisible, []any{db.stamp(), q.Viewer, q.All, q.Viewer}
	if app.ValidORCID(q.Text) {
		query, args = query+` AND a.orcid = ? AND a.orcid != ''`, append(args, app.NormalizeORCID(q.Text))
	} else {
		var where []string
		likeWords("a.full_name", q.Text, &where, &args)
		for _, w := range where {
			query += " AND " + w
		}
	}
	if q.ORCID != "" {
		query, args = query+` AND a.orcid = ? AND a.orcid != ''`, append(args, app.NormalizeORCID(q.ORCID))
	}
	if q.GroupID != 0 {
		query, args = query+` AND acc.group_id = ?`, append(args, q.GroupID)
	}
	if q.IsPublic != nil {
		query, args = query+` AND (a.id IN (SELECT id FROM pub)) = ?`, append(args, *q.IsPublic)
	}
	query, args = query+` ORDER BY a.id LIMIT ? OFFSET ?`, append(args, q.Limit, q.Offset)
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := []app.AuthorRecord{}
	for rows.Next() {
		a, err := scanAuthorRecord(rows)
		if err != nil {
			return nil, translate(err)
		}
		out = append(out, a)
	}
	return out, translate(rows.Err())
}

// AuthorFor returns one recorded author if the viewer of q may see it;
// ENOTFOUND otherwise, so that ids do not leak.
func (db *DB) AuthorFor(ctx context.Context, q app.AuthorQuery, id int64) (app.AuthorRecord, error) {
	a, err := scanAuthorRecord(db.read.QueryRowContext(ctx, authorsVisible+` AND a.id = ?`, db.stamp(), q.Viewer, q.All, q.Viewer, id))
	if err != nil {
		return a, notFound(err, "author %d not found", id)
	}
	return a, nil
}

// SearchFunding lists distinct grants recorded on the viewer's own items
// (their drafts) and on the latest versions of published items whose
// metadata is public, matching the text in title, grant code or funder.
func (db *DB) SearchFunding(ctx context.Context, q app.FundingQuery) ([]app.Funding, error) {
	like := "%" + likeEscape(q.Text) + "%"
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT f FROM (
			SELECT j.value AS f FROM items i, json_each(i.draft, '$.funding_list') j WHERE i.account_id = ?
			UNION ALL
			SELECT j.value FROM items i JOIN versions v ON v.item_id = i.id AND v.version = i.version, json_each(v.metadata, '$.funding_list') j
			WHERE `+metadataPublic+`)
		WHERE json_extract(f, '$.title') LIKE ? ESCAPE '\' OR json_extract(f, '$.grant_code') LIKE ? ESCAPE '\'
			OR json_extract(f, '$.funder_name') LIKE ? ESCAPE '\'
		ORDER BY json_extract(f, '$.title'), json_extract(f, '$.grant_code') LIMIT ?`, q.Viewer, db.stamp(), like, like, like, q.Limit)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := []app.Funding{}
	seen := map[app.Funding]bool{}
	for rows.Next() {
		var body string
		var f app.Funding
		if err := rows.Scan(&body); err != nil {
			return nil, translate(err)
		}
		if json.Unmarshal([]byte(body), &f) != nil || seen[f] {
			continue
		}
		seen[f] = true
		out = append(out, f)
	}
	return out, translate(rows.Err())
}
