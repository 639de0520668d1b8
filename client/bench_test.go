package client_test

import (
	"bufio"
	"context"
	"errors"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"

	"github.com/stratbench/stratbench/client"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
)

// The benchmarks compare the client's CPU cost per RPC with that of a bare
// loop of generated-stub calls. The server runs in a child process (the test
// binary's clienttest.Serve, answering an empty RunResponse over 127.0.0.1 TCP),
// so that the cpu-ns/op metric, the process's getrusage user+system time
// per RPC, is the client's alone.

// trivialJob is one task of one CPU iteration; the fake server ignores it.
var trivialJob = &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_SERIAL, Workload: pb.Workload_WORKLOAD_CPU, Tasks: 1, CpuIterations: 1}

// benchServer starts clienttest.Serve in a child process and returns one
// connection to it.
func benchServer(b *testing.B) *grpc.ClientConn {
	b.Helper()
	cmd := exec.Command(testExecutable(b), "serve", "--addr", "127.0.0.1:0", "--print-addr")
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	})
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		b.Fatalf("read the fake server's address: %v", err)
	}
	conns, err := client.Dial(addr[:len(addr)-1], 1)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = client.CloseConns(conns) })
	// One call connects and warms the connection before timing.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := pb.NewBenchServiceClient(conns[0]).Run(ctx, trivialJob, grpc.WaitForReady(true)); err != nil {
		b.Fatalf("first RPC: %v", err)
	}
	return conns[0]
}

// cpuTime returns the process's user plus system CPU time.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkBareUnary is the baseline: a loop of stub calls that measures
// nothing.
func BenchmarkBareUnary(b *testing.B) {
	stub := pb.NewBenchServiceClient(benchServer(b))
	ctx := context.Background()
	b.ReportAllocs()
	start := cpuTime(b)
	n := 0
	for b.Loop() {
		if _, err := stub.Run(ctx, trivialJob); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(cpuTime(b)-start)/float64(n), "cpu-ns/op")
}

// BenchmarkClosedLoop sends the same RPCs through RunTrial with one
// closed-loop worker, recording everything a trial records, with and
// without a per-RPC timeout (which costs a context.WithTimeout per RPC).
func BenchmarkClosedLoop(b *testing.B) {
	conns := []grpc.ClientConnInterface{benchServer(b)}
	for _, bc := range []struct {
		name    string
		timeout time.Duration
	}{{"timeout=30s", 30 * time.Second}, {"timeout=none", 0}} {
		b.Run(bc.name, func(b *testing.B) {
			load := client.Load{Mode: client.Closed, Concurrency: 1, Connections: 1, Requests: b.N, Timeout: bc.timeout}
			b.ReportAllocs()
			b.ResetTimer()
			start := cpuTime(b)
			tr, err := client.RunTrial(context.Background(), conns, client.Cell{Job: trivialJob, Load: load}, 1, nil)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N), "cpu-ns/op")
			if tr.Requests != uint64(b.N) || tr.Errors != 0 {
				b.Fatalf("trial: %d requests, %d errors; want %d and 0", tr.Requests, tr.Errors, b.N)
			}
		})
	}
}

// BenchmarkOpenLoop5000 runs the open loop at 5,000 requests/s, b.N
// requests, and reports the share of late sends ("late-%", the target is
// below 1) besides the client's CPU per RPC.
func BenchmarkOpenLoop5000(b *testing.B) {
	conns := []grpc.ClientConnInterface{benchServer(b)}
	load := client.Load{Mode: client.Open, Rate: 5000, MaxInFlight: 1000, Connections: 1, Requests: b.N, Timeout: 30 * time.Second}
	b.ReportAllocs()
	b.ResetTimer()
	start := cpuTime(b)
	tr, err := client.RunTrial(context.Background(), conns, client.Cell{Job: trivialJob, Load: load}, 1, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(100*float64(tr.LateSends)/float64(tr.Requests), "late-%")
	b.ReportMetric(float64(tr.Hist.Latency.Quantile(0.99))/1e3, "p99-µs")
}

// nopConn is a grpc.ClientConnInterface whose unary calls succeed at once
// without leaving the process, so that a benchmark through it measures the
// client's own work per RPC, gRPC excluded.
type nopConn struct{}

func (nopConn) Invoke(_ context.Context, _ string, _, reply any, _ ...grpc.CallOption) error {
	reply.(*pb.RunResponse).TasksCompleted = 1
	return nil
}

func (nopConn) NewStream(context.Context, *grpc.StreamDesc, string, ...grpc.CallOption) (grpc.ClientStream, error) {
	return nil, errors.New("nopConn: no streams")
}

// BenchmarkClientOverhead runs a one-worker closed loop over nopConn: its
// ns/op and allocs/op are the client's own cost per RPC, which the
// benchmarks over a real connection cannot separate from gRPC's noise.
func BenchmarkClientOverhead(b *testing.B) {
	for _, bc := range []struct {
		name    string
		timeout time.Duration
	}{{"timeout=30s", 30 * time.Second}, {"timeout=none", 0}} {
		b.Run(bc.name, func(b *testing.B) {
			load := client.Load{Mode: client.Closed, Concurrency: 1, Connections: 1, Requests: b.N, Timeout: bc.timeout}
			b.ReportAllocs()
			b.ResetTimer()
			tr, err := client.RunTrial(context.Background(), []grpc.ClientConnInterface{nopConn{}}, client.Cell{Job: trivialJob, Load: load}, 1, nil)
			if err != nil || tr.Requests != uint64(b.N) {
				b.Fatalf("trial: %v, %v", tr, err)
			}
		})
	}
}
