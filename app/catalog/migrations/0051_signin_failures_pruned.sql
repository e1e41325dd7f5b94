-- Failed sign-in counts older than the throttle window are pruned as new
-- failures are recorded, so guessing many names cannot grow the table
-- without bound.
CREATE INDEX signin_failures_last ON signin_failures(last_at);
