package lockstep

import (
	"context"
	"errors"
	"fmt"

	"github.com/stratbench/stratbench/internal/atomicfile"
	"github.com/stratbench/stratbench/results/record"
)

// Recorder is a Schedule whose skips are kept in a record.Schedule and,
// when it has a path, written to that schedule.json.
type Recorder struct {
	Schedule
	file record.Schedule
	path string
}

// NewRecorder returns a Recorder of s that writes path (record.FolderSchedule
// of a result folder) at once and after every skip; "" writes nothing.
func NewRecorder(s Schedule, path string) (*Recorder, error) {
	r := &Recorder{Schedule: s, path: path, file: record.Schedule{
		StartAt: s.Start.UTC(), SlotS: s.Slot.Seconds(), WarmupS: s.Warmup.Seconds(),
		ToleranceS: Tolerance.Seconds(), Skipped: []record.Skip{},
	}}
	return r, r.save()
}

// Skipped returns the skips recorded so far.
func (r *Recorder) Skipped() []record.Skip { return r.file.Skipped }

// WaitTrial waits for slot k, which holds trial of the cell whose key is
// cellKey. When the slot started more than Tolerance ago it records the
// skip and returns the *LateError; it returns ctx's error if ctx ends
// first, and the write's error if the skip could not be saved.
func (r *Recorder) WaitTrial(ctx context.Context, k int, cellKey string, trial int) (*LateError, error) {
	err := r.Wait(ctx, k)
	var late *LateError
	if !errors.As(err, &late) {
		return nil, err
	}
	r.file.Skipped = append(r.file.Skipped, record.Skip{Slot: k, Cell: cellKey, Trial: trial, LateByS: late.By.Seconds()})
	return late, r.save()
}

func (r *Recorder) save() error {
	if r.path == "" {
		return nil
	}
	b, err := r.file.Encode()
	if err == nil {
		err = atomicfile.WriteFile(r.path, b)
	}
	if err != nil {
		return fmt.Errorf("lock-step schedule: %w", err)
	}
	return nil
}
