package client_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stratbench/stratbench/client"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
)

// knownServer is a BenchService of known capacity, served by fakeCallers:
// every Run takes exactly latency once it holds one of slots (unlimited
// when slots is nil), and completes tasks tasks. Slots are granted first
// come, first served. It runs inside a synctest bubble, so its waits are
// exact and take no real time.
type knownServer struct {
	latency time.Duration
	slots   chan struct{}
	tasks   uint32
	// Every slowEvery-th call takes slow instead of latency, when set.
	slowEvery int64
	slow      time.Duration
	calls     atomic.Int64
}

func (s *knownServer) run(ctx context.Context, _ *pb.RunRequest) (*pb.RunResponse, error) {
	wait := s.latency
	if n := s.calls.Add(1); s.slowEvery > 0 && n%s.slowEvery == 0 {
		wait = s.slow
	}
	if s.slots != nil {
		select {
		case s.slots <- struct{}{}:
			defer func() { <-s.slots }()
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	sleepOrDone(ctx, wait)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return &pb.RunResponse{TasksCompleted: s.tasks}, nil
}

// runKnown runs one trial of load against a knownServer inside a synctest
// bubble and returns it.
func runKnown(t *testing.T, latency time.Duration, slots int, load client.Load) *client.Trial {
	t.Helper()
	return runServer(t, &knownServer{latency: latency, tasks: 3}, slots, load)
}

// runServer is runKnown with a server of the caller's making.
func runServer(t *testing.T, srv *knownServer, slots int, load client.Load) *client.Trial {
	t.Helper()
	var tr *client.Trial
	synctest.Test(t, func(t *testing.T) {
		if slots > 0 {
			srv.slots = make(chan struct{}, slots)
		}
		conns := fakeCallers(load.Connections, srv.run)
		var err error
		tr, err = client.RunTrial(t.Context(), conns, client.Cell{Job: testJob, Load: load}, 1, nil)
		if err != nil {
			t.Fatalf("RunTrial: %v", err)
		}
	})
	return tr
}

// within reports whether got is within frac of want.
func within(got, want, frac float64) bool { return math.Abs(got-want) <= frac*want }

// TestThroughputLittlesLaw drives a closed loop of concurrency C against a
// server where every job takes exactly L, for 1 s trials with and without a
// warm-up whose RPCs are in flight when the window opens: by Little's law
// the throughput is C ÷ L, and it must be within 2%. The old figure,
// measured RPCs sent in the window ÷ the time until the last of them ended,
// is logged beside it: it is low by up to L ÷ (1 s + L).
func TestThroughputLittlesLaw(t *testing.T) {
	client.UseTimerSleep(t)
	for _, latency := range []time.Duration{2 * time.Millisecond, 5 * time.Millisecond, 13 * time.Millisecond, 50 * time.Millisecond, 200 * time.Millisecond} {
		for _, c := range []int{1, 8, 32} {
			for _, warmup := range []time.Duration{0, 100 * time.Millisecond} {
				t.Run(fmt.Sprintf("L=%v/C=%d/warmup=%v", latency, c, warmup), func(t *testing.T) {
					load := client.Load{Mode: client.Closed, Concurrency: c, Connections: 2, Duration: time.Second, Warmup: warmup}
					tr := runKnown(t, latency, 0, load)
					want := float64(c) / latency.Seconds()
					old := float64(tr.Successes()) / tr.Elapsed.Seconds()
					t.Logf("throughput %.1f/s, want %.1f/s (%+.2f%%); old figure %.1f/s (%+.2f%%)",
						tr.Throughput(), want, 100*(tr.Throughput()/want-1), old, 100*(old/want-1))
					if !within(tr.Throughput(), want, 0.02) {
						t.Errorf("Throughput = %.2f/s, want C/L = %.2f/s within 2%%", tr.Throughput(), want)
					}
					if tr.TasksPerSecond() != 3*tr.Throughput() || tr.Window != time.Second {
						t.Errorf("TasksPerSecond %v, Window %v; want 3 × throughput and 1s", tr.TasksPerSecond(), tr.Window)
					}
					if p50 := tr.Hist.Latency.Quantile(0.5); 128*(p50-latency).Abs() > latency {
						t.Errorf("latency p50 %v, want %v within 1/128", p50, latency)
					}
				})
			}
		}
	}
}

// TestThroughputKnownCapacity drives servers of known capacity (slots ÷
// latency) harder than they can go: the throughput must be the capacity
// within 2%, however deep the queue, in closed and open loop.
func TestThroughputKnownCapacity(t *testing.T) {
	client.UseTimerSleep(t)
	const slots, latency = 2, 10 * time.Millisecond // 200 jobs/s
	for _, load := range []client.Load{
		{Mode: client.Closed, Concurrency: 32, Connections: 4, Duration: time.Second, Warmup: 500 * time.Millisecond},
		{Mode: client.Closed, Concurrency: 4, Connections: 1, Duration: time.Second, Warmup: 500 * time.Millisecond},
		{Mode: client.Open, Rate: 400, MaxInFlight: 50, Connections: 2, Duration: time.Second, Warmup: 500 * time.Millisecond},
	} {
		t.Run(fmt.Sprintf("%v/c=%d/r=%g", load.Mode, load.Concurrency, load.Rate), func(t *testing.T) {
			tr := runKnown(t, latency, slots, load)
			const want = slots / 0.010
			old := float64(tr.Successes()) / tr.Elapsed.Seconds()
			t.Logf("throughput %.1f/s, want %.0f/s (%+.2f%%); old figure %.1f/s (%+.2f%%); p50 %v",
				tr.Throughput(), want, 100*(tr.Throughput()/want-1), old, 100*(old/want-1), tr.Hist.Latency.Quantile(0.5))
			if !within(tr.Throughput(), want, 0.02) {
				t.Errorf("Throughput = %.2f/s, want the capacity %.0f/s within 2%%", tr.Throughput(), want)
			}
		})
	}
}

// TestThroughputStraggler is the case: one 1 s straggler near the
// end of a 5 ms cell. Closed loop C=4 against 5 ms jobs completes 800/s;
// the straggler holds one worker for the last few milliseconds of the
// window only, so the throughput stays 800/s within 2%, where the old
// figure (divided by the time until the straggler ended) fell to about
// half.
func TestThroughputStraggler(t *testing.T) {
	client.UseTimerSleep(t)
	// Call 790 of about 800 leaves about 10ms before the window ends.
	srv := &knownServer{latency: 5 * time.Millisecond, slowEvery: 790, slow: time.Second}
	load := client.Load{Mode: client.Closed, Concurrency: 4, Connections: 1, Duration: time.Second}
	tr := runServer(t, srv, 0, load)
	old := float64(tr.Successes()) / tr.Elapsed.Seconds()
	t.Logf("throughput %.1f/s, want 800/s; old figure %.1f/s (elapsed %v)", tr.Throughput(), old, tr.Elapsed)
	if !within(tr.Throughput(), 800, 0.02) {
		t.Errorf("Throughput = %.1f/s, want 800/s within 2%%", tr.Throughput())
	}
	if tr.Elapsed < 1900*time.Millisecond {
		t.Errorf("Elapsed = %v, want the straggler's end near 2s", tr.Elapsed)
	}
}

// TestThroughputOpenLoopRate checks that an open loop below capacity has
// the throughput of its schedule, within 2%.
func TestThroughputOpenLoopRate(t *testing.T) {
	client.UseTimerSleep(t)
	for _, latency := range []time.Duration{2 * time.Millisecond, 50 * time.Millisecond, 200 * time.Millisecond} {
		t.Run(latency.String(), func(t *testing.T) {
			load := client.Load{Mode: client.Open, Rate: 500, MaxInFlight: 200, Connections: 2, Duration: time.Second, Warmup: 200 * time.Millisecond}
			tr := runKnown(t, latency, 0, load)
			if !within(tr.Throughput(), 500, 0.02) {
				t.Errorf("Throughput = %.2f/s, want the 500/s schedule within 2%%", tr.Throughput())
			}
			if f := tr.Flags(nil); tr.LateSends != 0 || tr.Backlogged != 0 || f.ServerBacklogged != "" {
				t.Errorf("late %d, backlogged %d, flags %+v; want none on a fake clock", tr.LateSends, tr.Backlogged, f)
			}
			if lag := tr.Hist.SendLag; lag == nil || lag.Count() != tr.Requests || lag.Max() != 0 {
				t.Errorf("send lag %v, want every send at lag 0 on a fake clock", lag)
			}
		})
	}
}

// TestThroughputRequestBound checks the request-bounded window: N
// requests, a multiple of C, run in N/C rounds of L from the first send to
// the last end, so the throughput is exactly C ÷ L.
func TestThroughputRequestBound(t *testing.T) {
	client.UseTimerSleep(t)
	const c, n, latency = 4, 40, 25 * time.Millisecond
	load := client.Load{Mode: client.Closed, Concurrency: c, Connections: 1, Requests: n, Warmup: 30 * time.Millisecond}
	tr := runKnown(t, latency, 0, load)
	// The warm-up RPCs end 20ms into the window, where the first measured
	// ones leave; the last of 10 rounds ends 250ms later.
	if tr.Window != n/c*latency || tr.WindowSuccesses != n {
		t.Errorf("Window %v over %d successes, want %v over %d", tr.Window, tr.WindowSuccesses, n/c*latency, n)
	}
	if want := float64(c) / latency.Seconds(); !within(tr.Throughput(), want, 1e-9) {
		t.Errorf("Throughput %v, want %v", tr.Throughput(), want)
	}
}

// TestAllRequestsLatency sends to a server where 1 job in 20 takes 1 s
// under a 50 ms timeout, the others 2 ms: the success-only p99 stays 2 ms,
// but the all-requests p99 and max are the 50 ms timeout, and the error
// rate is 5%.
func TestAllRequestsLatency(t *testing.T) {
	client.UseTimerSleep(t)
	srv := &knownServer{latency: 2 * time.Millisecond, slowEvery: 20, slow: time.Second}
	load := client.Load{Mode: client.Closed, Concurrency: 4, Connections: 1, Requests: 2000, Timeout: 50 * time.Millisecond}
	tr := runServer(t, srv, 0, load)
	all := tr.Hist.All()
	if tr.Requests != 2000 || tr.Errors != 100 || tr.ErrorRate() != 0.05 {
		t.Fatalf("requests %d, errors %d, error rate %v; want 2000, 100, 0.05", tr.Requests, tr.Errors, tr.ErrorRate())
	}
	if p99 := tr.Hist.Latency.Quantile(0.99); p99 != 2*time.Millisecond {
		t.Errorf("success p99 %v, want 2ms", p99)
	}
	if p99, m := all.Quantile(0.99), all.Max(); all.Count() != 2000 || 128*(p99-50*time.Millisecond).Abs() > 50*time.Millisecond || m != 50*time.Millisecond {
		t.Errorf("all-requests count %d, p99 %v, max %v; want 2000, 50ms within 1/128, 50ms", all.Count(), p99, m)
	}
}

// TestUnsentLastUntilTrialEnd stalls an open loop's only in-flight slot:
// the sends that never left are in the all-requests latency, each lasting
// from its intended send to the trial's end, and count as errors.
func TestUnsentLastUntilTrialEnd(t *testing.T) {
	client.UseTimerSleep(t)
	// 1 slot of 400ms each against 100 sends/s over 1 s: the sends due at
	// 0, 10, 20 and 30ms leave at 0, 400, 800 and 1200ms; at 1200ms the
	// phase is over with the sends from 40ms to 990ms still due, and the
	// trial ends at 1600ms.
	srv := &knownServer{latency: 400 * time.Millisecond}
	load := client.Load{Mode: client.Open, Rate: 100, MaxInFlight: 1, Connections: 1, Duration: time.Second}
	tr := runServer(t, srv, 1, load)
	t.Logf("requests %d, unsent %d, backlogged %d, elapsed %v, window %v", tr.Requests, tr.Unsent, tr.Backlogged, tr.Elapsed, tr.Window)
	if tr.Requests+tr.Unsent != 100 || tr.Unsent == 0 {
		t.Fatalf("requests %d + unsent %d, want the schedule's 100 with some unsent", tr.Requests, tr.Unsent)
	}
	u := tr.Hist.Unsent
	if u == nil || u.Count() != tr.Unsent || tr.Requests != 4 || tr.Elapsed != 1600*time.Millisecond {
		t.Fatalf("unsent histogram of %d, requests %d, elapsed %v; want %d values, 4 requests, 1.6s", u.Count(), tr.Requests, tr.Elapsed, tr.Unsent)
	}
	// The earliest unsent send was intended at (Requests)·10ms and lasts
	// until the trial's end, Elapsed after its start.
	if want := tr.Elapsed - time.Duration(tr.Requests)*10*time.Millisecond; u.Max() != want {
		t.Errorf("longest unsent %v, want %v", u.Max(), want)
	}
	if tr.ErrorRate() != float64(tr.Unsent)/100 {
		t.Errorf("error rate %v, want unsent %d of 100", tr.ErrorRate(), tr.Unsent)
	}
	if f := tr.Flags(nil); f.ServerBacklogged == "" || f.ClientSaturated != "" && !strings.Contains(f.ClientSaturated, "CPU") {
		t.Errorf("flags %+v, want server_backlogged and no lag-based client_saturated", f)
	}
}
