package server_test

import (
	"runtime"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/results/serverstats"
	"github.com/stratbench/stratbench/server"
)

// snapshot converts a StatsResponse the way a client does.
func snapshot(r *pb.StatsResponse) serverstats.Snapshot {
	s := serverstats.Snapshot{
		ProcessCPU: r.ProcessCpu.AsDuration(), BusyCPUSeconds: r.BusyCpuSeconds, GCCPUSeconds: r.GcCpuSeconds,
		AllocBytes: r.AllocBytes, AllocObjects: r.AllocObjects, GCCycles: r.GcCycles,
		MutexWaitSeconds: r.MutexWaitSeconds, Goroutines: r.Goroutines, GoroutinesPeak: r.GoroutinesPeak,
		HeapInuse: r.HeapInuseBytes, HeapInusePeak: r.HeapInusePeakBytes,
	}
	for _, b := range r.SchedLatency {
		s.SchedLatency = append(s.SchedLatency, serverstats.Bucket{Lower: b.LowerSeconds, Upper: b.UpperSeconds, Count: b.Count})
	}
	if r.Throttling != nil {
		s.Throttling = &serverstats.Throttling{Throttled: r.Throttling.Throttled.AsDuration()}
	}
	return s
}

func TestStatsAcrossAJob(t *testing.T) {
	c, _, _ := start(t, server.DefaultLimits())
	before, err := c.Stats(t.Context(), &pb.StatsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	const tasks = 200
	if _, err := c.Run(t.Context(), &pb.RunRequest{
		Strategy: pb.Strategy_STRATEGY_GOROUTINE_PER_TASK, Workload: pb.Workload_WORKLOAD_CPU,
		Tasks: tasks, CpuIterations: 2000,
	}); err != nil {
		t.Fatal(err)
	}
	after, err := c.Stats(t.Context(), &pb.StatsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if got := after.SamplePeriod.AsDuration(); got != server.SamplePeriod {
		t.Errorf("sample_period %v, want %v", got, server.SamplePeriod)
	}
	if len(after.SchedLatency) == 0 {
		t.Fatal("no scheduler-latency buckets")
	}
	for i, b := range after.SchedLatency {
		if b.Count == 0 || !(b.LowerSeconds < b.UpperSeconds) || (i > 0 && b.LowerSeconds < after.SchedLatency[i-1].UpperSeconds) {
			t.Errorf("bucket %d [%g, %g) count %d: want non-empty, increasing", i, b.LowerSeconds, b.UpperSeconds, b.Count)
		}
	}
	f, err := serverstats.Delta(snapshot(before), snapshot(after), tasks)
	if err != nil {
		t.Fatal(err)
	}
	// 200 × 2000 SHA-256 steps took real CPU; 200 task goroutines ran at
	// once at most, and each was scheduled at least once.
	if f.ServerCPUSeconds <= 0 || f.ServerCPUMicrosPerTask <= 0 {
		t.Errorf("server CPU %v s, %v µs/task: want > 0", f.ServerCPUSeconds, f.ServerCPUMicrosPerTask)
	}
	if f.AllocsPerTask <= 0 || f.BytesPerTask <= 0 {
		t.Errorf("allocs %v/task, %v B/task: want > 0 (each task's goroutine and result)", f.AllocsPerTask, f.BytesPerTask)
	}
	if !(f.SchedLatencyP99Micros >= f.SchedLatencyP50Micros) {
		t.Errorf("sched p50 %v µs, p99 %v µs: want p99 ≥ p50", f.SchedLatencyP50Micros, f.SchedLatencyP99Micros)
	}
	if f.GoroutinesPeak < 1 || f.HeapPeakMB <= 0 {
		t.Errorf("goroutines peak %d, heap peak %v MB: want > 0", f.GoroutinesPeak, f.HeapPeakMB)
	}
}

// TestStatsPeakSinceLastRead holds goroutines across one read and checks that
// the next read reports them as its peak, and the one after that does not.
func TestStatsPeakSinceLastRead(t *testing.T) {
	c, _, _ := start(t, server.DefaultLimits())
	const extra = 500
	release := make(chan struct{})
	var wg sync.WaitGroup
	for range extra {
		wg.Go(func() { <-release })
	}
	held, err := c.Stats(t.Context(), &pb.StatsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	close(release)
	wg.Wait()
	after, err := c.Stats(t.Context(), &pb.StatsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	later, err := c.Stats(t.Context(), &pb.StatsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if held.Goroutines < extra || held.GoroutinesPeak < held.Goroutines {
		t.Errorf("while held: goroutines %d, peak %d; want ≥ %d", held.Goroutines, held.GoroutinesPeak, extra)
	}
	if after.GoroutinesPeak < held.Goroutines {
		t.Errorf("next read: peak %d, want ≥ %d (the goroutines at the previous read)", after.GoroutinesPeak, held.Goroutines)
	}
	if later.GoroutinesPeak >= extra {
		t.Errorf("read after that: peak %d, want < %d (the peak restarts at each read)", later.GoroutinesPeak, extra)
	}
}

// TestStatsSamplerSeesPeakBetweenReads runs the service's sampler on a fake
// clock: goroutines that live only between two reads show in the second
// read's peak because the sampler ticked while they were alive.
func TestStatsSamplerSeesPeakBetweenReads(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := server.New(server.DefaultLimits(), server.Fingerprint(1))
		defer svc.Close()
		if _, err := svc.Stats(t.Context(), &pb.StatsRequest{}); err != nil { // restarts the peaks
			t.Fatal(err)
		}
		const extra = 300
		const heap = 32 << 20
		release := make(chan struct{})
		var wg sync.WaitGroup
		for range extra {
			wg.Go(func() { <-release })
		}
		ballast := make([]byte, heap)
		time.Sleep(3 * server.SamplePeriod) // the sampler ticks 3 times
		close(release)
		wg.Wait()
		runtime.KeepAlive(ballast)
		got, err := svc.Stats(t.Context(), &pb.StatsRequest{})
		if err != nil {
			t.Fatal(err)
		}
		// Nothing else in this process runs as many goroutines.
		if got.Goroutines >= extra {
			t.Fatalf("goroutines %d at the read: want the %d extra ended", got.Goroutines, extra)
		}
		if got.GoroutinesPeak < extra {
			t.Errorf("goroutines peak %d, want ≥ %d", got.GoroutinesPeak, extra)
		}
		if got.HeapInusePeakBytes < heap {
			t.Errorf("heap peak %d bytes, want ≥ %d", got.HeapInusePeakBytes, heap)
		}
	})
}

// BenchmarkStats measures one Stats read in process (no gRPC), the cost a
// trial pays twice.
func BenchmarkStats(b *testing.B) {
	svc := server.New(server.DefaultLimits(), server.Fingerprint(1))
	defer svc.Close()
	for b.Loop() {
		if _, err := svc.Stats(b.Context(), &pb.StatsRequest{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStatsRPC measures one Stats call over gRPC (bufconn), what the
// client's two reads per trial cost end to end.
func BenchmarkStatsRPC(b *testing.B) {
	c, _, _ := start(b, server.DefaultLimits())
	for b.Loop() {
		if _, err := c.Stats(b.Context(), &pb.StatsRequest{}); err != nil {
			b.Fatal(err)
		}
	}
}
