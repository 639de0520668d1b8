// Package lockstep computes the schedule that several load clients share so
// that they measure the same cell at the same instant. Slot k of a schedule
// starts at Start + k × Slot, where Slot = warm-up + duration + a fixed gap
// (the gap absorbs a trial's set-up and the writing of its results); the
// k-th trial of a run or sweep starts its warm-up at the start of slot k, so
// its measured window starts Warmup later on every client. A client that
// reaches a slot more than Tolerance after it started skips that trial and
// records the skip rather than measuring out of step with the others.
//
// Every client computes the same schedule from the same start time and the
// same matrix; nothing is exchanged between them.
package lockstep

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// DefaultGap is the gap between the end of one slot's measured window and
// the start of the next slot, unless a command sets another.
const DefaultGap = 2 * time.Second

// Tolerance is how long after its slot started a client may still start a
// trial. Clients' measured windows therefore start within Tolerance of each
// other, plus the difference between their clocks.
const Tolerance = 100 * time.Millisecond

// MaxAhead is the furthest in the future a start time may be.
const MaxAhead = 7 * 24 * time.Hour

// ParseStart returns the instant that s names: an RFC 3339 time
// ("2026-12-02T03:00:00Z"), or "+D" with D a positive Go duration ("+30s"),
// meaning now + D rounded up to a whole second, so that clients started
// within the same second agree. The instant must not be in the past or more
// than MaxAhead ahead of now. Errors name the flag --start-at.
func ParseStart(s string, now time.Time) (time.Time, error) {
	var t time.Time
	if d, ok := strings.CutPrefix(s, "+"); ok {
		dur, err := time.ParseDuration(d)
		if err != nil || dur <= 0 {
			return time.Time{}, fmt.Errorf("--start-at %q: after + give a positive duration such as +30s or +2m", s)
		}
		if dur > MaxAhead {
			return time.Time{}, fmt.Errorf("--start-at %q is more than %v ahead", s, MaxAhead)
		}
		t = now.Add(dur)
		if r := t.Truncate(time.Second); r.Before(t) {
			t = r.Add(time.Second)
		}
		return t, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("--start-at %q is neither an RFC 3339 time (2006-01-02T15:04:05Z) nor +DURATION (+30s)", s)
	}
	switch {
	case t.Before(now):
		return time.Time{}, fmt.Errorf("--start-at %s is %v in the past", s, now.Sub(t).Round(time.Millisecond))
	case t.Sub(now) > MaxAhead:
		return time.Time{}, fmt.Errorf("--start-at %s is more than %v ahead", s, MaxAhead)
	}
	return t, nil
}

// Schedule is a sequence of equal slots from Start.
type Schedule struct {
	Start  time.Time
	Warmup time.Duration // from the start of a slot to its measured window
	Slot   time.Duration // Warmup + the measured duration + the gap
}

// New returns the schedule from start of trials of warm-up warmup and
// measured duration duration, separated by gap.
func New(start time.Time, warmup, duration, gap time.Duration) (Schedule, error) {
	switch {
	case warmup < 0:
		return Schedule{}, fmt.Errorf("lockstep: warm-up %v is negative", warmup)
	case duration <= 0:
		return Schedule{}, fmt.Errorf("lockstep: a schedule needs trials of a fixed duration, not %v (use --duration, not --requests)", duration)
	case gap < 0:
		return Schedule{}, fmt.Errorf("--slot-gap %v is negative", gap)
	}
	return Schedule{Start: start, Warmup: warmup, Slot: warmup + duration + gap}, nil
}

// At returns the start of slot k: the instant a trial's warm-up begins.
func (s Schedule) At(k int) time.Time { return s.Start.Add(time.Duration(k) * s.Slot) }

// Window returns the start of slot k's measured window.
func (s Schedule) Window(k int) time.Time { return s.At(k).Add(s.Warmup) }

// LateError is Wait's answer when slot K started more than Tolerance before
// the client reached it.
type LateError struct {
	Slot int
	By   time.Duration // how long after the slot's start the client came
}

func (e *LateError) Error() string {
	return fmt.Sprintf("slot %d started %v ago, more than the tolerance of %v: skipped", e.Slot, e.By.Round(time.Millisecond), Tolerance)
}

// Wait blocks until slot k starts and returns nil; at once with a
// *LateError if the slot started more than Tolerance ago; or with ctx's
// error if ctx ends first.
func (s Schedule) Wait(ctx context.Context, k int) error {
	d := time.Until(s.At(k))
	if d < -Tolerance {
		return &LateError{Slot: k, By: -d}
	}
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
