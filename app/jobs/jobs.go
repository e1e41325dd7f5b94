// Package jobs runs Carrel's scheduled work on robfig/cron: a registry of
// named jobs, each an app.JobFunc with a cron schedule, every run recorded
// in the catalog. One run of a job at a time, across every process that
// shares the catalog: a scheduled run that finds the previous one still
// going is skipped and recorded as skipped.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"sort"
	"sync"
	"syscall"

	"github.com/robfig/cron/v3"

	"carrel/app"
)

// Store records job runs; the catalog implements it.
type Store interface {
	// StartJobRun records a started run; ECONFLICT if one is running.
	StartJobRun(ctx context.Context, job, trigger string, pid int) (*app.JobRun, error)
	RecordSkippedRun(ctx context.Context, job, trigger, reason string) error
	// FinishJobRun records the end of a started run; ENOTFOUND if it is not running.
	FinishJobRun(ctx context.Context, run *app.JobRun) error
	AbandonJobRuns(ctx context.Context, alive func(pid int) bool) (int, error)
	LastJobRuns(ctx context.Context) (map[string]app.JobRun, error)
	JobRuns(ctx context.Context, job string, limit int) ([]app.JobRun, error)
}

// Schedule is when a job runs by itself.
type Schedule struct {
	Spec    string // cron expression ("30 2 * * *") or descriptor ("@daily", "@every 6h")
	Enabled bool   // false: the job runs only when started by hand
}

// Triggers of a run.
const (
	BySchedule = "schedule"
	ByHand     = "manual"
)

// Scheduler is the registry of jobs and, once started, their clock.
type Scheduler struct {
	store Store
	log   *slog.Logger
	jobs  map[string]*job
	cron  *cron.Cron
	// OnFinish, if set, is told of every finished run (metrics use it).
	OnFinish func(run app.JobRun)

	mu      sync.Mutex // guards stopped and running.Add
	stopped bool
	running sync.WaitGroup
	ctx     context.Context // cancelled when Stop gives up waiting
	cancel  context.CancelFunc
}

type job struct {
	name, summary string
	schedule      Schedule
	fn            app.JobFunc
	entry         cron.EntryID
	busy          sync.Mutex // held while a run is in this process
}

var validName = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

// New returns an empty scheduler that records runs in store.
func New(store Store, log *slog.Logger) *Scheduler {
	ctx, cancel := context.WithCancel(context.Background())
	return &Scheduler{store: store, log: log, jobs: map[string]*job{}, ctx: ctx, cancel: cancel,
		cron: cron.New(cron.WithLogger(cron.DiscardLogger))}
}

// Add registers a job. name is lower-case words joined by hyphens (it is
// the [jobs.<name>] config section); the schedule must parse even when
// the job is disabled, so a typo is found at start.
func (s *Scheduler) Add(name, summary string, sched Schedule, fn app.JobFunc) error {
	if !validName.MatchString(name) {
		return app.Errorf(app.EINVALID, "job name %q: use lower-case letters, digits and hyphens", name)
	}
	if _, dup := s.jobs[name]; dup {
		return app.Errorf(app.ECONFLICT, "job %s is registered twice", name)
	}
	if sched.Spec != "" {
		if _, err := cron.ParseStandard(sched.Spec); err != nil {
			return app.Errorf(app.EINVALID, "[jobs.%s] schedule %q: %v", name, sched.Spec, err)
		}
	} else if sched.Enabled {
		return app.Errorf(app.EINVALID, "[jobs.%s] is enabled but has no schedule", name)
	}
	s.jobs[name] = &job{name: name, summary: summary, schedule: sched, fn: fn}
	return nil
}

// Names lists the registered jobs in order.
func (s *Scheduler) Names() []string {
	names := make([]string, 0, len(s.jobs))
	for n := range s.jobs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Start marks failed the runs a stopped process left running, and starts
// running the enabled jobs on their schedules.
func (s *Scheduler) Start(ctx context.Context) error {
	if err := s.abandon(ctx, false); err != nil {
		return err
	}
	for _, name := range s.Names() {
		j := s.jobs[name]
		if !j.schedule.Enabled {
			continue
		}
		id, err := s.cron.AddFunc(j.schedule.Spec, func() { s.scheduled(j) })
		if err != nil {
			return fmt.Errorf("job %s: %w", name, err)
		}
		j.entry = id
	}
	s.cron.Start()
	return nil
}

// Stop stops the clock and waits for running jobs to finish. When ctx ends
// first, it cancels the runs' contexts and waits for them to return.
func (s *Scheduler) Stop(ctx context.Context) {
	s.cron.Stop()
	s.mu.Lock()
	s.stopped = true
	s.mu.Unlock()
	done := make(chan struct{})
	go func() { s.running.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		s.log.Warn("jobs: shutdown timeout reached; cancelling running jobs")
		s.cancel()
		<-done
	}
	s.cancel()
}

// abandon marks failed every run recorded as running by a process that is
// gone. At start (selfAlive false) a run recorded under this process's own
// pid belongs to an earlier process: a container restarts its server as
// pid 1 again.
func (s *Scheduler) abandon(ctx context.Context, selfAlive bool) error {
	self := os.Getpid()
	n, err := s.store.AbandonJobRuns(ctx, func(pid int) bool {
		if pid == self {
			return selfAlive
		}
		if pid <= 0 {
			return false
		}
		err := syscall.Kill(pid, 0)
		return err == nil || errors.Is(err, syscall.EPERM)
	})
	if n > 0 {
		s.log.Warn("jobs: marked interrupted runs as failed", "runs", n)
	}
	return err
}

func (s *Scheduler) scheduled(j *job) {
	if _, err := s.run(s.ctx, j, BySchedule); err != nil && app.ErrorCode(err) != app.ECONFLICT {
		s.log.Error("jobs: could not run", "job", j.name, "err", err)
	}
}

// Run runs the named job now and returns its record; the run's own failure
// is in the record's Outcome and Error. It fails with ENOTFOUND for an
// unknown job and ECONFLICT when the job is already running.
func (s *Scheduler) Run(ctx context.Context, name string) (app.JobRun, error) {
	j, ok := s.jobs[name]
	if !ok {
		return app.JobRun{}, app.Errorf(app.ENOTFOUND, "no job named %q (carrel jobs list shows them)", name)
	}
	if err := s.abandon(ctx, true); err != nil {
		return app.JobRun{}, err
	}
	return s.run(ctx, j, ByHand)
}
