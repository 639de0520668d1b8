package server_test

import (
	"context"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/server"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/types/known/durationpb"
)

// start serves a Service with limits l over bufconn and returns a client.
func start(t testing.TB, l server.Limits) (pb.BenchServiceClient, *server.Service, *grpc.ClientConn) {
	t.Helper()
	svc := server.New(l, server.Fingerprint(100))
	conn := serve(t, svc, l)
	return pb.NewBenchServiceClient(conn), svc, conn
}

// serve serves svc over bufconn with limits l and extra server options and
// returns a connection to it; cleanup stops the server and closes svc.
func serve(t testing.TB, svc *server.Service, l server.Limits, extra ...grpc.ServerOption) *grpc.ClientConn {
	t.Helper()
	gs, _ := server.NewGRPCServer(svc, l, extra...)
	return serveBufconn(t, svc, gs)
}

// serveBufconn serves gs over bufconn and returns a connection to it; at
// cleanup it stops gs and closes svc.
func serveBufconn(t testing.TB, svc *server.Service, gs *grpc.Server) *grpc.ClientConn {
	t.Helper()
	lis := bufconn.Listen(1 << 20)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = gs.Serve(lis)
	}()
	conn, err := grpc.NewClient("passthrough:///bufnet",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn.Close()
		gs.Stop()
		<-done
		svc.Close()
	})
	return conn
}

var allStrategies = []pb.Strategy{
	pb.Strategy_STRATEGY_SERIAL, pb.Strategy_STRATEGY_GOROUTINE_PER_TASK, pb.Strategy_STRATEGY_POOL,
	pb.Strategy_STRATEGY_SEMAPHORE, pb.Strategy_STRATEGY_PIPELINE,
}

func TestChecksumSameForEveryStrategyAndScope(t *testing.T) {
	c, _, _ := start(t, server.DefaultLimits())
	for _, w := range []pb.Workload{pb.Workload_WORKLOAD_CPU, pb.Workload_WORKLOAD_IO, pb.Workload_WORKLOAD_MIXED} {
		t.Run(w.String(), func(t *testing.T) {
			var want uint64
			for _, s := range allStrategies {
				for _, scope := range []pb.Scope{pb.Scope_SCOPE_JOB, pb.Scope_SCOPE_SERVER} {
					if scope == pb.Scope_SCOPE_SERVER && (s == pb.Strategy_STRATEGY_GOROUTINE_PER_TASK || s == pb.Strategy_STRATEGY_PIPELINE) {
						continue
					}
					resp, err := c.Run(t.Context(), &pb.RunRequest{
						Strategy: s, Workload: w, Scope: scope, Tasks: 25, Parallelism: 3,
						CpuIterations: 40, IoLatency: durationpb.New(200 * time.Microsecond), FailEvery: 6,
					})
					if err != nil {
						t.Fatalf("%v %v: %v", s, scope, err)
					}
					if resp.TasksCompleted != 21 || resp.TasksFailed != 4 || resp.TasksCancelled != 0 {
						t.Errorf("%v %v: %d completed %d failed %d cancelled, want 21 4 0", s, scope,
							resp.TasksCompleted, resp.TasksFailed, resp.TasksCancelled)
					}
					if want == 0 {
						want = resp.Checksum
					} else if resp.Checksum != want {
						t.Errorf("%v %v: checksum %x, want %x", s, scope, resp.Checksum, want)
					}
					if resp.ServerTime.AsDuration() <= 0 || resp.MaxInFlight == 0 {
						t.Errorf("%v %v: server_time %v max_in_flight %d", s, scope, resp.ServerTime.AsDuration(), resp.MaxInFlight)
					}
				}
			}
		})
	}
}

func TestBadRequests(t *testing.T) {
	l := server.DefaultLimits()
	c, _, _ := start(t, l)
	ok := func() *pb.RunRequest {
		return &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_POOL, Workload: pb.Workload_WORKLOAD_CPU, Tasks: 1, CpuIterations: 1}
	}
	cases := []struct {
		name   string
		change func(r *pb.RunRequest)
		code   codes.Code
		words  []string
	}{
		{"no strategy", func(r *pb.RunRequest) { r.Strategy = 0 }, codes.InvalidArgument, []string{"strategy", "STRATEGY_UNSPECIFIED"}},
		{"unknown strategy", func(r *pb.RunRequest) { r.Strategy = 99 }, codes.InvalidArgument, []string{"strategy", "99"}},
		{"no workload", func(r *pb.RunRequest) { r.Workload = 0 }, codes.InvalidArgument, []string{"workload"}},
		{"zero tasks", func(r *pb.RunRequest) { r.Tasks = 0 }, codes.InvalidArgument, []string{"tasks", "is 0", "100000"}},
		{"too many tasks", func(r *pb.RunRequest) { r.Tasks = 100_001 }, codes.InvalidArgument, []string{"tasks", "100001", "100000"}},
		{"too many iterations", func(r *pb.RunRequest) { r.CpuIterations = 10_000_001 }, codes.InvalidArgument, []string{"cpu_iterations", "10000001", "10000000"}},
		{"total iterations", func(r *pb.RunRequest) { r.Tasks, r.CpuIterations = 1000, 1_000_001 }, codes.InvalidArgument, []string{"cpu_iterations", "1000000000"}},
		{"long io", func(r *pb.RunRequest) { r.IoLatency = durationpb.New(61 * time.Second) }, codes.InvalidArgument, []string{"io_latency", "1m1s", "1m0s"}},
		{"negative io", func(r *pb.RunRequest) { r.IoLatency = durationpb.New(-time.Second) }, codes.InvalidArgument, []string{"io_latency", "-1s"}},
		{"invalid io", func(r *pb.RunRequest) { r.IoLatency = &durationpb.Duration{Seconds: 1, Nanos: -5} }, codes.InvalidArgument, []string{"io_latency"}},
		{"parallelism", func(r *pb.RunRequest) { r.Parallelism = 10_001 }, codes.InvalidArgument, []string{"parallelism", "10001", "10000"}},
		{"server scope gpt", func(r *pb.RunRequest) {
			r.Strategy, r.Scope = pb.Strategy_STRATEGY_GOROUTINE_PER_TASK, pb.Scope_SCOPE_SERVER
		}, codes.InvalidArgument, []string{"scope", "unbounded"}},
		{"server scope pipeline", func(r *pb.RunRequest) {
			r.Strategy, r.Scope = pb.Strategy_STRATEGY_PIPELINE, pb.Scope_SCOPE_SERVER
		}, codes.InvalidArgument, []string{"scope", "pipeline"}},
		{"bad scope", func(r *pb.RunRequest) { r.Scope = 7 }, codes.InvalidArgument, []string{"scope"}},
		{"fail fast", func(r *pb.RunRequest) {
			r.Strategy, r.Tasks, r.FailEvery, r.FailFast = pb.Strategy_STRATEGY_SERIAL, 10, 4, true
		}, codes.Aborted, []string{"task 3 failed: injected failure"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := ok()
			tc.change(r)
			_, err := c.Run(t.Context(), r)
			if status.Code(err) != tc.code {
				t.Fatalf("code %v (%v), want %v", status.Code(err), err, tc.code)
			}
			for _, w := range tc.words {
				if !strings.Contains(status.Convert(err).Message(), w) {
					t.Errorf("message %q lacks %q", status.Convert(err).Message(), w)
				}
			}
		})
	}
}

func TestPanicsDoNotKillTheServer(t *testing.T) {
	c, _, _ := start(t, server.DefaultLimits())
	for _, s := range allStrategies {
		resp, err := c.Run(t.Context(), &pb.RunRequest{Strategy: s, Workload: pb.Workload_WORKLOAD_CPU, Tasks: 12, CpuIterations: 3, PanicEvery: 2})
		if err != nil || resp.TasksFailed != 6 || resp.TasksCompleted != 6 {
			t.Errorf("%v: resp %v err %v, want 6 failed 6 completed", s, resp, err)
		}
	}
}

func TestAdmissionShedsAtOnce(t *testing.T) {
	l := server.DefaultLimits()
	l.MaxJobsInFlight = 2
	c, svc, _ := start(t, l)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	long := &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_SERIAL, Workload: pb.Workload_WORKLOAD_IO, Tasks: 1, IoLatency: durationpb.New(time.Minute)}
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			_, err := c.Run(ctx, long)
			errs <- err
		}()
	}
	for svc.InFlight() < 2 {
		time.Sleep(time.Millisecond)
	}
	_, err := c.Run(t.Context(), long)
	if status.Code(err) != codes.ResourceExhausted || !strings.Contains(err.Error(), "limit 2") {
		t.Errorf("third job: %v, want RESOURCE_EXHAUSTED naming the limit", err)
	}
	cancel()
	for range 2 {
		if err := <-errs; status.Code(err) != codes.Canceled {
			t.Errorf("cancelled job: %v", err)
		}
	}
}

// TestDeadlineStopsJob: a job of hour-long tasks under a 50 ms deadline ends
// with DEADLINE_EXCEEDED and frees everything (goleak checks the rest).
func TestDeadlineStopsJob(t *testing.T) {
	l := server.DefaultLimits()
	l.MaxJobDuration = 24 * time.Hour // the serial job's waits take 16 h
	c, svc, _ := start(t, l)
	for _, s := range allStrategies {
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		_, err := c.Run(ctx, &pb.RunRequest{Strategy: s, Workload: pb.Workload_WORKLOAD_MIXED, Tasks: 1000, Parallelism: 100,
			IoLatency: durationpb.New(59 * time.Second), CpuIterations: 1})
		cancel()
		if status.Code(err) != codes.DeadlineExceeded {
			t.Errorf("%v: %v, want DEADLINE_EXCEEDED", s, err)
		}
	}
	for deadline := time.Now().Add(5 * time.Second); svc.InFlight() != 0 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	if n := svc.InFlight(); n != 0 {
		t.Errorf("%d jobs still in flight", n)
	}
}

func TestInfoAndHealth(t *testing.T) {
	l := server.DefaultLimits()
	c, _, conn := start(t, l)
	info, err := c.Info(t.Context(), &pb.InfoRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if info.GetLimits().GetMaxTasks() != l.MaxTasks || info.NsPerIteration != 100 || info.LogicalCpus == 0 || info.GoVersion == "" {
		t.Errorf("info %v", info)
	}
	h, err := healthpb.NewHealthClient(conn).Check(t.Context(), &healthpb.HealthCheckRequest{})
	if err != nil || h.Status != healthpb.HealthCheckResponse_SERVING {
		t.Errorf("health %v %v", h, err)
	}
}

// TestFloodSheds sends 2 000 concurrent heavy RPCs: the server admits what
// its limits allow, sheds the rest with RESOURCE_EXHAUSTED at once, stays
// SERVING, keeps its heap bounded, and afterwards holds no extra goroutine.
func TestFloodSheds(t *testing.T) {
	l := server.DefaultLimits()
	l.MaxJobsInFlight = 64
	l.MaxTasksInFlight = 50_000
	c, _, conn := start(t, l)
	baseline := runtime.NumGoroutine()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	// Each job holds 10 000 tasks for about 100 ms; five fit the limit.
	heavy := &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_POOL, Workload: pb.Workload_WORKLOAD_IO,
		Tasks: 10_000, Parallelism: 100, IoLatency: durationpb.New(time.Millisecond)}
	var mu sync.Mutex
	byCode := map[codes.Code]int{}
	var wg sync.WaitGroup
	for range 2000 {
		wg.Go(func() {
			_, err := c.Run(ctx, heavy)
			mu.Lock()
			byCode[status.Code(err)]++
			mu.Unlock()
		})
	}
	var peak uint64
	health := healthpb.NewHealthClient(conn)
	for i := 0; i < 5; i++ {
		time.Sleep(100 * time.Millisecond)
		h, err := health.Check(t.Context(), &healthpb.HealthCheckRequest{})
		if err != nil || h.Status != healthpb.HealthCheckResponse_SERVING {
			t.Errorf("health during flood: %v %v", h, err)
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
	}
	wg.Wait()
	t.Logf("outcomes by code: %v; peak heap in use %d MiB", byCode, peak>>20)
	if byCode[codes.ResourceExhausted] < 1000 {
		t.Errorf("only %d of 2000 shed with RESOURCE_EXHAUSTED: %v", byCode[codes.ResourceExhausted], byCode)
	}
	if byCode[codes.OK] == 0 {
		t.Errorf("nothing was admitted: %v", byCode)
	}
	// Five admitted jobs of 100 workers each, plus 2 000 streams' buffers:
	// tens of MiB; 1 GiB would mean the limits did not hold.
	if peak > 1<<30 {
		t.Errorf("peak heap %d MiB", peak>>20)
	}
	for deadline := time.Now().Add(10 * time.Second); runtime.NumGoroutine() > baseline+10 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > baseline+10 {
		t.Errorf("%d goroutines after the flood, %d before", n, baseline)
	}
}
