package client

import (
	"context"
	"sync/atomic"
	"time"
)

// closedLoop is Concurrency workers, each sending its next RPC as soon as
// the previous one ends.
type closedLoop struct {
	phase   phase
	claimed atomic.Int64 // measured RPCs claimed so far, when the phase counts requests
}

// work sends RPCs until the measured phase is over or ctx ends. An RPC is
// measured when it leaves at or after the phase's start; in closed loop its
// intended and actual send times are the same. Warm-up RPCs are recorded
// too, for the throughput window only.
func (l *closedLoop) work(ctx context.Context, rec *recorder, c *caller) {
	// A context of its own keeps each RPC's WithTimeout from contending
	// with other workers on the trial context's lock.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for ctx.Err() == nil {
		sent := l.phase.clk.now()
		measured := sent >= l.phase.start
		if measured && !l.claim(sent) {
			return
		}
		resp, err := c.call(ctx)
		if err != nil && stopped(ctx) {
			return // ended by the trial's own cancellation: not a server error
		}
		rec.record(rpc{intended: sent, sent: sent, end: l.phase.clk.now(), measured: measured}, resp, err)
	}
}

// claim reports whether a measured RPC leaving at sent is within the phase,
// taking one of its requests when the phase counts them.
func (l *closedLoop) claim(sent time.Duration) bool {
	if l.phase.requests > 0 {
		return l.claimed.Add(1) <= int64(l.phase.requests)
	}
	return sent < l.phase.end
}
