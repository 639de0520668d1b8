package sweep

import (
	"fmt"
	"time"

	"github.com/stratbench/stratbench/client/lockstep"
	"github.com/stratbench/stratbench/results/record"
)

// ScheduleFile is the lock-step schedule of a sweep run with
// Options.StartAt, and the trials it skipped.
const ScheduleFile = record.FolderSchedule

// newSchedule returns the schedule of plan from start, whose trials must all
// have one warm-up and one fixed duration: trial k of the plan in slot k.
func newSchedule(plan []PlannedTrial, start time.Time, gap time.Duration) (lockstep.Schedule, error) {
	l0 := plan[0].Cell.Load
	for _, p := range plan {
		if l := p.Cell.Load; l.Warmup != l0.Warmup || l.Duration != l0.Duration {
			return lockstep.Schedule{}, fmt.Errorf("sweep: --start-at needs one warm-up and duration for every cell; %s has %v + %v, %s %v + %v",
				plan[0].Label(), l0.Warmup, l0.Duration, p.Label(), l.Warmup, l.Duration)
		}
	}
	s, err := lockstep.New(start, l0.Warmup, l0.Duration, gap)
	if err != nil {
		return s, fmt.Errorf("sweep: %w", err)
	}
	return s, nil
}
