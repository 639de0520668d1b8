package main

import (
	"flag"
	"fmt"
	"path/filepath"
	"time"

	"github.com/stratbench/stratbench/client/lockstep"
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

// newRunSchedule returns the lock-step schedule of `run --start-at`: trial
// i in slot i−1. It records skips in the schedule.json of the --out folder
// when out is a result folder's results.csv; otherwise they are only
// reported on stderr.
func newRunSchedule(start time.Time, warmup, duration, gap time.Duration, out string) (*lockstep.Recorder, error) {
	sched, err := lockstep.New(start, warmup, duration, gap)
	if err != nil {
		return nil, err
	}
	path := ""
	if out != "" && filepath.Base(out) == record.FolderCSV {
		path = filepath.Join(filepath.Dir(out), record.FolderSchedule)
	}
	r, err := lockstep.NewRecorder(sched, path)
	if err != nil {
		return nil, fmt.Errorf("--out: %w", err)
	}
	return r, nil
}
