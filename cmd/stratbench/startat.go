package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/stratbench/stratbench/client/lockstep"
	"github.com/stratbench/stratbench/internal/atomicfile"
	"github.com/stratbench/stratbench/results/record"
)

// startAtFlags are the lock-step flags of run and sweep.
type startAtFlags struct {
	at  string
	gap time.Duration
}

func (f *startAtFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.at, "start-at", "", "run in lock-step with other clients: trial k starts at TIME + k × (warm-up + duration + --slot-gap); `TIME` is RFC 3339 (2026-12-02T03:00:00Z) or +DURATION (+30s, rounded up to a second); a trial whose slot started over 100 ms before the client reached it is skipped and recorded")
	fs.DurationVar(&f.gap, "slot-gap", lockstep.DefaultGap, "with --start-at: the gap between one trial's measured window and the next slot, which absorbs set-up and writing results")
}

// start returns the parsed --start-at, or the zero time when it is not set.
func (f *startAtFlags) start(now time.Time) (time.Time, error) {
	if f.at == "" {
		return time.Time{}, nil
	}
	if f.gap < 0 {
		return time.Time{}, fmt.Errorf("--slot-gap %v is negative", f.gap)
	}
	return lockstep.ParseStart(f.at, now)
}

// runSchedule is the lock-step schedule of `run --start-at`: trial i in slot
// i−1. It records skips in the schedule.json of the --out folder when --out
// is a result folder's results.csv.
type runSchedule struct {
	sched lockstep.Schedule
	file  record.Schedule
	path  string // "" when skips are only reported
}

func newRunSchedule(start time.Time, warmup, duration, gap time.Duration, out string) (*runSchedule, error) {
	sched, err := lockstep.New(start, warmup, duration, gap)
	if err != nil {
		return nil, err
	}
	r := &runSchedule{sched: sched, file: record.Schedule{StartAt: start.UTC(), SlotS: sched.Slot.Seconds(),
		WarmupS: warmup.Seconds(), ToleranceS: lockstep.Tolerance.Seconds(), Skipped: []record.Skip{}}}
	if out != "" && filepath.Base(out) == record.FolderCSV {
		r.path = filepath.Join(filepath.Dir(out), record.FolderSchedule)
		if err := r.save(); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func (r *runSchedule) save() error {
	if r.path == "" {
		return nil
	}
	b, err := r.file.Encode()
	if err == nil {
		err = atomicfile.WriteFile(r.path, b)
	}
	if err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	return nil
}

// wait waits for trial i's slot; it reports true after recording a skip.
func (r *runSchedule) wait(ctx context.Context, i int, cellKey string, stderr io.Writer) (bool, error) {
	err := r.sched.Wait(ctx, i-1)
	var late *lockstep.LateError
	if !errors.As(err, &late) {
		return false, err
	}
	fmt.Fprintf(stderr, "trial %d skipped: %v\n", i, late)
	r.file.Skipped = append(r.file.Skipped, record.Skip{Slot: i - 1, Cell: cellKey, Trial: i, LateByS: late.By.Seconds()})
	return true, r.save()
}
