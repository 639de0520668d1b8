package cell_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/stratbench/stratbench/results/cell"
)

func TestJobsInFlight(t *testing.T) {
	tests := []struct {
		mode        string
		concurrency int
		rps, lat    float64
		want        float64
	}{
		{"closed", 8, 0, 123, 8},    // one job per worker, whatever the latency
		{"open", 1000, 200, 50, 10}, // Little's law: 200/s × 0.05 s
		{"open", 4, 1000, 50, 4},    // 50 capped by the in-flight limit 4
		{"open", 0, 100, 20, 2},     // no limit recorded: uncapped
		{"sideways", 8, 100, 20, 0}, // unknown mode
		{"open", 10, 100, -5, 0},    // never negative
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s-c%d-r%g-l%g", tt.mode, tt.concurrency, tt.rps, tt.lat), func(t *testing.T) {
			if got := cell.JobsInFlight(tt.mode, tt.concurrency, tt.rps, tt.lat); got != tt.want {
				t.Errorf("JobsInFlight = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestBound checks the bound on cases computed by hand; each comment shows
// the arithmetic.
func TestBound(t *testing.T) {
	tests := []struct {
		name string
		p    cell.BoundParams
		want float64
	}{
		{
			// S = min(4, 16) × 8 = 32; min(32, 2) cores × 1e9 / (1000 × 500) = 4000
			"cpu pool job scope, cores bind",
			cell.BoundParams{Strategy: "pool", Workload: "cpu", Scope: "job", Tasks: 16, Parallelism: 4,
				CPUIterations: 1000, ServerGOMAXPROCS: 2, ServerNsPerIteration: 500, JobsInFlight: 8},
			4000,
		},
		{
			// S = 1 × 1 = 1; min(1, 8) × 1e9 / (2000 × 250) = 2000
			"cpu serial, one job",
			cell.BoundParams{Strategy: "serial", Workload: "cpu", Scope: "job", Tasks: 4, Parallelism: 1,
				CPUIterations: 2000, ServerGOMAXPROCS: 8, ServerNsPerIteration: 250, JobsInFlight: 1},
			2000,
		},
		{
			// S = min(2, 3) × 1 = 2; min(2, 8) × 1e9 / (1e6 × 100) = 20
			"cpu semaphore, strategy binds",
			cell.BoundParams{Strategy: "semaphore", Workload: "cpu", Scope: "job", Tasks: 3, Parallelism: 2,
				CPUIterations: 1_000_000, ServerGOMAXPROCS: 8, ServerNsPerIteration: 100, JobsInFlight: 1},
			20,
		},
		{
			// shared serial: one task server-wide, S = 1; 1 / 0.004 s = 250
			"io serial server scope",
			cell.BoundParams{Strategy: "serial", Workload: "io", Scope: "server", Tasks: 5, Parallelism: 1,
				IOLatencyMs: 4, JobsInFlight: 10},
			250,
		},
		{
			// parallelism 0 is GOMAXPROCS = 3: S = min(3, 16) × 2 = 6; 6 / 0.003 s = 2000
			"io pool parallelism 0",
			cell.BoundParams{Strategy: "pool", Workload: "io", Scope: "job", Tasks: 16, Parallelism: 0,
				IOLatencyMs: 3, ServerGOMAXPROCS: 3, JobsInFlight: 2},
			2000,
		},
		{
			// S = 10 tasks × 3 jobs = 30; 30 / 0.005 s = 6000
			"io goroutine-per-task",
			cell.BoundParams{Strategy: "goroutine-per-task", Workload: "io", Scope: "job", Tasks: 10, Parallelism: 1,
				IOLatencyMs: 5, JobsInFlight: 3},
			6000,
		},
		{
			// S = min(8, 4 × 10) = 8 server-wide; 8 / 0.010 s = 800
			"io semaphore server scope, limit binds",
			cell.BoundParams{Strategy: "semaphore", Workload: "io", Scope: "server", Tasks: 4, Parallelism: 8,
				IOLatencyMs: 10, JobsInFlight: 10},
			800,
		},
		{
			// S = min(100, 4 × 2) = 8; 8 / 0.020 s = 400
			"io pool server scope, tasks bind",
			cell.BoundParams{Strategy: "pool", Workload: "io", Scope: "server", Tasks: 4, Parallelism: 100,
				IOLatencyMs: 20, JobsInFlight: 2},
			400,
		},
		{
			// pipeline has no shared limit: S = min(2, 8) × 3 = 6; 6 / 0.002 s = 3000
			"io pipeline",
			cell.BoundParams{Strategy: "pipeline", Workload: "io", Scope: "job", Tasks: 8, Parallelism: 2,
				IOLatencyMs: 2, JobsInFlight: 3},
			3000,
		},
		{
			// open loop, J = 200/s × 0.05 s = 10; serial S = 10; 10 / 0.010 s = 1000
			"io serial open loop",
			cell.BoundParams{Strategy: "serial", Workload: "io", Scope: "job", Tasks: 5, Parallelism: 1,
				IOLatencyMs: 10, JobsInFlight: cell.JobsInFlight("open", 1000, 200, 50)},
			1000,
		},
		{
			// S = min(4, 8) × 2 = 8; cpu = 1000 × 100 ns = 0.1 ms; a slot
			// holds io + cpu = 1.1 ms: 8 / 0.0011 s = 7272.7; cores:
			// 4 / 0.0001 s = 40000; the smaller is 7272.7
			"mixed pool, slots bind",
			cell.BoundParams{Strategy: "pool", Workload: "mixed", Scope: "job", Tasks: 8, Parallelism: 4,
				CPUIterations: 1000, IOLatencyMs: 1, ServerGOMAXPROCS: 4, ServerNsPerIteration: 100, JobsInFlight: 2},
			8 / 0.0011,
		},
		{
			// S = min(4, 8) × 2 = 8; 8 / (0.002 + 0.0005) s = 3200; cores 2 / 0.0005 = 4000
			"mixed semaphore",
			cell.BoundParams{Strategy: "semaphore", Workload: "mixed", Scope: "job", Tasks: 8, Parallelism: 4,
				CPUIterations: 500, IOLatencyMs: 2, ServerGOMAXPROCS: 2, ServerNsPerIteration: 1000, JobsInFlight: 2},
			3200,
		},
		{
			// S = J = 3; 3 / (0.002 + 0.0005) s = 1200; cores 2 / 0.0005 = 4000
			"mixed serial",
			cell.BoundParams{Strategy: "serial", Workload: "mixed", Scope: "job", Tasks: 8, Parallelism: 4,
				CPUIterations: 500, IOLatencyMs: 2, ServerGOMAXPROCS: 2, ServerNsPerIteration: 1000, JobsInFlight: 3},
			1200,
		},
		{
			// S = 1 server-wide; 1 / 0.0025 s = 400
			"mixed serial server scope",
			cell.BoundParams{Strategy: "serial", Workload: "mixed", Scope: "server", Tasks: 8, Parallelism: 4,
				CPUIterations: 500, IOLatencyMs: 2, ServerGOMAXPROCS: 2, ServerNsPerIteration: 1000, JobsInFlight: 3},
			400,
		},
		{
			// S = 8 × 2 = 16; 16 / 0.0025 s = 6400; cores 2 / 0.0005 = 4000 bind
			"mixed goroutine-per-task, cores bind",
			cell.BoundParams{Strategy: "goroutine-per-task", Workload: "mixed", Scope: "job", Tasks: 8, Parallelism: 4,
				CPUIterations: 500, IOLatencyMs: 2, ServerGOMAXPROCS: 2, ServerNsPerIteration: 1000, JobsInFlight: 2},
			4000,
		},
		{
			// tasks ≤ parallelism: one wave, no overlap; job ≥ io + cpu =
			// 2.5 ms: 2 × 4 / 0.0025 s = 3200; cores 4 / 0.0005 = 8000
			"mixed pipeline, one wave",
			cell.BoundParams{Strategy: "pipeline", Workload: "mixed", Scope: "job", Tasks: 4, Parallelism: 8,
				CPUIterations: 500, IOLatencyMs: 2, ServerGOMAXPROCS: 4, ServerNsPerIteration: 1000, JobsInFlight: 2},
			3200,
		},
		{
			// P = 4, W = 16 / 4 = 4 waves; job ≥ max(4 × 2 + 0.5, 2 + 4 × 0.5)
			// = 8.5 ms: 2 × 16 / 0.0085 s = 3764.7 (a pool gets 8 / 2.5 ms = 3200);
			// cores 4 / 0.0005 = 8000
			"mixed pipeline, waits overlap chains",
			cell.BoundParams{Strategy: "pipeline", Workload: "mixed", Scope: "job", Tasks: 16, Parallelism: 4,
				CPUIterations: 500, IOLatencyMs: 2, ServerGOMAXPROCS: 4, ServerNsPerIteration: 1000, JobsInFlight: 2},
			32 / 0.0085,
		},
		{
			// CPU-heavy: cpu = 3 ms, io = 1 ms, P = 2, W = 3; job ≥ max(3 + 3,
			// 1 + 9) = 10 ms: 1 × 6 / 0.010 s = 600; cores 8 / 0.003 = 2667
			"mixed pipeline, chains dominate",
			cell.BoundParams{Strategy: "pipeline", Workload: "mixed", Scope: "job", Tasks: 6, Parallelism: 2,
				CPUIterations: 3000, IOLatencyMs: 1, ServerGOMAXPROCS: 8, ServerNsPerIteration: 1000, JobsInFlight: 1},
			600,
		},
		{
			// S = 8; CPU: min(8, 1) × 1e9 / (10000 × 1000) = 100; I/O 8000; → 100
			"mixed, cpu binds",
			cell.BoundParams{Strategy: "pool", Workload: "mixed", Scope: "job", Tasks: 8, Parallelism: 4,
				CPUIterations: 10000, IOLatencyMs: 1, ServerGOMAXPROCS: 1, ServerNsPerIteration: 1000, JobsInFlight: 2},
			100,
		},
		{
			// no I/O wait: only the CPU part bounds; 1 × 1e9 / (1000 × 1000) = 1000
			"mixed without io",
			cell.BoundParams{Strategy: "serial", Workload: "mixed", Scope: "job", Tasks: 1, Parallelism: 1,
				CPUIterations: 1000, ServerGOMAXPROCS: 4, ServerNsPerIteration: 1000, JobsInFlight: 1},
			1000,
		},
		{"cpu without calibration", cell.BoundParams{Strategy: "pool", Workload: "cpu", Tasks: 4, Parallelism: 2,
			CPUIterations: 1000, ServerGOMAXPROCS: 4, JobsInFlight: 1}, 0},
		{"cpu without gomaxprocs", cell.BoundParams{Strategy: "pool", Workload: "cpu", Tasks: 4, Parallelism: 2,
			CPUIterations: 1000, ServerNsPerIteration: 10, JobsInFlight: 1}, 0},
		{"unknown strategy", cell.BoundParams{Strategy: "magic", Workload: "io", Tasks: 4, Parallelism: 2,
			IOLatencyMs: 1, JobsInFlight: 1}, 0},
		{"unknown workload", cell.BoundParams{Strategy: "serial", Workload: "gpu", Tasks: 4, Parallelism: 2,
			IOLatencyMs: 1, JobsInFlight: 1}, 0},
		{"no jobs in flight", cell.BoundParams{Strategy: "serial", Workload: "io", Tasks: 4, Parallelism: 2,
			IOLatencyMs: 1}, 0},
		{"zero-cost job", cell.BoundParams{Strategy: "serial", Workload: "io", Tasks: 4, Parallelism: 2,
			JobsInFlight: 1}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cell.Bound(tt.p); math.Abs(got-tt.want) > 1e-9*tt.want {
				t.Errorf("Bound = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEfficiency(t *testing.T) {
	tests := []struct{ measured, bound, want float64 }{
		{3000, 4000, 0.75},
		{4000, 4000, 1},
		{10, 0, 0}, // unknown bound
		{10, math.NaN(), 0},
	}
	for _, tt := range tests {
		if got := cell.Efficiency(tt.measured, tt.bound); got != tt.want {
			t.Errorf("Efficiency(%v, %v) = %v, want %v", tt.measured, tt.bound, got, tt.want)
		}
	}
}

func ExampleBound() {
	// A pool of 4 per job, 16 tasks per job, 8 closed-loop workers, on a
	// 2-core server whose kernel costs 500ns per iteration, 1000 iterations
	// per task: at most 2 cores busy, each finishing 2000 tasks/s.
	b := cell.Bound(cell.BoundParams{
		Strategy: "pool", Workload: "cpu", Scope: "job", Tasks: 16, Parallelism: 4,
		CPUIterations: 1000, ServerGOMAXPROCS: 2, ServerNsPerIteration: 500,
		JobsInFlight: cell.JobsInFlight("closed", 8, 0, 0),
	})
	fmt.Println(b, "tasks/s; measured 3000 is", cell.Efficiency(3000, b))
	// Output: 4000 tasks/s; measured 3000 is 0.75
}
