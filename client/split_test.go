package client_test

import (
	"context"
	"math"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/stratbench/stratbench/client"
	"github.com/stratbench/stratbench/client/internal/clienttest"
	"github.com/stratbench/stratbench/hostinfo"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
)

// TestRunTrialServerSplit: a fake server that answers after 20 ms and
// reports 5 ms before its handler began (handler_wait) and 15 ms inside it
// (server_time), with a measured I/O wait of 2.5 ms for each of 2 tasks.
// The trial's server time is their sum, 20 ms; server_wait is 5 ms; each
// request's overhead is its own RPC time minus 20 ms, so the overhead p50
// is the uncorrected p50 less 20 ms; io_wait_mean_ms is exactly 2.5. The
// histograms' relative error is at most 1/128, the stated tolerance.
func TestRunTrialServerSplit(t *testing.T) {
	const (
		wait    = 5 * time.Millisecond
		inside  = 15 * time.Millisecond
		ioWait  = 2500 * time.Microsecond
		tol     = 1.0 / 128
		timeout = 5 * time.Second
	)
	resp := &pb.RunResponse{TasksCompleted: 2, ServerTime: durationpb.New(inside), HandlerWait: durationpb.New(wait),
		IoWaitMean: durationpb.New(ioWait), IoWaits: 2}
	conns := clienttest.StartFake(t, func(ctx context.Context, _ *pb.RunRequest) (*pb.RunResponse, error) {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait + inside):
			return resp, nil
		}
	})
	load := client.Load{Mode: client.Closed, Concurrency: 2, Connections: 1, Duration: 300 * time.Millisecond,
		Warmup: 20 * time.Millisecond, Timeout: timeout}
	tr, err := client.RunTrial(t.Context(), conns, client.Cell{Job: testJob, Load: load}, 1, nil)
	if err != nil || tr.Requests == 0 {
		t.Fatalf("RunTrial: %d requests, %v", tr.Requests, err)
	}
	within := func(name string, got, want time.Duration) {
		t.Helper()
		if d := math.Abs(float64(got - want)); d > tol*float64(want)+float64(time.Microsecond) {
			t.Errorf("%s = %v, want %v within 1/128", name, got, want)
		}
	}
	within("server_wait p50", tr.Hist.ServerWait.Quantile(0.5), wait)
	within("server_wait p99", tr.Hist.ServerWait.Quantile(0.99), wait)
	within("server p50", tr.Hist.Server.Quantile(0.5), wait+inside)
	unc := tr.Hist.Uncorrected.Quantile(0.5)
	if ov := tr.Hist.Overhead.Quantile(0.5); math.Abs(float64(ov-(unc-wait-inside))) > tol*float64(unc)+float64(time.Microsecond) {
		t.Errorf("overhead p50 %v, want uncorrected p50 %v − %v within %v", ov, unc, wait+inside, time.Duration(tol*float64(unc)))
	}
	if n := tr.Hist.Overhead.Count(); n != tr.Requests {
		t.Errorf("overhead recorded %d times, want once per request (%d)", n, tr.Requests)
	}
	row := tr.Row("run", nil, hostinfo.Fingerprint{})
	if row.IOWaitMeanMs != 2.5 {
		t.Errorf("io_wait_mean_ms %v, want exactly 2.5", row.IOWaitMeanMs)
	}
	if math.Abs(row.ServerWaitP50Ms-5) > 5*tol || math.IsNaN(row.OverheadP99Ms) {
		t.Errorf("row server_wait_p50_ms %v overhead_p99_ms %v", row.ServerWaitP50Ms, row.OverheadP99Ms)
	}
}

// TestRunTrialOldServerSplitAbsent: a server that sends neither
// handler_wait nor an I/O wait leaves server_wait, overhead and
// io_wait_mean absent in the row (NaN, written empty), never 0, and its
// server time is its server_time alone.
func TestRunTrialOldServerSplitAbsent(t *testing.T) {
	conns := clienttest.StartFake(t, sleepHandler(2*time.Millisecond))
	load := client.Load{Mode: client.Closed, Concurrency: 1, Connections: 1, Duration: 100 * time.Millisecond, Timeout: 5 * time.Second}
	tr, err := client.RunTrial(t.Context(), conns, client.Cell{Job: testJob, Load: load}, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	row := tr.Row("run", nil, hostinfo.Fingerprint{})
	for name, v := range map[string]float64{"io_wait_mean_ms": row.IOWaitMeanMs, "server_wait_p50_ms": row.ServerWaitP50Ms,
		"server_wait_p99_ms": row.ServerWaitP99Ms, "overhead_p50_ms": row.OverheadP50Ms, "overhead_p99_ms": row.OverheadP99Ms} {
		if !math.IsNaN(v) {
			t.Errorf("%s = %v, want absent", name, v)
		}
	}
	if p50 := tr.Hist.Server.Quantile(0.5); math.Abs(float64(p50-2*time.Millisecond)) > float64(2*time.Millisecond)/128 {
		t.Errorf("server p50 %v, want the reported 2ms", p50)
	}
}

// TestRunTrialRealServerMeasuredWait: against the real server, I/O jobs of
// exactly 2 ms report a measured mean wait of at least 2 ms (a timer never
// fires early) and a server-side split; CPU jobs have no I/O wait.
func TestRunTrialRealServerMeasuredWait(t *testing.T) {
	conns, info := clienttest.StartRealServer(t)
	load := client.Load{Mode: client.Closed, Concurrency: 2, Connections: 1, Duration: 200 * time.Millisecond, Timeout: 5 * time.Second}
	io := &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_POOL, Workload: pb.Workload_WORKLOAD_IO, Tasks: 4, Parallelism: 2,
		IoLatency: durationpb.New(2 * time.Millisecond)}
	tr, err := client.RunTrial(t.Context(), conns, client.Cell{Job: io, Load: load}, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	row := tr.Row("run", info, hostinfo.Fingerprint{})
	if !(row.IOWaitMeanMs >= 2) || math.IsNaN(row.ServerWaitP50Ms) || math.IsNaN(row.OverheadP50Ms) || tr.IOWaits != 4*tr.Requests {
		t.Errorf("io_wait_mean_ms %v over %d waits of %d requests, server_wait_p50 %v, overhead_p50 %v; want ≥ 2, 4 per request, present",
			row.IOWaitMeanMs, tr.IOWaits, tr.Requests, row.ServerWaitP50Ms, row.OverheadP50Ms)
	}
	cpu := &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_POOL, Workload: pb.Workload_WORKLOAD_CPU, Tasks: 2, Parallelism: 2, CpuIterations: 10}
	tr, err = client.RunTrial(t.Context(), conns, client.Cell{Job: cpu, Load: load}, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if row := tr.Row("run", info, hostinfo.Fingerprint{}); !math.IsNaN(row.IOWaitMeanMs) {
		t.Errorf("CPU job io_wait_mean_ms %v, want absent", row.IOWaitMeanMs)
	}
}
