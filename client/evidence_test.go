package client_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/stratbench/stratbench/client"
	"github.com/stratbench/stratbench/client/internal/clienttest"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
)

// statsServer is a BenchService whose runtime counters are known exactly:
// each completed task costs 250 µs of CPU, 3 allocations of 40 bytes, and
// 1 µs of mutex wait; every Run waits until the first Stats read, so that
// every measured task falls inside the window.
type statsServer struct {
	pb.UnimplementedBenchServiceServer
	tasks   atomic.Uint64
	reads   atomic.Int64
	started chan struct{}
	once    sync.Once
}

func (s *statsServer) Run(ctx context.Context, _ *pb.RunRequest) (*pb.RunResponse, error) {
	select {
	case <-s.started:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	s.tasks.Add(2)
	return &pb.RunResponse{TasksCompleted: 2}, nil
}

func (s *statsServer) Stats(context.Context, *pb.StatsRequest) (*pb.StatsResponse, error) {
	defer s.once.Do(func() { close(s.started) })
	n := s.tasks.Load()
	s.reads.Add(1)
	return &pb.StatsResponse{
		ProcessCpu:       durationpb.New(time.Second + time.Duration(n)*250*time.Microsecond),
		AllocObjects:     1000 + 3*n,
		AllocBytes:       9000 + 120*n,
		MutexWaitSeconds: float64(n) * 1e-6,
		Goroutines:       7, GoroutinesPeak: 42,
		HeapInuseBytes: 1e6, HeapInusePeakBytes: 3e6,
		SchedLatency: []*pb.LatencyBucket{{LowerSeconds: 0, UpperSeconds: 1e-3, Count: 10 + n}},
	}, nil
}

func TestRunTrialRuntimeFiguresKnownServer(t *testing.T) {
	srv := &statsServer{started: make(chan struct{})}
	conns := clienttest.StartService(t, srv)
	load := client.Load{Mode: client.Closed, Concurrency: 2, Connections: 1, Requests: 50, Timeout: 5 * time.Second}
	tr, err := client.RunTrial(t.Context(), conns, client.Cell{Job: testJob, Load: load}, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := tr.Runtime
	if f == nil {
		t.Fatalf("no runtime figures (%v)", tr.RuntimeErr)
	}
	if srv.reads.Load() != 2 {
		t.Errorf("%d Stats reads, want 2", srv.reads.Load())
	}
	tasks := float64(tr.TasksCompleted)
	for name, c := range map[string][2]float64{
		"server_cpu_s":           {f.ServerCPUSeconds, tasks * 250e-6},
		"server_cpu_us_per_task": {f.ServerCPUMicrosPerTask, 250},
		"allocs_per_task":        {f.AllocsPerTask, 3},
		"bytes_per_task":         {f.BytesPerTask, 120},
		"mutex_wait_ms":          {f.MutexWaitMillis, tasks * 1e-3},
		"goroutines_peak":        {float64(f.GoroutinesPeak), 42},
		"heap_peak_mb":           {f.HeapPeakMB, 3},
	} {
		if d := c[0] - c[1]; d > 1e-9*max(1, c[1]) || d < -1e-9*max(1, c[1]) {
			t.Errorf("%s = %v, want %v", name, c[0], c[1])
		}
	}
	if tr.Profile != nil || tr.ProfileErr != nil {
		t.Errorf("profile %d bytes, %v; want none asked for", len(tr.Profile), tr.ProfileErr)
	}
	var sum strings.Builder
	if err := client.WriteSummary(&sum, []*client.Trial{tr}, clienttest.Info); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sum.String(), "cpu µs/task") || !strings.Contains(sum.String(), " 250 ") {
		t.Errorf("summary lacks the runtime table with 250 µs/task:\n%s", sum.String())
	}
	row := tr.Row("run", clienttest.Info, fakeFingerprint)
	if !row.Runtime.ServerCPUUsPerTask.Valid || row.Runtime.ThrottledS.Valid {
		t.Errorf("row runtime %+v: want server_cpu_us_per_task present and throttled_s absent", row.Runtime)
	}
}

// TestRunTrialServerWithoutStats: an older server (no Stats, no Profile)
// leaves the figures absent and says why the profile is missing, and the
// trial still completes.
func TestRunTrialServerWithoutStats(t *testing.T) {
	conns := clienttest.StartFake(t, sleepHandler(time.Millisecond))
	load := client.Load{Mode: client.Closed, Concurrency: 1, Connections: 1, Requests: 5, Timeout: 5 * time.Second}
	tr, err := client.RunTrial(t.Context(), conns, client.Cell{Job: testJob, Load: load}, 1, nil,
		client.WithProfile(pb.ProfileKind_PROFILE_KIND_CPU))
	if err != nil || !tr.Complete {
		t.Fatalf("RunTrial: %v, complete %v", err, tr.Complete)
	}
	if tr.Runtime != nil || tr.Profile != nil || tr.ProfileErr == nil {
		t.Errorf("runtime %v, profile %d bytes, profile error %v; want none, none, an error", tr.Runtime, len(tr.Profile), tr.ProfileErr)
	}
	if row := tr.Row("run", clienttest.Info, fakeFingerprint); row.Runtime.ServerCPUS.Valid {
		t.Errorf("row server_cpu_s %v, want absent", row.Runtime.ServerCPUS)
	}
}

func TestParseProfileKind(t *testing.T) {
	for _, w := range []string{"cpu", "heap", "mutex", "block"} {
		k, err := client.ParseProfileKind(w)
		if err != nil || client.ProfileKindWord(k) != w {
			t.Errorf("ParseProfileKind(%q) = %v, %v", w, k, err)
		}
	}
	if _, err := client.ParseProfileKind("goroutine"); err == nil {
		t.Error("ParseProfileKind(goroutine): no error")
	}
}
