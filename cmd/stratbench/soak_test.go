package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/stratbench/stratbench/client"
	"github.com/stratbench/stratbench/client/sweep"
	"github.com/stratbench/stratbench/internal/testcert"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/results/record"
	"github.com/stratbench/stratbench/server"
)

// The soak's bounds and tolerances.
const (
	// soakLanes run scenarios at once, each its own sequence.
	soakLanes = 3
	// soakMaxJobs is the server's admission limit, low enough for the
	// flood scenario to be shed.
	soakMaxJobs = 16
	// soakSettle bounds the wait for goroutines to return to the baseline
	// once the load has stopped: the server ends a connection's goroutines
	// only after it reads the client's close.
	soakSettle = 15 * time.Second
	// soakHeapSlack is how far the live heap after a full GC may end above
	// the baseline. The baseline is taken after every scenario ran once, so
	// caches that grow once (HPACK tables, the shared-strategy registry up to
	// its limit, lazily built protobuf and gRPC tables) are in it; sync.Pools
	// are emptied by the two GCs. What is left is noise: +0.06 MiB after a
	// 20 s soak on 2 cores, from a 0.8 MiB baseline. A leak of 40 bytes per
	// RPC over the ~120 000 RPCs of a 2-minute soak would exceed 4 MiB.
	soakHeapSlack = 4 << 20
)

// TestSoak runs SOAK_DURATION (make soak: 2m) of mixed load against an
// in-process server on 127.0.0.1 with TLS and a token: `run` closed and
// open loop, server scope and `sweep` through the commands, and direct
// RPCs that fail validation, time out, are cancelled, fail, panic, abort,
// lack the token or flood the admission limit. Every scenario runs once
// before the baseline is taken. After the load it asserts that goroutines
// return to the baseline exactly (waiting up to soakSettle) and that the
// live heap is within soakHeapSlack of it; after the server stops, that
// goroutines are back to where they were before it started.
//
// It runs only when SOAK_DURATION is set, as `make soak` does; `make test`
// skips it (but builds, vets and lints it).
func TestSoak(t *testing.T) {
	s := os.Getenv("SOAK_DURATION")
	if s == "" {
		t.Skip("set SOAK_DURATION (make soak) to run the soak test")
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		t.Fatalf("SOAK_DURATION %q is not a positive duration", s)
	}
	if dl, ok := t.Deadline(); ok && time.Until(dl) < d+2*time.Minute {
		t.Fatalf("SOAK_DURATION %v and 2 minutes of set-up and checks do not fit in go test -timeout (%v left); raise SOAK_TIMEOUT",
			d, time.Until(dl).Round(time.Second))
	}
	before := settledGoroutines(0, 0)

	files := testcert.Write(t)
	env := &soakEnv{dir: t.TempDir()}
	env.token = writeSecret(t, "token", tlsTestToken)
	env.wrongToken = writeSecret(t, "wrong", "not-the-token-of-the-soak-server")
	env.matrix = writeMatrix(t, "100ms")
	env.files = files
	srvCtx, stopServer := context.WithCancel(context.Background())
	defer stopServer()
	served := make(chan error, 1)
	env.addr, env.svc = startSoakServer(t, srvCtx, files, served)
	env.creds = []string{"--target", env.addr, "--tls-ca", files.CA, "--token-file", env.token}

	// Every scenario in each of its variants that makes something for good
	// (the server-scope strategies, whose pool workers live until the server
	// stops), so that it is in the baseline.
	for _, s := range soakScenarios {
		for i := range 3 {
			if err := s.run(t.Context(), env, 0, i); err != nil {
				t.Fatalf("warm-up %s: %v", s.name, err)
			}
		}
	}
	baseG := settledGoroutines(0, 0)
	baseHeap := liveHeap()
	t.Logf("baseline: %d goroutines, live heap %.2f MiB", baseG, mib(baseHeap))

	ctx, cancel := context.WithTimeout(t.Context(), d)
	defer cancel()
	var lanes sync.WaitGroup
	var errs atomic.Int64
	for lane := range soakLanes {
		lanes.Go(func() {
			for i := lane; ctx.Err() == nil; i++ {
				s := soakScenarios[i%len(soakScenarios)]
				err := s.run(ctx, env, lane, i)
				s.count.Add(1)
				if err != nil && ctx.Err() == nil && errs.Add(1) <= 10 {
					t.Errorf("lane %d, %s: %v", lane, s.name, err)
				}
			}
		})
	}
	var sampler sync.WaitGroup
	sampler.Go(func() {
		tick := time.NewTicker(d / 4)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				t.Logf("under load: %d goroutines, live heap %.2f MiB, %d jobs in flight",
					runtime.NumGoroutine(), mib(liveHeap()), env.svc.InFlight())
			}
		}
	})
	lanes.Wait()
	sampler.Wait()
	for _, s := range soakScenarios {
		t.Logf("%-14s ran %d times", s.name, s.count.Load())
	}
	t.Logf("measured RPCs in the CSVs: %d; direct RPCs: %d", env.measured(t), env.direct.Load())

	afterG := settledGoroutines(baseG, soakSettle)
	afterHeap := liveHeap()
	t.Logf("after:    %d goroutines (baseline %d), live heap %.2f MiB (baseline %.2f MiB, %+.2f MiB)",
		afterG, baseG, mib(afterHeap), mib(baseHeap), mib(afterHeap)-mib(baseHeap))
	if afterG > baseG {
		var buf bytes.Buffer
		_ = pprof.Lookup("goroutine").WriteTo(&buf, 1)
		t.Errorf("%d goroutines after the load, %d at the baseline:\n%s", afterG, baseG, buf.String())
	}
	if afterHeap > baseHeap+soakHeapSlack {
		t.Errorf("live heap %.2f MiB after the load, %.2f MiB at the baseline: more than %.0f MiB above",
			mib(afterHeap), mib(baseHeap), mib(soakHeapSlack))
	}
	if n := env.svc.InFlight(); n != 0 {
		t.Errorf("%d jobs in flight after the load", n)
	}

	stopServer()
	if err := <-served; err != nil {
		t.Errorf("server: %v", err)
	}
	if g := settledGoroutines(before, soakSettle); g > before {
		t.Errorf("%d goroutines after the server stopped, %d before it started", g, before)
	}
}

// soakEnv is what the scenarios share.
type soakEnv struct {
	addr              string
	svc               *server.Service
	files             testcert.Files
	token, wrongToken string
	creds             []string // the flags that reach the server
	matrix            string
	dir               string
	direct            atomic.Int64 // direct RPCs sent
}

// csv returns lane's CSV file for `run --out`.
func (e *soakEnv) csv(lane int) string {
	return filepath.Join(e.dir, "lane"+strconv.Itoa(lane)+".csv")
}

// measured sums the requests of every row the runs and sweeps wrote.
func (e *soakEnv) measured(t *testing.T) uint64 {
	var n uint64
	paths, _ := filepath.Glob(filepath.Join(e.dir, "*.csv"))
	more, _ := filepath.Glob(filepath.Join(e.dir, "reports*", "*", sweep.ResultsFile))
	for _, p := range append(paths, more...) {
		rows, err := record.ReadCSVFile(p)
		if err != nil {
			t.Errorf("%s: %v", p, err)
		}
		for _, r := range rows {
			n += r.Requests
		}
	}
	return n
}

// startSoakServer serves a BenchService on 127.0.0.1 with TLS, the token
// and an admission limit of soakMaxJobs, through server.Serve, until ctx
// ends; Serve's result goes to served.
func startSoakServer(t *testing.T, ctx context.Context, files testcert.Files, served chan<- error) (string, *server.Service) {
	t.Helper()
	cfg, err := server.TLSConfig(files.ServerCert, files.ServerKey, "")
	if err != nil {
		t.Fatal(err)
	}
	unary, stream := server.TokenAuth(tlsTestToken)
	l := server.DefaultLimits()
	l.MaxJobsInFlight = soakMaxJobs
	svc := server.New(l, server.Fingerprint(1))
	gs, hs := server.NewGRPCServer(svc, l, grpc.Creds(credentials.NewTLS(cfg)),
		grpc.UnaryInterceptor(unary), grpc.StreamInterceptor(stream))
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { // owned by TestSoak, which waits for served
		served <- server.Serve(ctx, lis, gs, hs, svc, time.Second, slog.New(slog.NewTextHandler(io.Discard, nil)))
	}()
	return lis.Addr().String(), svc
}

// settledGoroutines polls runtime.NumGoroutine until it is at most want or
// wait passes, and returns the last count; with wait 0 it waits for the
// count to stop falling for 200 ms.
func settledGoroutines(want int, wait time.Duration) int {
	deadline := time.Now().Add(wait)
	n := runtime.NumGoroutine()
	for {
		time.Sleep(200 * time.Millisecond)
		m := runtime.NumGoroutine()
		if wait == 0 && m >= n || wait > 0 && (m <= want || time.Now().After(deadline)) {
			return m
		}
		n = m
	}
}

// liveHeap returns the bytes of live heap objects after two full GCs (the
// second empties what sync.Pools kept through the first).
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

// soakScenario is one kind of load; run returns an error when the outcome
// is not what the scenario expects.
type soakScenario struct {
	name  string
	run   func(ctx context.Context, e *soakEnv, lane, i int) error
	count atomic.Int64
}

var (
	soakStrategies = []string{"serial", "goroutine-per-task", "pool", "semaphore", "pipeline"}
	soakWorkloads  = []string{"cpu", "io", "mixed"}
)

var soakScenarios = []*soakScenario{
	{name: "run closed", run: func(ctx context.Context, e *soakEnv, lane, i int) error {
		return soakCmd(ctx, runCmd, append([]string{"--strategy", soakStrategies[i%5], "--workload", soakWorkloads[i%3],
			"--concurrency", "4", "--duration", "250ms", "--warmup", "50ms", "--tasks", "8", "--cpu-iterations", "500",
			"--io-latency", "1ms", "--out", e.csv(lane)}, e.creds...))
	}},
	{name: "run open", run: func(ctx context.Context, e *soakEnv, lane, i int) error {
		return soakCmd(ctx, runCmd, append([]string{"--strategy", soakStrategies[(i+2)%5], "--workload", "io",
			"--rate", "300", "--max-in-flight", "32", "--duration", "250ms", "--warmup", "50ms", "--tasks", "4",
			"--io-latency", "1ms", "--out", e.csv(lane)}, e.creds...))
	}},
	{name: "run server", run: func(ctx context.Context, e *soakEnv, lane, i int) error {
		return soakCmd(ctx, runCmd, append([]string{"--strategy", []string{"serial", "pool", "semaphore"}[i%3], "--scope", "server",
			"--workload", "mixed", "--concurrency", "8", "--duration", "250ms", "--warmup", "50ms", "--tasks", "4",
			"--cpu-iterations", "300", "--io-latency", "1ms", "--parallelism", "2", "--out", e.csv(lane)}, e.creds...))
	}},
	{name: "sweep", run: func(ctx context.Context, e *soakEnv, lane, i int) error {
		reports := filepath.Join(e.dir, "reports"+strconv.Itoa(lane))
		return soakCmd(ctx, sweepCmd, append([]string{"--matrix", e.matrix, "--reports", reports}, e.creds...))
	}},
	{name: "rpc faults", run: soakFaults},
	{name: "flood", run: soakFlood},
}

// soakCmd runs a command with args, its output discarded.
func soakCmd(ctx context.Context, cmd func(context.Context, []string, io.Writer, io.Writer) error, args []string) error {
	var stderr bytes.Buffer
	if err := cmd(ctx, args, io.Discard, &stderr); err != nil {
		return fmt.Errorf("%v; stderr: %s", err, stderr.String())
	}
	return nil
}

// soakConn dials the server with the flags' credentials and token file.
func soakConn(e *soakEnv, token string) (*grpc.ClientConn, error) {
	opts, err := client.Credentials{CAFile: e.files.CA, TokenFile: token}.DialOptions(e.addr)
	if err != nil {
		return nil, err
	}
	conns, err := client.Dial(e.addr, 1, opts...)
	if err != nil {
		return nil, err
	}
	return conns[0], nil
}

// soakFaults sends RPCs that end every way but plain success, on a new
// connection, and checks each code. RESOURCE_EXHAUSTED is accepted for any
// of them: another lane may be flooding the server.
func soakFaults(ctx context.Context, e *soakEnv, _, i int) error {
	cc, err := soakConn(e, e.token)
	if err != nil {
		return err
	}
	defer cc.Close()
	bad, err := soakConn(e, e.wrongToken)
	if err != nil {
		return err
	}
	defer bad.Close()
	c, wrong := pb.NewBenchServiceClient(cc), pb.NewBenchServiceClient(bad)
	lat := durationpb.New
	cases := []struct {
		name    string
		stub    pb.BenchServiceClient
		req     *pb.RunRequest
		timeout time.Duration // 0: the RPC is cancelled after 20 ms instead
		want    codes.Code
	}{
		{"invalid", c, &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_POOL, Workload: pb.Workload_WORKLOAD_CPU, Tasks: 1 << 30}, time.Second, codes.InvalidArgument},
		{"deadline", c, &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_POOL, Workload: pb.Workload_WORKLOAD_IO, Tasks: 8, IoLatency: lat(5 * time.Second)}, 30 * time.Millisecond, codes.DeadlineExceeded},
		{"cancel", c, &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_SEMAPHORE, Workload: pb.Workload_WORKLOAD_IO, Tasks: 8, IoLatency: lat(5 * time.Second)}, 0, codes.Canceled},
		{"fail", c, &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_PIPELINE, Workload: pb.Workload_WORKLOAD_CPU, Tasks: 9, CpuIterations: 100, FailEvery: 3}, time.Second, codes.OK},
		{"panic", c, &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_GOROUTINE_PER_TASK, Workload: pb.Workload_WORKLOAD_CPU, Tasks: 8, CpuIterations: 100, PanicEvery: 4}, time.Second, codes.OK},
		{"abort", c, &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_POOL, Workload: pb.Workload_WORKLOAD_MIXED, Tasks: 8, CpuIterations: 100, IoLatency: lat(time.Millisecond), FailEvery: 2, FailFast: true}, time.Second, codes.Aborted},
		{"counter", c, &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_POOL, Workload: pb.Workload_WORKLOAD_COUNTER, Tasks: 16, CpuIterations: 50, Sync: pb.Sync(1 + i%5)}, time.Second, codes.OK},
		{"transfer", c, &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_SEMAPHORE, Workload: pb.Workload_WORKLOAD_TRANSFER, Tasks: 16, CpuIterations: 50, Accounts: 8, LockOrder: pb.LockOrder(1 + i%2)}, time.Second, codes.OK},
		{"unauthenticated", wrong, &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_SERIAL, Workload: pb.Workload_WORKLOAD_CPU, Tasks: 1}, time.Second, codes.Unauthenticated},
	}
	for _, tc := range cases {
		var rctx context.Context
		var cancel context.CancelFunc
		if tc.timeout > 0 {
			rctx, cancel = context.WithTimeout(ctx, tc.timeout)
		} else {
			rctx, cancel = context.WithCancel(ctx)
			tm := time.AfterFunc(20*time.Millisecond, cancel)
			defer tm.Stop()
		}
		_, err := tc.stub.Run(rctx, tc.req)
		cancel()
		e.direct.Add(1)
		if got := status.Code(err); got != tc.want && got != codes.ResourceExhausted && ctx.Err() == nil {
			return fmt.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	h, err := healthpb.NewHealthClient(bad).Check(ctx, &healthpb.HealthCheckRequest{})
	e.direct.Add(1)
	if ctx.Err() == nil && (err != nil || h.GetStatus() != healthpb.HealthCheckResponse_SERVING) {
		return fmt.Errorf("health without a valid token: %v, %v", h.GetStatus(), err)
	}
	return nil
}

// soakFlood sends 3 × soakMaxJobs io jobs at once over 2 connections; the
// server must shed some with RESOURCE_EXHAUSTED and run the rest.
func soakFlood(ctx context.Context, e *soakEnv, _, _ int) error {
	var ccs []*grpc.ClientConn
	for range 2 {
		cc, err := soakConn(e, e.token)
		if err != nil {
			return err
		}
		defer cc.Close()
		ccs = append(ccs, cc)
	}
	var shed, ok, other atomic.Int64
	var wg sync.WaitGroup
	for j := range 3 * soakMaxJobs {
		wg.Go(func() {
			rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			_, err := pb.NewBenchServiceClient(ccs[j%2]).Run(rctx, &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_POOL,
				Workload: pb.Workload_WORKLOAD_IO, Tasks: 4, IoLatency: durationpb.New(50 * time.Millisecond)})
			switch status.Code(err) {
			case codes.OK:
				ok.Add(1)
			case codes.ResourceExhausted:
				shed.Add(1)
			default:
				other.Add(1)
			}
		})
	}
	wg.Wait()
	e.direct.Add(3 * soakMaxJobs)
	if ctx.Err() == nil && (shed.Load() == 0 || other.Load() != 0) {
		return fmt.Errorf("flood of %d: %d ok, %d shed, %d other; want some shed and no other code", 3*soakMaxJobs, ok.Load(), shed.Load(), other.Load())
	}
	return nil
}
