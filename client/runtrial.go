package client

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"

	"github.com/stratbench/stratbench/hostinfo"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/results/histogram"
)

// phase is the measured phase of a trial on the trial's clock: it starts at
// start (the end of warm-up) and ends at end, or after requests measured
// RPCs when requests > 0.
type phase struct {
	clk      clock
	start    time.Duration
	end      time.Duration
	requests int
}

// RunTrial runs the warm-up and then the measured phase of one trial of
// cell over the first cell.Load.Connections of conns, and returns once
// every goroutine it started has ended. index is the trial's 1-based
// number, recorded in the Trial.
//
// If progress is not nil it is called about every 250 ms and once at the
// end, from one goroutine at a time, never after RunTrial returns; it must
// return quickly. With a progress callback every RPC also costs a few
// shared atomic adds.
//
// A cancelled ctx cancels the RPCs in flight and ends RunTrial promptly,
// returning the partial Trial (Complete false) and ctx's error. An invalid
// cell returns a nil Trial and an error naming the field.
//
// Each closed-loop worker records into its own histograms, about 68 KB,
// without locks; past 64 workers they share 64 sets, each guarded by a
// mutex. An open loop starts senders only as outstanding RPCs need them;
// they share 4 × GOMAXPROCS sets (at most 64), each guarded by a mutex,
// unless MaxInFlight is smaller. The sets are merged when the trial ends,
// so memory does not grow with the trial's length.
//
// As the measured phase starts and ends, RunTrial reads the server's Stats
// over the first connection (two reads of about a hundred microseconds) and
// sets Trial.Runtime to the difference; with WithProfile it also records a
// server profile over the phase into Trial.Profile. Neither stops the trial
// when the server cannot answer: the figures stay absent and ProfileErr says
// why the profile is missing.
func RunTrial(ctx context.Context, conns []grpc.ClientConnInterface, cell Cell, index int, progress func(Progress), opts ...TrialOption) (*Trial, error) {
	load := cell.Load
	if err := load.Validate(); err != nil {
		return nil, err
	}
	if cell.Job == nil {
		return nil, errors.New("client: cell has no job")
	}
	if len(conns) < load.Connections {
		return nil, fmt.Errorf("client: load uses %d connections but %d were given", load.Connections, len(conns))
	}
	stubs := make([]pb.BenchServiceClient, load.Connections)
	for i := range stubs {
		stubs[i] = pb.NewBenchServiceClient(conns[i])
	}

	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var live *liveStats
	if progress != nil {
		live = new(liveStats)
	}
	ph := phase{clk: newClock(), start: load.Warmup, end: load.Warmup + load.Duration, requests: load.Requests}
	workers := 0 // spreads the workers' first connection over conns
	newCaller := func() *caller {
		workers++
		return &caller{stubs: stubs, next: (workers - 1) % len(stubs), req: cell.Job, timeout: load.Timeout}
	}

	// The load runs under wg. The closed loop's callers and recorders are
	// made here, before its workers start; the open loop's scheduler makes
	// its own.
	var wg sync.WaitGroup
	var recs *recorders
	var open *openLoop
	switch load.Mode {
	case Closed:
		recs = newRecorders(cell, ph, load.Concurrency, maxRecorders, live)
		l := &closedLoop{phase: ph}
		for i := range load.Concurrency {
			rec, c := recs.get(i), newCaller()
			wg.Go(func() { l.work(ctx, rec, c) })
		}
	case Open:
		recs = newRecorders(cell, ph, load.MaxInFlight, openRecorders(), live)
		open = &openLoop{phase: ph, rate: load.Rate, maxInFlight: load.MaxInFlight, newCaller: newCaller, recs: recs}
		wg.Go(func() { open.run(ctx) })
	}

	done := make(chan struct{})
	var reporter sync.WaitGroup
	if progress != nil {
		reporter.Go(func() { report(done, ph, live, progress) })
	}

	var o trialOptions
	for _, opt := range opts {
		opt(&o)
	}
	watch := newServerWatch(conns[0], o, load.Duration)
	t := &Trial{Cell: cell, Index: index, ErrorsByCode: make(map[codes.Code]uint64), Hist: newTrialHistograms()}
	var meter *hostinfo.CPUMeter
	var fatal error
	if newPacer(ph.clk).sleepUntil(ctx, ph.start) == nil {
		t.StartedAt = time.Now().UTC()
		if meter, fatal = hostinfo.StartCPUMeter(); fatal != nil {
			cancel()
		} else {
			watch.begin(parent)
		}
	}
	wg.Wait()
	end := ph.clk.now()
	if meter != nil {
		t.Elapsed = max(end-ph.start, 0)
		var err error
		if t.CPU, err = meter.Stop(); err != nil {
			fatal = err
		}
		watch.end(parent)
	}
	close(done)
	reporter.Wait()

	var sp span
	for _, r := range recs.all {
		r.mergeInto(t, &sp)
	}
	switch {
	case load.Requests > 0 && sp.ok:
		t.Window = sp.last - sp.first
	case load.Requests == 0:
		t.Window = min(t.Elapsed, load.Duration)
	}
	if open != nil && open.unsent > 0 {
		t.Unsent = open.unsent
		t.InFlightCapped = open.capped
		t.LateSends += open.unsent
		t.Hist.Unsent = histogram.New()
		open.recordUnsent(t.Hist.Unsent, end)
	}
	watch.fill(t)
	if progress != nil {
		progress(live.snapshot(t.Elapsed))
	}
	switch {
	case fatal != nil:
		return t, fmt.Errorf("client: trial %d: %w", index, fatal)
	case stopped(parent):
		// The workers may have seen the deadline pass before ctx's timer
		// marked it done.
		if err := parent.Err(); err != nil {
			return t, err
		}
		return t, context.DeadlineExceeded
	}
	t.Complete = true
	return t, nil
}

// report calls progress every progressEvery until done closes.
func report(done <-chan struct{}, ph phase, live *liveStats, progress func(Progress)) {
	tick := time.NewTicker(progressEvery)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case <-tick.C:
			progress(live.snapshot(max(ph.clk.now()-ph.start, 0)))
		}
	}
}
