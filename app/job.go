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
	Outcome  string    // "running", "ok" or "failed"
	Error    string
	Report   JobReport
}
