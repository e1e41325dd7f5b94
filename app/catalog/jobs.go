package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"carrel/app"
)

// jobReport is how a run's report is stored: JSON with counts and problems.
type jobReport struct {
	Counts   map[string]int64 `json:"counts"`
	Problems []string         `json:"problems"`
}

// StartJobRun records that a run of job began in process pid. It fails with
// ECONFLICT if a run of the same job is still going, in this process or
// another one sharing the catalog.
func (db *DB) StartJobRun(ctx context.Context, job, trigger string, pid int) (*app.JobRun, error) {
	run := &app.JobRun{Job: job, Trigger: trigger, Started: db.now(), Outcome: app.JobRunning}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var id int64
		var started string
		err := tx.QueryRowContext(ctx, `SELECT id, started FROM job_runs WHERE job = ? AND outcome = 'running'`, job).Scan(&id, &started)
		if err == nil {
			return app.Errorf(app.ECONFLICT, "job %s is already running (run %d, started %s)", job, id, started)
		} else if err != sql.ErrNoRows {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO job_runs (job, trigger, started, outcome, pid) VALUES (?, ?, ?, 'running', ?)`,
			job, trigger, formatTime(run.Started), pid)
		if err != nil {
			return err
		}
		run.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return nil, err
	}
	return run, nil
}

// RecordSkippedRun records a run of job that did not start, and why.
func (db *DB) RecordSkippedRun(ctx context.Context, job, trigger, reason string) error {
	now := db.stamp()
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO job_runs (job, trigger, started, finished, outcome, error) VALUES (?, ?, ?, ?, 'skipped', ?)`,
			job, trigger, now, now, reason)
		return err
	})
}

// FinishJobRun records the end of a run started by StartJobRun: its
// outcome, error and report. It sets run.Finished.
func (db *DB) FinishJobRun(ctx context.Context, run *app.JobRun) error {
	if run.Outcome != app.JobOK && run.Outcome != app.JobFailed {
		return app.Errorf(app.EINVALID, "a finished run is ok or failed, not %q", run.Outcome)
	}
	report, err := json.Marshal(jobReport{Counts: run.Report.Counts, Problems: run.Report.Problems})
	if err != nil {
		return app.Internal(err, "job report")
	}
	run.Finished = db.now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE job_runs SET finished = ?, outcome = ?, error = ?, report = ? WHERE id = ? AND outcome = 'running'`,
			formatTime(run.Finished), run.Outcome, run.Error, string(report), run.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return app.Errorf(app.ENOTFOUND, "no running job run %d", run.ID)
		}
		return nil
	})
}

// AbandonJobRuns marks failed every run still recorded as running whose
// process is gone (alive reports false for its pid): a crash or a kill
// interrupted it. It returns how many it marked.
func (db *DB) AbandonJobRuns(ctx context.Context, alive func(pid int) bool) (int, error) {
	var n int
	err := db.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, pid FROM job_runs WHERE outcome = 'running'`)
		if err != nil {
			return err
		}
		var dead []int64
		for rows.Next() {
			var id int64
			var pid int
			if err := rows.Scan(&id, &pid); err != nil {
				rows.Close()
				return err
			}
			if !alive(pid) {
				dead = append(dead, id)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range dead {
			if _, err := tx.ExecContext(ctx, `UPDATE job_runs SET outcome = 'failed', finished = ?,
				error = 'interrupted: the process running it stopped before the run ended' WHERE id = ?`, db.stamp(), id); err != nil {
				return err
			}
		}
		n = len(dead)
		return nil
	})
	return n, err
}

// JobRuns lists the runs of job, newest first; limit 0 means 50.
func (db *DB) JobRuns(ctx context.Context, job string, limit int) ([]app.JobRun, error) {
	if limit <= 0 {
		limit = 50
	}
	return db.queryJobRuns(ctx, `WHERE job = ? ORDER BY id DESC LIMIT ?`, job, limit)
}

// LastJobRuns returns the latest run of every job that has run, by job.
func (db *DB) LastJobRuns(ctx context.Context) (map[string]app.JobRun, error) {
	runs, err := db.queryJobRuns(ctx, `WHERE id IN (SELECT max(id) FROM job_runs GROUP BY job)`)
	if err != nil {
		return nil, err
	}
	out := make(map[string]app.JobRun, len(runs))
	for _, r := range runs {
		out[r.Job] = r
	}
	return out, nil
}

func (db *DB) queryJobRuns(ctx context.Context, where string, args ...any) ([]app.JobRun, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, job, trigger, started, finished, outcome, error, report FROM job_runs `+where, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []app.JobRun
	for rows.Next() {
		var r app.JobRun
		var started, finished, report string
		if err := rows.Scan(&r.ID, &r.Job, &r.Trigger, &started, &finished, &r.Outcome, &r.Error, &report); err != nil {
			return nil, translate(err)
		}
		r.Started, r.Finished = parseTime(started), parseTime(finished)
		var rep jobReport
		if err := json.Unmarshal([]byte(report), &rep); err != nil {
			return nil, app.Internal(err, fmt.Sprintf("job run %d report", r.ID))
		}
		r.Report = app.JobReport{Counts: rep.Counts, Problems: rep.Problems}
		out = append(out, r)
	}
	return out, translate(rows.Err())
}

// VacuumInto writes a consistent, compacted copy of the catalog to path
// (which must not exist or be empty) without stopping readers or writers.
func (db *DB) VacuumInto(ctx context.Context, path string) error {
	_, err := db.read.ExecContext(ctx, `VACUUM INTO ?`, path)
	return translate(err)
}

// SchemaVersion is the number of the last migration applied.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.read.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v)
	return v, translate(err)
}

// KnownSchemaVersion is the number of the newest migration this build
// carries.
func KnownSchemaVersion() int {
	names, _ := fs.Glob(migrations, "migrations/*.sql")
	max := 0
	for _, name := range names {
		n, _ := strconv.Atoi(strings.SplitN(strings.TrimPrefix(name, "migrations/"), "_", 2)[0])
		if n > max {
			max = n
		}
	}
	return max
}
