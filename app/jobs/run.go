package jobs

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"strings"

	"carrel/app"
)

// run runs j once and records it. It returns ECONFLICT (after recording a
// skipped run when the trigger is the schedule) if j is already running.
func (s *Scheduler) run(ctx context.Context, j *job, trigger string) (app.JobRun, error) {
	if !j.busy.TryLock() {
		return app.JobRun{}, s.skip(ctx, j, trigger, app.Errorf(app.ECONFLICT, "job %s is already running in this process", j.name))
	}
	defer j.busy.Unlock()
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return app.JobRun{}, app.Errorf(app.ECONFLICT, "Carrel is shutting down; job %s did not start", j.name)
	}
	s.running.Add(1)
	s.mu.Unlock()
	defer s.running.Done()
	run, err := s.store.StartJobRun(ctx, j.name, trigger, os.Getpid())
	if app.ErrorCode(err) == app.ECONFLICT {
		return app.JobRun{}, s.skip(ctx, j, trigger, err)
	} else if err != nil {
		return app.JobRun{}, err
	}

	s.log.Info("job started", "job", j.name, "run", run.ID, "trigger", trigger)
	err = s.call(ctx, j, &run.Report)
	run.Outcome = app.JobOK
	switch {
	case err != nil:
		run.Outcome, run.Error = app.JobFailed, err.Error()
	case len(run.Report.Problems) > 0:
		run.Outcome, run.Error = app.JobFailed, fmt.Sprintf("%d problem(s): %s", len(run.Report.Problems), run.Report.Problems[0])
	}
	// The record must be written even when ctx was cancelled by shutdown.
	if err := s.store.FinishJobRun(context.WithoutCancel(ctx), run); err != nil {
		return *run, err
	}
	if run.Outcome == app.JobOK {
		s.log.Info("job finished", "job", j.name, "run", run.ID, "took", run.Finished.Sub(run.Started), "counts", run.Report.Counts)
	} else {
		s.log.Error("job failed", "job", j.name, "run", run.ID, "err", run.Error, "problems", strings.Join(run.Report.Problems, "; "))
	}
	if s.OnFinish != nil {
		s.OnFinish(*run)
	}
	return *run, nil
}

// call runs the job function, turning a panic into a failed run rather
// than a dead server.
func (s *Scheduler) call(ctx context.Context, j *job, r *app.JobReport) (err error) {
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("job panicked", "job", j.name, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return j.fn(ctx, r)
}

// skip records a scheduled run that could not start because another is
// going; a run by hand is refused without a record.
func (s *Scheduler) skip(ctx context.Context, j *job, trigger string, why error) error {
	if trigger == BySchedule {
		s.log.Warn("job skipped: the previous run is still going", "job", j.name)
		if err := s.store.RecordSkippedRun(context.WithoutCancel(ctx), j.name, trigger, app.ErrorMessage(why)); err != nil {
			return err
		}
	}
	return why
}

// Status describes every job: summary, schedule, next and last run.
func (s *Scheduler) Status(ctx context.Context) ([]app.JobStatus, error) {
	last, err := s.store.LastJobRuns(ctx)
	if err != nil {
		return nil, err
	}
	var out []app.JobStatus
	for _, name := range s.Names() {
		j := s.jobs[name]
		st := app.JobStatus{Name: name, Summary: j.summary, Schedule: j.schedule.Spec, Enabled: j.schedule.Enabled}
		if j.entry != 0 {
			st.Next = s.cron.Entry(j.entry).Next
		}
		if r, ok := last[name]; ok {
			st.Last = &r
		}
		out = append(out, st)
	}
	return out, nil
}

// Runs lists the named job's runs, newest first; ENOTFOUND for an unknown job.
func (s *Scheduler) Runs(ctx context.Context, name string, limit int) ([]app.JobRun, error) {
	if _, ok := s.jobs[name]; !ok {
		return nil, app.Errorf(app.ENOTFOUND, "no job named %q", name)
	}
	return s.store.JobRuns(ctx, name, limit)
}
