package catalog

import (
	"context"

	"carrel/app"
)

const accountReportColumns = `id, account_id, group_id, status, storage_key, size, created_at`

func scanAccountReport(row interface{ Scan(...any) error }) (app.AccountReport, error) {
	var r app.AccountReport
	var created string
	err := row.Scan(&r.ID, &r.AccountID, &r.GroupID, &r.Status, &r.StorageKey, &r.Size, &created)
	r.Created = parseTime(created)
	return r, err
}

// AddAccountReport records a report whose file is stored, and sets its id
// and creation time.
func (db *DB) AddAccountReport(ctx context.Context, r *app.AccountReport) error {
	r.Created = db.now()
	res, err := db.write.ExecContext(ctx, `INSERT INTO account_reports (account_id, group_id, status, storage_key, size, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, r.AccountID, r.GroupID, r.Status, r.StorageKey, r.Size, formatTime(r.Created))
	if err != nil {
		return translate(err)
	}
	r.ID, err = res.LastInsertId()
	return translate(err)
}

// AccountReports lists an account's reports, newest first; groupID, when
// not 0, keeps those limited to that group.
func (db *DB) AccountReports(ctx context.Context, accountID, groupID int64) ([]app.AccountReport, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+accountReportColumns+` FROM account_reports
		WHERE account_id = ? AND (? = 0 OR group_id = ?) ORDER BY id DESC`, accountID, groupID, groupID)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := []app.AccountReport{}
	for rows.Next() {
		r, err := scanAccountReport(rows)
		if err != nil {
			return nil, translate(err)
		}
		out = append(out, r)
	}
	return out, translate(rows.Err())
}

// AccountReport returns one report; ENOTFOUND if none.
func (db *DB) AccountReport(ctx context.Context, id int64) (app.AccountReport, error) {
	r, err := scanAccountReport(db.read.QueryRowContext(ctx, `SELECT `+accountReportColumns+` FROM account_reports WHERE id = ?`, id))
	if err != nil {
		return r, notFound(err, "report %d not found", id)
	}
	return r, nil
}
