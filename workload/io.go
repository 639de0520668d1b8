package workload

import (
	"context"
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
