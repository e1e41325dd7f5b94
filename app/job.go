package app

import (
	"context"
	"fmt"
	"time"
)

// JobFunc is one run of a scheduled job. It records what it did in the
// report and returns an error when the run as a whole failed; problems with
// single things (a file that failed its fixity check, a bag that could not
// be written) go in the report and make the run fail too.
type JobFunc func(ctx context.Context, r *JobReport) error

// JobReport is what a job run tells the scheduler and the administrators.
type JobReport struct {
	Counts   map[string]int64 // e.g. "bags_written", "bytes_verified"
	Problems []string         // one line per thing that went wrong
}

// Add adds n to the named count.
func (r *JobReport) Add(name string, n int64) {
	if r.Counts == nil {
		r.Counts = map[string]int64{}
	}
	r.Counts[name] += n
}

// Problem records one thing that went wrong.
func (r *JobReport) Problem(format string, args ...any) {
	r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
}

// JobRun is the record of one run of a job.
type JobRun struct {
	ID       int64
	Job      string
	Trigger  string // "schedule" or "manual"
	Started  time.Time
	Finished time.Time // zero while running
	Outcome  string    // JobRunning, JobOK, JobFailed or JobSkipped
	Error    string
	Report   JobReport
}

// Outcomes of a job run.
const (
	JobRunning = "running"
	JobOK      = "ok"
	JobFailed  = "failed"
	// JobSkipped records a scheduled run that did not start because the
	// previous run of the same job was still going.
	JobSkipped = "skipped"
)

// JobStatus describes one registered job for the administrators: what it
// does, when it runs, and how its last run went.
type JobStatus struct {
	Name     string
	Summary  string
	Schedule string    // a cron expression or descriptor ("@daily"); empty when unscheduled
	Enabled  bool      // false: runs only when started by hand
	Next     time.Time // zero when not scheduled in this process
	Last     *JobRun   // nil before the first run
}

// JobBoard shows the scheduled jobs and their runs to administrators; the
// scheduler implements it for the HTTP packages.
type JobBoard interface {
	Status(ctx context.Context) ([]JobStatus, error)
	// Runs lists a job's runs, newest first; ENOTFOUND for an unknown job.
	Runs(ctx context.Context, name string, limit int) ([]JobRun, error)
}
