package server_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/server"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
)

// The tests' host costs 100 ns per kernel iteration (Fingerprint(100)), so
// a job's CPU work is tasks × cpu_iterations × 100 ns exactly.

// mixedJob is a goroutine-per-task job of tasks × iters kernel steps that
// first waits io, so that it holds its CPU work in flight for io without
// running it.
func mixedJob(tasks, iters uint32, io time.Duration) *pb.RunRequest {
	return &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_GOROUTINE_PER_TASK, Workload: pb.Workload_WORKLOAD_MIXED,
		Tasks: tasks, CpuIterations: uint64(iters), IoLatency: durationpb.New(io)}
}

// TestJobLargerThanCPUBudgetIsInvalid: a job whose CPU work alone passes
// --max-cpu-in-flight can never run, so it is INVALID_ARGUMENT naming the
// limit; a job of exactly the budget is admitted.
func TestJobLargerThanCPUBudgetIsInvalid(t *testing.T) {
	l := server.DefaultLimits()
	l.MaxCPUInFlight = 10 * time.Millisecond
	c, _, _ := start(t, l)
	_, err := c.Run(t.Context(), &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_GOROUTINE_PER_TASK,
		Workload: pb.Workload_WORKLOAD_CPU, Tasks: 1000, CpuIterations: 101}) // 10.1 ms
	if status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), "--max-cpu-in-flight") {
		t.Errorf("job of 10.1 ms with a budget of 10 ms: %v, want INVALID_ARGUMENT naming --max-cpu-in-flight", err)
	}
	if _, err := c.Run(t.Context(), &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_GOROUTINE_PER_TASK,
		Workload: pb.Workload_WORKLOAD_CPU, Tasks: 1000, CpuIterations: 100}); err != nil {
		t.Errorf("job of exactly the budget: %v", err)
	}
}

// TestCPUBudgetRefusesAtOnce: with 6 ms of a 10 ms budget held by a
// running job, a job of 6 ms is refused with RESOURCE_EXHAUSTED before the
// fake clock moves at all (the decision never waits), one of 4 ms is
// admitted, and the budget is whole again once they end.
func TestCPUBudgetRefusesAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := server.DefaultLimits()
		l.MaxCPUInFlight = 10 * time.Millisecond
		svc := server.New(l, server.Fingerprint(100))
		defer svc.Close()
		ctx, cancel := context.WithCancel(t.Context())
		var wg sync.WaitGroup
		wg.Go(func() { _, _ = svc.Run(ctx, mixedJob(600, 100, 50*time.Second)) }) // 6 ms, held 50 s
		synctest.Wait()
		t0 := time.Now()
		_, err := svc.Run(t.Context(), mixedJob(600, 100, time.Millisecond))
		if status.Code(err) != codes.ResourceExhausted || !strings.Contains(err.Error(), "--max-cpu-in-flight") {
			t.Errorf("second 6 ms job: %v, want RESOURCE_EXHAUSTED naming --max-cpu-in-flight", err)
		}
		if waited := time.Since(t0); waited != 0 {
			t.Errorf("the refusal waited %v of fake time, want none", waited)
		}
		if _, err := svc.Run(t.Context(), mixedJob(400, 100, time.Millisecond)); err != nil {
			t.Errorf("4 ms job beside the 6 ms one: %v", err)
		}
		cancel()
		wg.Wait()
		if _, err := svc.Run(t.Context(), mixedJob(1000, 100, time.Millisecond)); err != nil {
			t.Errorf("10 ms job once the others ended: %v", err)
		}
	})
}

// TestMemoryBudget: transfer accounts count against --max-memory-in-flight
// (64 B each): a job holding more than the whole budget is INVALID_ARGUMENT,
// and two that fit alone but not together are refused while the first runs.
func TestMemoryBudget(t *testing.T) {
	l := server.DefaultLimits()
	l.MaxMemoryInFlight = 100_000
	c, _, _ := start(t, l)
	transfer := func(accounts uint32) *pb.RunRequest {
		return &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_POOL, Parallelism: 2, Workload: pb.Workload_WORKLOAD_TRANSFER,
			LockOrder: pb.LockOrder_LOCK_ORDER_ORDERED, Accounts: accounts, Tasks: 4, CpuIterations: 1}
	}
	_, err := c.Run(t.Context(), transfer(2000)) // 128 000 B
	if status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), "--max-memory-in-flight") {
		t.Errorf("2000 accounts with a budget of 100 000 B: %v, want INVALID_ARGUMENT naming --max-memory-in-flight", err)
	}
	if _, err := c.Run(t.Context(), transfer(1500)); err != nil { // 96 000 B
		t.Errorf("1500 accounts: %v", err)
	}
}

// TestFloodScaledDown is `make flood` in small, without wall-clock
// bounds: 200 concurrent goroutine-per-task RPCs in the flood's two shapes
// against a CPU budget of 20 ms. Each job of the first shape alone passes
// the budget, so all are INVALID_ARGUMENT; the second shape's jobs fit
// two at a time, so some are admitted and complete while the rest are
// refused with RESOURCE_EXHAUSTED, and none fails otherwise. The health
// check answers during the flood.
func TestFloodScaledDown(t *testing.T) {
	l := server.DefaultLimits()
	l.MaxCPUInFlight = 20 * time.Millisecond
	c, _, conn := start(t, l)
	for _, tc := range []struct {
		name  string
		iters uint64
		want  map[codes.Code]bool
	}{
		{"each job past the budget", 1000, map[codes.Code]bool{codes.InvalidArgument: true}},               // 100 ms
		{"jobs past it together", 100, map[codes.Code]bool{codes.OK: true, codes.ResourceExhausted: true}}, // 10 ms
	} {
		t.Run(tc.name, func(t *testing.T) {
			const rpcs = 200
			var mu sync.Mutex
			got := map[codes.Code]int{}
			var wg sync.WaitGroup
			for range rpcs {
				wg.Go(func() {
					_, err := c.Run(t.Context(), &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_GOROUTINE_PER_TASK,
						Workload: pb.Workload_WORKLOAD_CPU, Tasks: 1000, CpuIterations: tc.iters})
					mu.Lock()
					got[status.Code(err)]++
					mu.Unlock()
				})
			}
			h, err := healthpb.NewHealthClient(conn).Check(t.Context(), &healthpb.HealthCheckRequest{})
			if err != nil || h.Status != healthpb.HealthCheckResponse_SERVING {
				t.Errorf("health during the flood: %v %v", h, err)
			}
			wg.Wait()
			for code, n := range got {
				if !tc.want[code] {
					t.Errorf("%d RPCs ended %v", n, code)
				}
			}
			if len(tc.want) > 1 && (got[codes.OK] == 0 || got[codes.ResourceExhausted] == 0) {
				t.Errorf("%d admitted and %d refused; want some of each", got[codes.OK], got[codes.ResourceExhausted])
			}
			t.Logf("%v", got)
		})
	}
}
