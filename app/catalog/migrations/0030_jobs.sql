-- One row per run of a scheduled job, written when the run starts and
-- completed when it ends. A row still "running" whose process is gone was
-- interrupted and is marked failed by the next scheduler or CLI run.
CREATE TABLE job_runs (
  id       INTEGER PRIMARY KEY,
  job      TEXT NOT NULL,
  trigger  TEXT NOT NULL CHECK (trigger IN ('schedule', 'manual')),
  started  TEXT NOT NULL,
  finished TEXT NOT NULL DEFAULT '',
  outcome  TEXT NOT NULL CHECK (outcome IN ('running', 'ok', 'failed', 'skipped')),
  error    TEXT NOT NULL DEFAULT '',
  report   TEXT NOT NULL DEFAULT '{}',
  pid      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX job_runs_job ON job_runs(job, id);
-- At most one running run per job, across every process sharing the catalog.
CREATE UNIQUE INDEX job_runs_one_running ON job_runs(job) WHERE outcome = 'running';
