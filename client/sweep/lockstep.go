package sweep

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/stratbench/stratbench/client/lockstep"
	"github.com/stratbench/stratbench/internal/atomicfile"
	"github.com/stratbench/stratbench/results/record"
)

// ScheduleFile is the lock-step schedule of a sweep run with
// Options.StartAt, and the trials it skipped.
const ScheduleFile = record.FolderSchedule

// lockstepRun puts the k-th trial of a sweep's plan in slot k of a shared
// schedule, and records the trials it skips in ScheduleFile.
type lockstepRun struct {
	sched lockstep.Schedule
	file  record.Schedule
	path  string
}

// newLockstep returns the schedule of plan from start, whose trials must all
// have one warm-up and one fixed duration. It writes nothing.
func newLockstep(plan []PlannedTrial, start time.Time, gap time.Duration) (*lockstepRun, error) {
	l0 := plan[0].Cell.Load
	for _, p := range plan {
		if l := p.Cell.Load; l.Warmup != l0.Warmup || l.Duration != l0.Duration {
			return nil, fmt.Errorf("sweep: --start-at needs one warm-up and duration for every cell; %s has %v + %v, %s %v + %v",
				plan[0].Label(), l0.Warmup, l0.Duration, p.Label(), l.Warmup, l.Duration)
		}
	}
	sched, err := lockstep.New(start, l0.Warmup, l0.Duration, gap)
	if err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	return &lockstepRun{sched: sched, file: record.Schedule{
		StartAt: start.UTC(), SlotS: sched.Slot.Seconds(), WarmupS: sched.Warmup.Seconds(),
		ToleranceS: lockstep.Tolerance.Seconds(), Skipped: []record.Skip{},
	}}, nil
}

// save writes the schedule into the report folder dir, atomically.
func (l *lockstepRun) save(dir string) error {
	l.path = filepath.Join(dir, ScheduleFile)
	b, err := l.file.Encode()
	if err == nil {
		err = atomicfile.WriteFile(l.path, b)
	}
	if err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	return nil
}

// wait waits for slot k, the slot of p. It returns a message and true
// when the slot started more than lockstep.Tolerance ago, after recording
// the skip; ctx's error if ctx ends first.
func (l *lockstepRun) wait(ctx context.Context, k int, p PlannedTrial) (string, bool, error) {
	err := l.sched.Wait(ctx, k)
	var late *lockstep.LateError
	if !errors.As(err, &late) {
		return "", false, err
	}
	l.file.Skipped = append(l.file.Skipped, record.Skip{Slot: k, Cell: p.Cell.Key(), Trial: p.Index, LateByS: late.By.Seconds()})
	if err := l.save(filepath.Dir(l.path)); err != nil {
		return "", true, err
	}
	return fmt.Sprintf("skipped %s: %v (recorded in %s)", p.Label(), late, ScheduleFile), true, nil
}
