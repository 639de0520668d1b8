package record

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"time"
)

// FolderSchedule is the file of a result folder measured on a lock-step
// schedule (`run` or `sweep` with --start-at): the schedule and the trials
// the client skipped because it reached their slot late.
const FolderSchedule = "schedule.json"

// MaxScheduleBytes bounds a schedule file read; the largest sweeps skip a
// few thousand trials at most.
const MaxScheduleBytes = 4 << 20

// Schedule is a folder's schedule.json. Slot k started at StartAt + k ×
// SlotS seconds; its measured window WarmupS later.
type Schedule struct {
	StartAt    time.Time `json:"start_at"`
	SlotS      float64   `json:"slot_s"`
	WarmupS    float64   `json:"warmup_s"`
	ToleranceS float64   `json:"tolerance_s"` // how late a trial could start before it was skipped
	Skipped    []Skip    `json:"skipped"`
}

// Skip is a trial a client did not run because it reached its slot late.
type Skip struct {
	Slot    int     `json:"slot"`
	Cell    string  `json:"cell"` // Row.CellKey of the cell
	Trial   int     `json:"trial"`
	LateByS float64 `json:"late_by_s"`
}

// Window returns the start of slot k's measured window.
func (s *Schedule) Window(k int) time.Time {
	return s.StartAt.Add(time.Duration(math.Round((float64(k)*s.SlotS + s.WarmupS) * 1e9)))
}

// SkippedTrial returns the skip of cell's trial, if the schedule skipped it.
func (s *Schedule) SkippedTrial(cell string, trial int) (Skip, bool) {
	for _, k := range s.Skipped {
		if k.Cell == cell && k.Trial == trial {
			return k, true
		}
	}
	return Skip{}, false
}

// ParseSchedule parses a schedule.json, refusing unknown fields, a zero
// start, a slot that is not positive, negative or non-finite seconds, a
// negative slot or trial number, or more than 1 000 000 skips: the file may
// come from another host.
func ParseSchedule(b []byte) (*Schedule, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	var s Schedule
	if err := d.Decode(&s); err != nil {
		return nil, fmt.Errorf("schedule: %w", err)
	}
	if d.More() {
		return nil, fmt.Errorf("schedule: data after the object")
	}
	ok := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) && v >= 0 && v < 1e9 }
	switch {
	case s.StartAt.IsZero():
		return nil, fmt.Errorf("schedule: start_at is missing")
	case !ok(s.SlotS) || s.SlotS == 0:
		return nil, fmt.Errorf("schedule: slot_s is %v; want a positive number of seconds", s.SlotS)
	case !ok(s.WarmupS) || s.WarmupS >= s.SlotS:
		return nil, fmt.Errorf("schedule: warmup_s is %v; want from 0 to below slot_s %v", s.WarmupS, s.SlotS)
	case !ok(s.ToleranceS):
		return nil, fmt.Errorf("schedule: tolerance_s is %v; want a non-negative number of seconds", s.ToleranceS)
	case len(s.Skipped) > 1_000_000:
		return nil, fmt.Errorf("schedule: %d skips; at most 1000000", len(s.Skipped))
	}
	for i, k := range s.Skipped {
		if k.Slot < 0 || k.Trial < 1 || k.Cell == "" || !ok(k.LateByS) {
			return nil, fmt.Errorf("schedule: skipped[%d] = %+v: want slot ≥ 0, trial ≥ 1, a cell and late_by_s ≥ 0", i, k)
		}
	}
	return &s, nil
}

// ReadScheduleFile reads and parses the schedule.json at path. Errors name
// the file; a missing file's error wraps fs.ErrNotExist.
func ReadScheduleFile(path string) (*Schedule, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxScheduleBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(b) > MaxScheduleBytes {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, MaxScheduleBytes)
	}
	s, err := ParseSchedule(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// Encode returns s as the indented JSON of schedule.json.
func (s *Schedule) Encode() ([]byte, error) {
	if s.Skipped == nil {
		s.Skipped = []Skip{}
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
