package client_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stratbench/stratbench/client"
	"github.com/stratbench/stratbench/client/internal/clienttest"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
)

// TestOpenLoopCoordinatedOmission stalls one request for 500 ms while the
// client may have only one RPC outstanding, so about 100 sends of a
// 200 req/s schedule wait behind it. Measured from their intended times
// (corrected) they show the stall; measured from their actual sends
// (uncorrected) only the stalled request does.
func TestOpenLoopCoordinatedOmission(t *testing.T) {
	const stall = 500 * time.Millisecond
	var calls atomic.Int64
	ok := &pb.RunResponse{TasksCompleted: 1}
	conns := clienttest.StartFake(t, func(ctx context.Context, _ *pb.RunRequest) (*pb.RunResponse, error) {
		if calls.Add(1) == 40 {
			select {
			case <-time.After(stall):
			case <-ctx.Done():
			}
		}
		return ok, nil
	})
	load := client.Load{Mode: client.Open, Rate: 200, MaxInFlight: 1, Connections: 1, Duration: 1500 * time.Millisecond, Timeout: 5 * time.Second}
	tr, err := client.RunTrial(t.Context(), conns, client.Cell{Job: testJob, Load: load}, 1, nil)
	if err != nil {
		t.Fatalf("RunTrial: %v", err)
	}
	corrected, uncorrected := tr.Hist.Latency.Quantile(0.99), tr.Hist.Uncorrected.Quantile(0.99)
	t.Logf("requests %d, late %d, corrected p99 %v, uncorrected p99 %v, max %v", tr.Requests, tr.LateSends, corrected, uncorrected, tr.Hist.Latency.Max())
	if corrected < 400*time.Millisecond {
		t.Errorf("corrected p99 = %v, want at least 400ms: the stall must show", corrected)
	}
	if uncorrected > 100*time.Millisecond {
		t.Errorf("uncorrected p99 = %v, want well under the stall", uncorrected)
	}
	if max := tr.Hist.Latency.Max(); max < stall {
		t.Errorf("max = %v, want at least the %v stall", max, stall)
	}
	if tr.LateSends < 80 || !tr.Saturated {
		t.Errorf("LateSends = %d, Saturated = %v; want about 100 late sends and a saturated client", tr.LateSends, tr.Saturated)
	}
	if tr.Requests+tr.Unsent != 300 {
		t.Errorf("Requests %d + Unsent %d, want the schedule's 300", tr.Requests, tr.Unsent)
	}
}

// TestOpenLoopKeepsRate checks that the schedule, not the server, sets the
// pace: a 50 ms server at 200 req/s needs about 10 RPCs in flight.
func TestOpenLoopKeepsRate(t *testing.T) {
	var inFlight, most atomic.Int64
	ok := &pb.RunResponse{}
	conns := clienttest.StartFake(t, func(ctx context.Context, _ *pb.RunRequest) (*pb.RunResponse, error) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		select {
		case <-time.After(50 * time.Millisecond):
		case <-ctx.Done():
		}
		return ok, nil
	})
	load := client.Load{Mode: client.Open, Rate: 200, MaxInFlight: 100, Connections: 2, Requests: 100}
	tr, err := client.RunTrial(t.Context(), conns, client.Cell{Job: testJob, Load: load}, 1, nil)
	if err != nil {
		t.Fatalf("RunTrial: %v", err)
	}
	// 100 sends 5ms apart leave over 495ms, the last ends 50ms later; the
	// bounds leave room for a busy host.
	if tr.Elapsed < 500*time.Millisecond || tr.Elapsed > 1500*time.Millisecond {
		t.Errorf("Elapsed = %v, want about 545ms", tr.Elapsed)
	}
	if m := most.Load(); m < 5 || m > 60 {
		t.Errorf("most RPCs in flight = %d, want about 10", m)
	}
	if tr.Requests != 100 {
		t.Errorf("Requests = %d, want 100", tr.Requests)
	}
	// Late sends depend on how busy the host is, so they are only logged.
	t.Logf("late sends %d of 100, client CPU %.0f%%", tr.LateSends, tr.CPU.Percent)
}

// TestOpenLoopStopsAtDuration stalls the only RPC a 200 req/s schedule may
// have outstanding past the end of a 300 ms phase: the sends still due then
// are counted as unsent and late, not sent afterwards.
func TestOpenLoopStopsAtDuration(t *testing.T) {
	var calls atomic.Int64
	ok := &pb.RunResponse{}
	conns := clienttest.StartFake(t, func(ctx context.Context, _ *pb.RunRequest) (*pb.RunResponse, error) {
		if calls.Add(1) == 10 {
			select {
			case <-time.After(500 * time.Millisecond):
			case <-ctx.Done():
			}
		}
		return ok, nil
	})
	load := client.Load{Mode: client.Open, Rate: 200, MaxInFlight: 1, Connections: 1, Duration: 300 * time.Millisecond}
	tr, err := client.RunTrial(t.Context(), conns, client.Cell{Job: testJob, Load: load}, 1, nil)
	if err != nil {
		t.Fatalf("RunTrial: %v", err)
	}
	t.Logf("requests %d, unsent %d, late %d, elapsed %v", tr.Requests, tr.Unsent, tr.LateSends, tr.Elapsed)
	if tr.Requests+tr.Unsent != 60 || tr.Unsent < 30 {
		t.Errorf("Requests %d + Unsent %d, want the schedule's 60 with most unsent", tr.Requests, tr.Unsent)
	}
	if tr.LateSends < tr.Unsent || !tr.Saturated {
		t.Errorf("LateSends %d, Saturated %v; want the unsent among the late, and saturated", tr.LateSends, tr.Saturated)
	}
	if tr.Elapsed > time.Second {
		t.Errorf("Elapsed %v, want about the stall's 500ms, not the backlog's", tr.Elapsed)
	}
}
