package server_test

import (
	"runtime"
	"testing"

	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/results/serverstats"
	"github.com/stratbench/stratbench/server"
)

// figures runs jobs copies of req one after another between two Stats reads
// and returns the window's figures.
func figures(t *testing.T, c pb.BenchServiceClient, req *pb.RunRequest, jobs int) serverstats.Figures {
	t.Helper()
	before, err := c.Stats(t.Context(), &pb.StatsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var tasks uint64
	for range jobs {
		resp, err := c.Run(t.Context(), req)
		if err != nil {
			t.Fatal(err)
		}
		tasks += uint64(resp.TasksCompleted)
	}
	after, err := c.Stats(t.Context(), &pb.StatsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := serverstats.Delta(snapshot(before), snapshot(after), tasks)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// onTwoCores runs the test with GOMAXPROCS 2, the setting the known effects
// are stated for.
func onTwoCores(t *testing.T) {
	old := runtime.GOMAXPROCS(2)
	t.Cleanup(func() { runtime.GOMAXPROCS(old) })
}

// TestEffectGoroutinePerTaskVersusPool: with 1 000 CPU tasks per job on two
// cores, goroutine-per-task makes 1 000 goroutines runnable at once, so
// they wait for a P far longer than pool's two workers do, and the
// goroutine count peaks in the hundreds (tasks end while others are still
// being started) instead of near the pool's size. The margins are wide: at
// least 2× the scheduler p99, and 4× and 100 more goroutines.
func TestEffectGoroutinePerTaskVersusPool(t *testing.T) {
	onTwoCores(t)
	c, _, _ := start(t, server.DefaultLimits())
	job := func(s pb.Strategy) *pb.RunRequest {
		return &pb.RunRequest{Strategy: s, Workload: pb.Workload_WORKLOAD_CPU, Tasks: 1000, CpuIterations: 100, Parallelism: 2}
	}
	gpt := figures(t, c, job(pb.Strategy_STRATEGY_GOROUTINE_PER_TASK), 3)
	pool := figures(t, c, job(pb.Strategy_STRATEGY_POOL), 3)
	t.Logf("goroutine-per-task: sched p99 %.0f µs, goroutines peak %d; pool: sched p99 %.0f µs, goroutines peak %d",
		gpt.SchedLatencyP99Micros, gpt.GoroutinesPeak, pool.SchedLatencyP99Micros, pool.GoroutinesPeak)
	if !(gpt.SchedLatencyP99Micros > 2*pool.SchedLatencyP99Micros) {
		t.Errorf("sched p99: goroutine-per-task %.1f µs, pool %.1f µs; want goroutine-per-task above 2× pool",
			gpt.SchedLatencyP99Micros, pool.SchedLatencyP99Micros)
	}
	if gpt.GoroutinesPeak < 4*pool.GoroutinesPeak || gpt.GoroutinesPeak < pool.GoroutinesPeak+100 {
		t.Errorf("goroutines peak: goroutine-per-task %d, pool %d; want goroutine-per-task ≥ 4× pool and ≥ pool + 100",
			gpt.GoroutinesPeak, pool.GoroutinesPeak)
	}
}

// TestEffectMutexWait: eight tasks hammering one counter under a mutex on
// two cores wait on it; under atomic adds they do not. The margin is wide:
// the mutex's wait is at least 10× the atomic's (which counts only the
// runtime's own locks) and above 0.
func TestEffectMutexWait(t *testing.T) {
	onTwoCores(t)
	c, _, _ := start(t, server.DefaultLimits())
	job := func(s pb.Sync) *pb.RunRequest {
		return &pb.RunRequest{
			Strategy: pb.Strategy_STRATEGY_GOROUTINE_PER_TASK, Workload: pb.Workload_WORKLOAD_COUNTER,
			Sync: s, Tasks: 8, CpuIterations: 30_000,
		}
	}
	mutex := figures(t, c, job(pb.Sync_SYNC_MUTEX), 3)
	atomic := figures(t, c, job(pb.Sync_SYNC_ATOMIC), 3)
	t.Logf("mutex wait: mutex %.3f ms, atomic %.3f ms", mutex.MutexWaitMillis, atomic.MutexWaitMillis)
	if !(mutex.MutexWaitMillis > 0 && mutex.MutexWaitMillis > 10*atomic.MutexWaitMillis) {
		t.Errorf("mutex wait: mutex %.3f ms, atomic %.3f ms; want mutex above 0 and above 10× atomic",
			mutex.MutexWaitMillis, atomic.MutexWaitMillis)
	}
}
