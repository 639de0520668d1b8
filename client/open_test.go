package client_test

import (
	"context"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stratbench/stratbench/client"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
)

// The open-loop tests run in a testing/synctest bubble against fakeConn:
// the schedule, the server's latency and the stall are exact on the fake
// clock, so the figures are exact too.

// sleepOrDone waits d on the (fake) clock or until ctx ends.
func sleepOrDone(ctx context.Context, d time.Duration) {
	select {
	case <-time.After(d):
	case <-ctx.Done():
	}
}

// TestOpenLoopCoordinatedOmission stalls request 40 (sent at 195 ms) for
// 500 ms while the client may have only one RPC outstanding, so the sends
// of a 200 req/s schedule due during the stall wait behind it: the 99 due
// from 200 to 690 ms leave more than 1 ms late, the one due at 695 ms on
// time. Measured from
// their intended times (corrected) they show the stall; measured from their
// actual sends (uncorrected) only the stalled request does.
func TestOpenLoopCoordinatedOmission(t *testing.T) {
	client.UseTimerSleep(t)
	synctest.Test(t, func(t *testing.T) {
		const stall = 500 * time.Millisecond
		var calls atomic.Int64
		ok := &pb.RunResponse{TasksCompleted: 1}
		conns := fakeCallers(1, func(ctx context.Context, _ *pb.RunRequest) (*pb.RunResponse, error) {
			if calls.Add(1) == 40 {
				sleepOrDone(ctx, stall)
			}
			return ok, nil
		})
		load := client.Load{Mode: client.Open, Rate: 200, MaxInFlight: 1, Connections: 1, Duration: 1500 * time.Millisecond, Timeout: 5 * time.Second}
		tr, err := client.RunTrial(t.Context(), conns, client.Cell{Job: testJob, Load: load}, 1, nil)
		if err != nil {
			t.Fatalf("RunTrial: %v", err)
		}
		corrected, uncorrected := tr.Hist.Latency.Quantile(0.99), tr.Hist.Uncorrected.Quantile(0.99)
		t.Logf("requests %d, unsent %d, late %d, corrected p99 %v, uncorrected p99 %v, max %v, elapsed %v", tr.Requests, tr.Unsent, tr.LateSends, corrected, uncorrected, tr.Hist.Latency.Max(), tr.Elapsed)
		if corrected < 400*time.Millisecond {
			t.Errorf("corrected p99 = %v, want at least 400ms: the stall must show", corrected)
		}
		// Every other request took 0 on the fake clock, which the
		// histogram reports as its first bucket's bound, about 1µs.
		if uncorrected > 2*time.Microsecond {
			t.Errorf("uncorrected p99 = %v, want about 0: only the stalled request waited on the server", uncorrected)
		}
		if max := tr.Hist.Latency.Max(); max != stall {
			t.Errorf("max = %v, want the %v stall", max, stall)
		}
		if tr.LateSends != 99 || !tr.Saturated {
			t.Errorf("LateSends = %d, Saturated = %v; want 99 late sends and a saturated client", tr.LateSends, tr.Saturated)
		}
		if tr.Requests != 300 || tr.Unsent != 0 {
			t.Errorf("Requests %d, Unsent %d; want the schedule's 300 sent", tr.Requests, tr.Unsent)
		}
	})
}

// TestOpenLoopKeepsRate checks that the schedule, not the server, sets the
// pace: a 50 ms server at 200 req/s needs 10 RPCs in flight (11 at the
// instants a send and an RPC's end coincide, which run in either order),
// and 100 sends 5 ms apart end 50 ms after the last one leaves at 495 ms.
func TestOpenLoopKeepsRate(t *testing.T) {
	client.UseTimerSleep(t)
	synctest.Test(t, func(t *testing.T) {
		var inFlight, most atomic.Int64
		ok := &pb.RunResponse{}
		conns := fakeCallers(2, func(ctx context.Context, _ *pb.RunRequest) (*pb.RunResponse, error) {
			n := inFlight.Add(1)
			defer inFlight.Add(-1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			sleepOrDone(ctx, 50*time.Millisecond)
			return ok, nil
		})
		load := client.Load{Mode: client.Open, Rate: 200, MaxInFlight: 100, Connections: 2, Requests: 100}
		tr, err := client.RunTrial(t.Context(), conns, client.Cell{Job: testJob, Load: load}, 1, nil)
		if err != nil {
			t.Fatalf("RunTrial: %v", err)
		}
		if tr.Elapsed != 545*time.Millisecond {
			t.Errorf("Elapsed = %v, want 545ms", tr.Elapsed)
		}
		if m := most.Load(); m != 10 && m != 11 {
			t.Errorf("most RPCs in flight = %d, want 10 or 11", m)
		}
		if tr.Requests != 100 || tr.LateSends != 0 {
			t.Errorf("Requests = %d, LateSends = %d; want 100 sent on time", tr.Requests, tr.LateSends)
		}
	})
}

// TestOpenLoopStopsAtDuration stalls the only RPC a 200 req/s schedule may
// have outstanding past the end of a 300 ms phase: sends 1–10 leave at
// 0–45 ms, the 10th ends at 545 ms, the 11th (due at 50 ms) leaves then,
// and the 49 still due are counted as unsent and late, not sent afterwards.
func TestOpenLoopStopsAtDuration(t *testing.T) {
	client.UseTimerSleep(t)
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int64
		ok := &pb.RunResponse{}
		conns := fakeCallers(1, func(ctx context.Context, _ *pb.RunRequest) (*pb.RunResponse, error) {
			if calls.Add(1) == 10 {
				sleepOrDone(ctx, 500*time.Millisecond)
			}
			return ok, nil
		})
		load := client.Load{Mode: client.Open, Rate: 200, MaxInFlight: 1, Connections: 1, Duration: 300 * time.Millisecond}
		tr, err := client.RunTrial(t.Context(), conns, client.Cell{Job: testJob, Load: load}, 1, nil)
		if err != nil {
			t.Fatalf("RunTrial: %v", err)
		}
		if tr.Requests != 11 || tr.Unsent != 49 {
			t.Errorf("Requests %d, Unsent %d; want 11 and 49 of the schedule's 60", tr.Requests, tr.Unsent)
		}
		if tr.LateSends != 50 || !tr.Saturated {
			t.Errorf("LateSends %d, Saturated %v; want the 11th and the 49 unsent late, and saturated", tr.LateSends, tr.Saturated)
		}
		if tr.Elapsed != 500*time.Millisecond+45*time.Millisecond {
			t.Errorf("Elapsed %v, want the stall's end (the 10th send leaves at 45ms, ends 500ms later), not the backlog's", tr.Elapsed)
		}
	})
}
