package jobs

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"carrel/app"
	"carrel/app/catalog"
)

func newScheduler(t *testing.T) (*Scheduler, *catalog.DB) {
	t.Helper()
	db, err := catalog.Open(context.Background(), filepath.Join(t.TempDir(), "catalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return New(db, slog.New(slog.NewTextHandler(io.Discard, nil))), db
}

func TestAdd(t *testing.T) {
	s, _ := newScheduler(t)
	noop := func(context.Context, *app.JobReport) error { return nil }
	if err := s.Add("backup", "copy", Schedule{Spec: "@daily", Enabled: true}, noop); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		sch  Schedule
		code string
	}{
		{"backup", Schedule{}, app.ECONFLICT},
		{"Bad Name", Schedule{}, app.EINVALID},
		{"typo", Schedule{Spec: "61 * * * *"}, app.EINVALID},
		{"unscheduled", Schedule{Enabled: true}, app.EINVALID},
	} {
		if err := s.Add(tc.name, "", tc.sch, noop); app.ErrorCode(err) != tc.code {
			t.Errorf("Add(%q, %+v) = %v, want %s", tc.name, tc.sch, err, tc.code)
		}
	}
	if err := s.Add("by-hand", "", Schedule{}, noop); err != nil {
		t.Errorf("a job without a schedule runs by hand: %v", err)
	}
}

func TestRunRecords(t *testing.T) {
	s, _ := newScheduler(t)
	ctx := context.Background()
	s.Add("good", "", Schedule{}, func(_ context.Context, r *app.JobReport) error { r.Add("things", 3); return nil })
	s.Add("problems", "", Schedule{}, func(_ context.Context, r *app.JobReport) error {
		r.Problem("file 7: checksum mismatch")
		return nil
	})
	s.Add("error", "", Schedule{}, func(context.Context, *app.JobReport) error { return errors.New("disk full") })
	s.Add("panics", "", Schedule{}, func(context.Context, *app.JobReport) error { panic("boom") })
	var finished []string
	s.OnFinish = func(r app.JobRun) { finished = append(finished, r.Job+":"+r.Outcome) }

	for _, tc := range []struct{ job, outcome, errText string }{
		{"good", app.JobOK, ""},
		{"problems", app.JobFailed, "1 problem(s): file 7: checksum mismatch"},
		{"error", app.JobFailed, "disk full"},
		{"panics", app.JobFailed, "panic: boom"},
	} {
		run, err := s.Run(ctx, tc.job)
		if err != nil {
			t.Fatal(err)
		}
		if run.Outcome != tc.outcome || run.Error != tc.errText || run.Trigger != ByHand || run.Finished.IsZero() {
			t.Errorf("%s: got %+v", tc.job, run)
		}
		runs, err := s.Runs(ctx, tc.job, 10)
		if err != nil || len(runs) != 1 || runs[0].Outcome != tc.outcome || runs[0].Error != tc.errText {
			t.Errorf("%s: recorded %+v, %v", tc.job, runs, err)
		}
	}
	if len(finished) != 4 {
		t.Errorf("OnFinish told of %v", finished)
	}
	runs, _ := s.Runs(ctx, "good", 1)
	if got := runs[0].Report.Counts["things"]; got != 3 {
		t.Errorf("counts = %v", runs[0].Report.Counts)
	}
	st, err := s.Status(ctx)
	if err != nil || len(st) != 4 || st[0].Name != "error" || st[0].Last == nil || st[0].Last.Outcome != app.JobFailed {
		t.Errorf("status = %+v, %v", st, err)
	}
	if _, err := s.Run(ctx, "nope"); app.ErrorCode(err) != app.ENOTFOUND {
		t.Errorf("unknown job: %v", err)
	}
	if _, err := s.Runs(ctx, "nope", 1); app.ErrorCode(err) != app.ENOTFOUND {
		t.Errorf("runs of unknown job: %v", err)
	}
}

func TestOneRunAtATime(t *testing.T) {
	s, db := newScheduler(t)
	ctx := context.Background()
	started, release := make(chan struct{}), make(chan struct{})
	s.Add("slow", "", Schedule{}, func(context.Context, *app.JobReport) error {
		close(started)
		<-release
		return nil
	})
	done := make(chan app.JobRun)
	go func() { run, _ := s.Run(ctx, "slow"); done <- run }()
	<-started

	if _, err := s.Run(ctx, "slow"); app.ErrorCode(err) != app.ECONFLICT {
		t.Errorf("second run by hand: %v, want ECONFLICT", err)
	}
	if _, err := s.run(ctx, s.jobs["slow"], BySchedule); app.ErrorCode(err) != app.ECONFLICT {
		t.Errorf("scheduled run while running: %v, want ECONFLICT", err)
	}
	// Another process (another scheduler on the same catalog) is refused too.
	other := New(db, s.log)
	other.Add("slow", "", Schedule{}, func(context.Context, *app.JobReport) error { return nil })
	if _, err := other.Run(ctx, "slow"); app.ErrorCode(err) != app.ECONFLICT {
		t.Errorf("run from another scheduler: %v, want ECONFLICT", err)
	}
	close(release)
	if run := <-done; run.Outcome != app.JobOK {
		t.Errorf("first run: %+v", run)
	}
	runs, _ := s.Runs(ctx, "slow", 10)
	if len(runs) != 2 || runs[0].Outcome != app.JobSkipped || runs[0].Trigger != BySchedule || runs[1].Outcome != app.JobOK {
		t.Errorf("runs = %+v", runs)
	}
}

func TestAbandonedRuns(t *testing.T) {
	s, db := newScheduler(t)
	ctx := context.Background()
	s.Add("x", "", Schedule{}, func(context.Context, *app.JobReport) error { return nil })
	// A run of a process that is alive blocks; one of a dead process is
	// marked failed and no longer blocks.
	live, err := db.StartJobRun(ctx, "x", ByHand, os.Getppid())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Run(ctx, "x"); app.ErrorCode(err) != app.ECONFLICT {
		t.Fatalf("run while a live process runs it: %v", err)
	}
	live.Outcome = app.JobOK
	if err := db.FinishJobRun(ctx, live); err != nil {
		t.Fatal(err)
	}
	if _, err := db.StartJobRun(ctx, "x", ByHand, 1<<22+12345); err != nil {
		t.Fatal(err)
	}
	run, err := s.Run(ctx, "x")
	if err != nil || run.Outcome != app.JobOK {
		t.Fatalf("run after a dead process's run: %+v, %v", run, err)
	}
	runs, _ := s.Runs(ctx, "x", 10)
	if len(runs) != 3 || runs[1].Outcome != app.JobFailed || runs[1].Error == "" {
		t.Errorf("runs = %+v", runs)
	}
	// At start, a run recorded under this very pid is a previous process's.
	if _, err := db.StartJobRun(ctx, "x", ByHand, os.Getpid()); err != nil {
		t.Fatal(err)
	}
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	s.Stop(ctx)
	if runs, _ := s.Runs(ctx, "x", 1); runs[0].Outcome != app.JobFailed {
		t.Errorf("after start: %+v", runs[0])
	}
}

func TestStopWaitsForRuns(t *testing.T) {
	s, _ := newScheduler(t)
	ctx := context.Background()
	started, release := make(chan struct{}), make(chan struct{})
	s.Add("slow", "", Schedule{}, func(context.Context, *app.JobReport) error {
		close(started)
		<-release
		return nil
	})
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	go s.Run(ctx, "slow")
	<-started
	stopped := make(chan struct{})
	go func() { s.Stop(context.Background()); close(stopped) }()
	select {
	case <-stopped:
		t.Fatal("Stop returned while a job was running")
	default:
	}
	close(release)
	<-stopped
	if _, err := s.Run(ctx, "slow"); app.ErrorCode(err) != app.ECONFLICT {
		t.Errorf("run after Stop: %v", err)
	}

	// A job that only ends when cancelled is cancelled when Stop's
	// context ends.
	s2, _ := newScheduler(t)
	running := make(chan struct{})
	s2.Add("stubborn", "", Schedule{}, func(_ context.Context, _ *app.JobReport) error {
		close(running)
		<-s2.ctx.Done()
		return s2.ctx.Err()
	})
	go s2.scheduled(s2.jobs["stubborn"])
	<-running
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	s2.Stop(cctx)
	if runs, _ := s2.Runs(ctx, "stubborn", 1); len(runs) != 1 || runs[0].Outcome != app.JobFailed {
		t.Errorf("cancelled run: %+v", runs)
	}
}
