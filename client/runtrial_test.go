package client_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/stratbench/stratbench/client"
	"github.com/stratbench/stratbench/client/internal/clienttest"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
)

var testJob = &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_POOL, Workload: pb.Workload_WORKLOAD_IO, Tasks: 2, Parallelism: 2}

// sleepHandler answers after d, or with the context's error when it ends
// first, reporting d as its server time and completing 2 tasks.
func sleepHandler(d time.Duration) func(context.Context, *pb.RunRequest) (*pb.RunResponse, error) {
	resp := &pb.RunResponse{TasksCompleted: 2, ServerTime: durationpb.New(d), QueueTime: durationpb.New(d / 4)}
	return func(ctx context.Context, _ *pb.RunRequest) (*pb.RunResponse, error) {
		select {
		case <-ctx.Done():
			return nil, status.FromContextError(ctx.Err()).Err()
		case <-time.After(d):
			return resp, nil
		}
	}
}

// TestRunTrialKnownLatency runs both modes against a 20 ms server on a
// testing/synctest bubble's fake clock, where that latency is exact.
func TestRunTrialKnownLatency(t *testing.T) {
	client.UseTimerSleep(t)
	const latency = 20 * time.Millisecond
	for _, load := range []client.Load{
		{Mode: client.Closed, Concurrency: 2, Connections: 2, Duration: 400 * time.Millisecond, Warmup: 50 * time.Millisecond, Timeout: 5 * time.Second},
		{Mode: client.Open, Rate: 100, MaxInFlight: 10, Connections: 2, Duration: 400 * time.Millisecond, Warmup: 50 * time.Millisecond, Timeout: 5 * time.Second},
	} {
		t.Run(load.Mode.String(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				conns := fakeCallers(2, sleepHandler(latency))
				var calls atomic.Int32
				var last client.Progress // written by the progress callback, read after RunTrial returns
				tr, err := client.RunTrial(t.Context(), conns, client.Cell{Job: testJob, Load: load}, 3,
					func(p client.Progress) { calls.Add(1); last = p })
				if err != nil {
					t.Fatalf("RunTrial: %v", err)
				}
				if !tr.Complete || tr.Index != 3 {
					t.Errorf("Complete = %v, Index = %d; want true, 3", tr.Complete, tr.Index)
				}
				if tr.Requests == 0 || tr.Errors != 0 || len(tr.ErrorsByCode) != 0 {
					t.Fatalf("Requests = %d, Errors = %d %v; want some requests and no errors", tr.Requests, tr.Errors, tr.ErrorsByCode)
				}
				// 400 ms of 2 workers × 20 ms RPCs back to back, or of sends at
				// 100/s: 40 requests either way.
				if tr.Requests != 40 {
					t.Errorf("Requests = %d, want 40", tr.Requests)
				}
				if p50 := tr.Hist.Latency.Quantile(0.5); p50 < latency*99/100 || p50 > latency*101/100 {
					t.Errorf("p50 = %v, want %v within the histogram's 1%%", p50, latency)
				}
				if p50 := tr.Hist.Server.Quantile(0.5); p50 < latency*99/100 || p50 > latency*101/100 {
					t.Errorf("server p50 = %v, want %v within 1%%", p50, latency)
				}
				if q := tr.Hist.Queue.Max(); q != latency/4 {
					t.Errorf("queue max = %v, want %v", q, latency/4)
				}
				if got := tr.Hist.Latency.Count(); got != tr.Requests || tr.Hist.Uncorrected.Count() != got {
					t.Errorf("latency count %d, uncorrected %d, want Requests %d", got, tr.Hist.Uncorrected.Count(), tr.Requests)
				}
				if tr.TasksCompleted != 2*tr.Requests {
					t.Errorf("TasksCompleted = %d, want 2 × %d", tr.TasksCompleted, tr.Requests)
				}
				if tr.Elapsed < load.Duration || tr.Elapsed > load.Duration+latency {
					t.Errorf("Elapsed = %v, want %v plus at most the last RPC's %v", tr.Elapsed, load.Duration, latency)
				}
				if tr.Throughput() <= 0 || tr.TasksPerSecond() != 2*tr.Throughput() {
					t.Errorf("Throughput = %v, TasksPerSecond = %v", tr.Throughput(), tr.TasksPerSecond())
				}
				if tr.StartedAt.IsZero() || tr.StartedAt.Location() != time.UTC {
					t.Errorf("StartedAt = %v, want a UTC time", tr.StartedAt)
				}
				if tr.CPU.Wall <= 0 {
					t.Errorf("CPU = %+v, want a measured wall time", tr.CPU)
				}
				if calls.Load() < 2 {
					t.Errorf("progress was called %d times, want periodic calls and a last one", calls.Load())
				}
				if p99 := tr.Hist.Latency.Quantile(0.99); last.Done != tr.Requests || last.Elapsed != tr.Elapsed ||
					last.P99 < p99*85/100 || last.P99 > p99*115/100 {
					t.Errorf("last progress %+v; want Done %d, Elapsed %v, P99 near %v", last, tr.Requests, tr.Elapsed, p99)
				}
			})
		})
	}
}

// failEvery3rd fails every third call, alternating Unavailable and
// ResourceExhausted, and answers the others at once.
func failEvery3rd(calls *atomic.Int64) func(context.Context, *pb.RunRequest) (*pb.RunResponse, error) {
	ok := &pb.RunResponse{TasksCompleted: 1}
	return func(context.Context, *pb.RunRequest) (*pb.RunResponse, error) {
		switch n := calls.Add(1); {
		case n%6 == 3:
			return nil, status.Error(codes.Unavailable, "down")
		case n%6 == 0:
			return nil, status.Error(codes.ResourceExhausted, "full")
		}
		return ok, nil
	}
}

func TestRunTrialErrorsByCodeExact(t *testing.T) {
	const requests = 300
	for _, load := range []client.Load{
		{Mode: client.Closed, Concurrency: 3, Connections: 3, Requests: requests},
		{Mode: client.Open, Rate: 5000, MaxInFlight: 8, Connections: 2, Requests: requests},
		// Beyond 64 workers, workers share recorders.
		{Mode: client.Closed, Concurrency: 100, Connections: 4, Requests: requests},
		{Mode: client.Open, Rate: 20000, MaxInFlight: 100, Connections: 4, Requests: requests},
	} {
		t.Run(load.Mode.String(), func(t *testing.T) {
			var calls atomic.Int64
			conns := clienttest.StartFake(t, failEvery3rd(&calls))
			tr, err := client.RunTrial(t.Context(), conns, client.Cell{Job: testJob, Load: load}, 1, nil)
			if err != nil {
				t.Fatalf("RunTrial: %v", err)
			}
			if calls.Load() != requests {
				t.Fatalf("server saw %d calls, want exactly %d", calls.Load(), requests)
			}
			want := map[codes.Code]uint64{codes.Unavailable: 50, codes.ResourceExhausted: 50}
			if tr.Requests != requests || tr.Errors != 100 || len(tr.ErrorsByCode) != 2 ||
				tr.ErrorsByCode[codes.Unavailable] != 50 || tr.ErrorsByCode[codes.ResourceExhausted] != 50 {
				t.Fatalf("Requests %d, Errors %d, by code %v; want %d, 100, %v", tr.Requests, tr.Errors, tr.ErrorsByCode, requests, want)
			}
			if tr.Hist.Latency.Count() != 200 || tr.Hist.Errors.Count() != 100 || tr.TasksCompleted != 200 {
				t.Errorf("latency count %d, error count %d, tasks %d; want 200, 100, 200",
					tr.Hist.Latency.Count(), tr.Hist.Errors.Count(), tr.TasksCompleted)
			}
			row := tr.Row("r", clienttest.Info, fakeFingerprint)
			if row.Errors != 100 || row.ErrorsByCode["UNAVAILABLE"] != 50 || row.ErrorsByCode["RESOURCE_EXHAUSTED"] != 50 {
				t.Errorf("row errors %d by code %v", row.Errors, row.ErrorsByCode)
			}
		})
	}
}

func TestRunTrialWarmupExcluded(t *testing.T) {
	client.UseTimerSleep(t)
	// The first 5 calls fail, all within the warm-up, so the measured phase
	// sees none of them.
	for _, load := range []client.Load{
		{Mode: client.Closed, Concurrency: 2, Connections: 1, Requests: 20, Warmup: 150 * time.Millisecond},
		{Mode: client.Open, Rate: 200, MaxInFlight: 4, Connections: 1, Requests: 20, Warmup: 150 * time.Millisecond},
	} {
		t.Run(load.Mode.String(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var calls atomic.Int64
				ok := &pb.RunResponse{TasksCompleted: 1}
				conns := fakeCallers(1, func(context.Context, *pb.RunRequest) (*pb.RunResponse, error) {
					if calls.Add(1) <= 5 {
						return nil, status.Error(codes.Internal, "cold")
					}
					time.Sleep(time.Millisecond)
					return ok, nil
				})
				tr, err := client.RunTrial(t.Context(), conns, client.Cell{Job: testJob, Load: load}, 1, nil)
				if err != nil {
					t.Fatalf("RunTrial: %v", err)
				}
				if tr.Requests != 20 || tr.Errors != 0 || tr.TasksCompleted != 20 || tr.Hist.Latency.Count() != 20 {
					t.Fatalf("Requests %d, Errors %d, tasks %d, latency count %d; want 20, 0, 20, 20",
						tr.Requests, tr.Errors, tr.TasksCompleted, tr.Hist.Latency.Count())
				}
				if n := calls.Load(); n < 25 {
					t.Errorf("server saw %d calls, want the 20 measured ones and at least 5 in warm-up", n)
				}
			})
		})
	}
}

// TestRunTrialCancel cancels trials whose RPCs never end, on a
// testing/synctest bubble's fake clock: RunTrial must return at the
// deadline itself, with no time passing after it.
func TestRunTrialCancel(t *testing.T) {
	client.UseTimerSleep(t)
	for _, load := range []client.Load{
		{Mode: client.Closed, Concurrency: 4, Connections: 2, Duration: time.Minute, Timeout: time.Minute},
		{Mode: client.Open, Rate: 1000, MaxInFlight: 50, Connections: 2, Duration: time.Minute, Timeout: time.Minute},
		{Mode: client.Open, Rate: 10, MaxInFlight: 50, Connections: 1, Duration: time.Minute, Warmup: time.Minute},
	} {
		t.Run(load.Mode.String(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				// The server never answers, so every RPC is in flight when the
				// trial is cancelled.
				conns := fakeCallers(2, func(ctx context.Context, _ *pb.RunRequest) (*pb.RunResponse, error) {
					<-ctx.Done()
					return nil, status.FromContextError(ctx.Err()).Err()
				})
				ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
				defer cancel()
				start := time.Now()
				tr, err := client.RunTrial(ctx, conns, client.Cell{Job: testJob, Load: load}, 1, nil)
				if took := time.Since(start); took != 200*time.Millisecond {
					t.Errorf("RunTrial took %v on the fake clock, want the 200ms deadline exactly", took)
				}
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("err = %v, want context.DeadlineExceeded", err)
				}
				if tr == nil || tr.Complete {
					t.Fatalf("trial = %+v, want a partial trial", tr)
				}
				if tr.Requests != 0 || tr.Errors != 0 {
					t.Errorf("Requests %d, Errors %d; RPCs cut by cancellation must not count", tr.Requests, tr.Errors)
				}
			})
		})
	}
}

// TestRunTrialTimeout runs a 1 s server with a 20 ms RPC timeout on a
// testing/synctest bubble's fake clock: every RPC fails at exactly 20 ms.
func TestRunTrialTimeout(t *testing.T) { synctest.Test(t, testRunTrialTimeout) }

func testRunTrialTimeout(t *testing.T) {
	conns := fakeCallers(1, sleepHandler(time.Second))
	load := client.Load{Mode: client.Closed, Concurrency: 2, Connections: 1, Requests: 4, Timeout: 20 * time.Millisecond}
	tr, err := client.RunTrial(t.Context(), conns, client.Cell{Job: testJob, Load: load}, 1, nil)
	if err != nil {
		t.Fatalf("RunTrial: %v", err)
	}
	if tr.Errors != 4 || tr.ErrorsByCode[codes.DeadlineExceeded] != 4 {
		t.Fatalf("Errors %d by code %v, want 4 DeadlineExceeded", tr.Errors, tr.ErrorsByCode)
	}
	if tr.Throughput() != 0 || tr.Hist.Latency.Count() != 0 {
		t.Errorf("Throughput %v, latency count %d; want 0 and 0", tr.Throughput(), tr.Hist.Latency.Count())
	}
	if lo, hi := tr.Hist.Errors.Min(), tr.Hist.Errors.Max(); lo != 20*time.Millisecond || hi != 20*time.Millisecond {
		t.Errorf("error latency from %v to %v, want the 20ms timeout exactly", lo, hi)
	}
}

func TestRunTrialInvalid(t *testing.T) {
	conns := clienttest.StartFake(t, sleepHandler(0))
	valid := client.Load{Mode: client.Closed, Concurrency: 1, Connections: 1, Requests: 1}
	tests := []struct {
		name string
		cell client.Cell
	}{
		{"bad load", client.Cell{Job: testJob, Load: client.Load{Mode: client.Closed}}},
		{"no job", client.Cell{Load: valid}},
		{"too few connections", client.Cell{Job: testJob, Load: func() client.Load { l := valid; l.Connections = clienttest.Conns + 1; return l }()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tr, err := client.RunTrial(t.Context(), conns, tt.cell, 1, nil); err == nil || tr != nil {
				t.Fatalf("RunTrial = %v, %v; want nil and an error", tr, err)
			}
		})
	}
}
