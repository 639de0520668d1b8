package workload

import (
	"context"
	"sync/atomic"
	"time"
)

// Wait simulates an I/O call of latency d: it blocks on a timer for d, or
// until ctx is done, in which case it returns ctx.Err() at once. Its output is
// derived from in alone. A zero or negative d returns without blocking.
func Wait(ctx context.Context, in uint64, d time.Duration) (uint64, error) {
	out := mix(in ^ 0x5bd1e9955bd1e995)
	if d <= 0 {
		return out, ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return out, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// IOWaits accumulates the actual durations of a job's I/O waits, as the
// host's clock measures them: a timer of d fires after d plus the timer's
// and the scheduler's overshoot, and the bound of an I/O job depends on the
// wait it really got. The zero value is ready; it is safe for concurrent use.
type IOWaits struct {
	total atomic.Int64 // nanoseconds
	n     atomic.Int64
}

// Add records one wait that ran to its end.
func (w *IOWaits) Add(d time.Duration) {
	w.total.Add(int64(d))
	w.n.Add(1)
}

// Total returns the sum of the recorded waits and how many there were.
func (w *IOWaits) Total() (time.Duration, int64) {
	return time.Duration(w.total.Load()), w.n.Load()
}

// Mean returns the mean recorded wait, or 0 when none was recorded.
func (w *IOWaits) Mean() time.Duration {
	total, n := w.Total()
	if n == 0 {
		return 0
	}
	return total / time.Duration(n)
}

// measuredWait is Wait that records into w, when w is not nil, the time
// the wait took if it ran to its end (cancelled waits are not recorded:
// they say nothing about the timer).
func measuredWait(ctx context.Context, w *IOWaits, in uint64, d time.Duration) (uint64, error) {
	if w == nil || d <= 0 {
		return Wait(ctx, in, d)
	}
	start := time.Now()
	out, err := Wait(ctx, in, d)
	if err == nil {
		w.Add(time.Since(start))
	}
	return out, err
}
