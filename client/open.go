package client

import (
	"context"
	"math"
	"sync"
	"time"

	"github.com/stratbench/stratbench/results/histogram"
)

// openLoop sends requests on a fixed schedule: request i is intended to
// leave at i/rate on the trial's clock, whatever the latency of earlier
// ones. One scheduler goroutine (run) hands each due send to an idle sender
// goroutine, starting a new sender only when none is idle, up to
// maxInFlight; past that the send waits for a sender and leaves late.
// Latency is measured from the intended time, so a stall of the server
// weighs on every request it delays, as wrk2 measures it.
type openLoop struct {
	phase       phase
	rate        float64
	maxInFlight int
	newCaller   func() *caller // called by run's goroutine only
	recs        *recorders     // used by run's goroutine only

	work    chan openSend
	senders sync.WaitGroup
	started int // senders started so far
	// heldUntil is when the last wait for a free sender ended: a send due
	// before then was held up by MaxInFlight, not by the client.
	heldUntil time.Duration
	// unsentFrom and unsent are the first measured send still due when the
	// phase's time ran out and the count of those sends; read after run
	// returns.
	unsentFrom int
	unsent     uint64
	capped     bool // a send waited because maxInFlight RPCs were outstanding; read after run returns
}

// openSend is one scheduled request.
type openSend struct {
	intended   time.Duration
	measured   bool
	backlogged bool // it waited for a sender, or fell due while the scheduler did
}

// run schedules sends until the measured phase is over or ctx ends, then
// waits for every sender to end.
//
// A phase bounded by Requests sends all of them, however late. A phase
// bounded by Duration stops sending when its time is up and the schedule
// is behind by more than lateAfter: the sends still due then never leave,
// and are counted in unsent rather than sent in a burst that would stretch
// the trial far past its duration.
func (o *openLoop) run(ctx context.Context) {
	o.work = make(chan openSend)
	defer func() {
		close(o.work)
		o.senders.Wait()
	}()
	p := newPacer(o.phase.clk)
	measured := 0
	for i := 0; ; i++ {
		at := o.intended(i)
		s := openSend{intended: at, measured: at >= o.phase.start}
		if s.measured {
			if o.phase.requests > 0 && measured == o.phase.requests ||
				o.phase.requests == 0 && at >= o.phase.end {
				return
			}
			measured++
		}
		if p.sleepUntil(ctx, at) != nil {
			return
		}
		if now := o.phase.clk.now(); s.measured && o.phase.requests == 0 && now >= o.phase.end && now-at > lateAfter {
			o.unsentFrom, o.unsent = i, uint64(o.firstAtOrAfter(o.phase.end)-i)
			return
		}
		s.backlogged = at < o.heldUntil
		if !o.dispatch(ctx, s) {
			return
		}
	}
}

// firstAtOrAfter returns the index of the first send intended at or after t.
func (o *openLoop) firstAtOrAfter(t time.Duration) int {
	i := int(math.Ceil(float64(t) / float64(time.Second) * o.rate))
	for i > 0 && o.intended(i-1) >= t { // correct the float rounding either way
		i--
	}
	for o.intended(i) < t {
		i++
	}
	return i
}

// intended returns the intended send time of request i.
func (o *openLoop) intended(i int) time.Duration {
	return time.Duration(float64(i) * float64(time.Second) / o.rate)
}

// dispatch hands s to an idle sender, or to a new one while fewer than
// maxInFlight exist, or else waits for one. It reports false if ctx ended
// first.
func (o *openLoop) dispatch(ctx context.Context, s openSend) bool {
	select {
	case o.work <- s:
		return true
	default:
	}
	if o.started < o.maxInFlight {
		rec, c := o.recs.get(o.started), o.newCaller()
		o.started++
		o.senders.Go(func() { o.send(ctx, rec, c, s) })
		return true
	}
	// Every sender is busy: the server holds MaxInFlight RPCs.
	s.backlogged = true
	o.capped = true
	select {
	case o.work <- s:
		o.heldUntil = o.phase.clk.now()
		return true
	case <-ctx.Done():
		return false
	}
}

// recordUnsent records in h each unsent send's time from its intended send
// to end, the trial's end. It runs after run returns.
func (o *openLoop) recordUnsent(h *histogram.Histogram, end time.Duration) {
	for i := range int(o.unsent) {
		h.Record(end - o.intended(o.unsentFrom+i))
	}
}

// send sends first, then every send handed to it, until the work channel
// closes.
func (o *openLoop) send(ctx context.Context, rec *recorder, c *caller, first openSend) {
	ctx, cancel := context.WithCancel(ctx) // see closedLoop.work
	defer cancel()
	for s, ok := first, true; ok; s, ok = <-o.work {
		sent := o.phase.clk.now()
		resp, err := c.call(ctx)
		if err != nil && stopped(ctx) {
			continue // ended by the trial's own cancellation
		}
		rec.record(rpc{intended: s.intended, sent: sent, end: o.phase.clk.now(), measured: s.measured, backlogged: s.backlogged}, resp, err)
	}
}
