package client

import (
	"context"
	"time"
)

// clock reads monotonic time as an offset from the start of a trial, which
// is cheaper to carry and compare than time.Time.
type clock struct{ base time.Time }

func newClock() clock { return clock{base: time.Now()} }

// now returns the time since the clock's base.
func (c clock) now() time.Duration { return time.Since(c.base) }

// preciseWindow is how close to a deadline the pacer switches from the
// runtime timer to preciseSleep. An idle Go runtime rounds timer waits up to
// whole milliseconds, so a timer alone often wakes more than the 1 ms that
// makes a send late; preciseSleep wakes within tens of microseconds.
const preciseWindow = 2 * time.Millisecond

// sleepPrecisely is preciseSleep; tests in a testing/synctest bubble, whose
// fake clock a thread blocked in nanosleep does not advance, make it
// time.Sleep.
var sleepPrecisely = preciseSleep

// pacer sleeps until points of a clock. It is used by one goroutine.
type pacer struct {
	clk   clock
	timer *time.Timer
}

func newPacer(clk clock) *pacer {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return &pacer{clk: clk, timer: t}
}

// sleepUntil returns nil once the clock reads at least at, or ctx's error
// if ctx ends first. It returns within about preciseWindow of ctx ending.
func (p *pacer) sleepUntil(ctx context.Context, at time.Duration) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		d := at - p.clk.now()
		switch {
		case d <= 0:
			return nil
		case d <= preciseWindow:
			sleepPrecisely(d)
			continue
		}
		// The timer may wake up to a millisecond late, so aim that far
		// early and finish with preciseSleep.
		p.timer.Reset(d - preciseWindow + time.Millisecond/2)
		select {
		case <-ctx.Done():
			p.timer.Stop()
			return ctx.Err()
		case <-p.timer.C:
		}
	}
}
