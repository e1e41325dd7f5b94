package stats

import (
	"context"
	"errors"
	"io/fs"

	"carrel/app"
)

// RollupJobName is the name of the scheduled roll-up.
const RollupJobName = "stats-rollup"

// RollupJob folds newly recorded events into the daily counts that the
// statistics API and pages read.
func RollupJob(store Store) app.JobFunc {
	return func(ctx context.Context, r *app.JobReport) error {
		events, days, err := store.RollUpUsage(ctx)
		if err != nil {
			return err
		}
		r.Add("events_rolled_up", events)
		r.Add("days_recomputed", days)
		return nil
	}
}

func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }
