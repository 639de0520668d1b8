package sweep

import (
	"fmt"
	"os"
	"slices"

	"github.com/stratbench/stratbench/client"
	"github.com/stratbench/stratbench/internal/vocab/word"
)

// BuiltinMatrixNames lists the names [BuiltinMatrix] knows. It is shared:
// callers must not modify it.
var BuiltinMatrixNames = []string{"smoke", "default", "shared", "libraries", RatesMatrixName}

// BuiltinMatrix returns a fresh copy of a built-in matrix, with every
// default filled in. Smoke and default share one job shape, sized so that
// one RPC is about 1 to 10 ms of work on a current x86 core: 16 tasks at
// parallelism 4, a cpu task being 2000 SHA-256 steps (0.1 µs each with SHA
// extensions, up to 0.5 µs without, so 0.2 to 1 ms a task and 3 to 16 ms
// of CPU a job) and an io task a 2 ms wait (8 ms a job in four waves of
// four; mixed does both).
//
//   - "smoke": every strategy × cpu and io, closed loop at concurrency 4, 1
//     trial, warm-up 200 ms and 1 s measured: 10 trials, about 12 s plus
//     the server's start-up (12.5 s measured on a busy 2-core host), under
//     30 s.
//   - "default": every strategy × cpu, io and mixed × closed-loop
//     concurrency 1, 2, 4, 8, 16 and 32 (six levels, enough for a
//     scalability fit) × 6 trials, warm-up 150 ms and 700 ms measured. Six
//     trials is the fewest for which a median has a 95% confidence
//     interval (benchmath's order statistics), and six against six lets
//     compare reach p = 0.002 (three against three cannot go below 0.1).
//     540 trials of 0.85 s planned; with the 45 ms a trial took beyond its
//     plan in the smoke run, about 8.1 minutes on a 2-core host, under 10
//     (make bench-report took 8 min 1 s on a busy 2-core host). On a host
//     so oversubscribed that a c=32 cpu RPC takes longer than the trial
//     (load average 23 on 2 cores), those trials measure no RPC.
//   - "shared": the shared-state workloads, every strategy × counter under
//     each of the five sync modes and transfer between 8 accounts under
//     both lock orders, × closed-loop concurrency 1, 4 and 16 × 3 trials,
//     warm-up 150 ms and 500 ms measured. A job is 16 tasks at
//     parallelism 4 of 1000 increments or transfers each: 16,000
//     increments, from about 0.2 ms of atomic adds to a few ms of channel
//     sends. That is 105 cells and 315 trials of 0.65 s planned, 0.67 s
//     taken: 3 min 31 s measured on a busy 2-core host, server start-up
//     included, under 5.
//   - "libraries": the implementations of the strategies that have more
//     than one (goroutine-per-task: own, conc; pool: own, ants, pond,
//     conc; semaphore: own, errgroup: 8 pairs) × cpu and io × closed-loop
//     concurrency 1, 2, 4, 8, 16 and 32 × 5 trials, warm-up 200 ms and
//     800 ms measured, in the job shape of default: 96 cells, 480 trials
//     of 1 s planned (8 min); with default's 45 ms a trial beyond its
//     plan, about 8.4 minutes on a 2-core host, under 10.
//   - "rates": the knee probe of the latency-against-load matrix, every
//     strategy × cpu and io, closed loop at concurrency 16, 1 trial,
//     warm-up 200 ms and 1 s measured. `stratbench sweep --matrix rates`
//     runs it first and sweeps [RatesMatrix] of it: the same cells open
//     loop at up to 12 rates from the lowest knee ÷ 8 to the highest × 1.5,
//     at most 10 cells × 12 rates × 1 trial of 1.2 s plus the drain of
//     overloaded rates (at most the 10 s RPC timeout each): 120 trials,
//     4 min 51 s measured on a busy 2-core host.
//
// Any other name is an error.
func BuiltinMatrix(name string) (*Matrix, error) {
	m := &Matrix{
		Strategies:    append([]string(nil), client.StrategyNames...),
		Scopes:        []string{word.ScopeJob},
		Tasks:         []uint32{16},
		Parallelism:   []uint32{4},
		CPUIterations: []uint64{2000},
		IOLatency:     []string{"2ms"},
	}
	switch name {
	case "smoke":
		m.Workloads = []string{word.WorkloadCPU, word.WorkloadIO}
		m.Concurrency = []int{4}
		m.Duration, m.Warmup, m.TrialsPerCell = "1s", "200ms", 1
	case "default":
		m.Workloads = []string{word.WorkloadCPU, word.WorkloadIO, word.WorkloadMixed}
		m.Concurrency = []int{1, 2, 4, 8, 16, 32}
		m.Duration, m.Warmup, m.TrialsPerCell = "700ms", "150ms", 6
	case "shared":
		m.Workloads = []string{word.WorkloadCounter, word.WorkloadTransfer}
		m.CPUIterations = []uint64{1000}
		m.Syncs = append([]string(nil), client.SyncNames...)
		m.LockOrders = append([]string(nil), client.LockOrderNames...)
		m.Accounts = []uint32{8}
		m.Concurrency = []int{1, 4, 16}
		m.Duration, m.Warmup, m.TrialsPerCell = "500ms", "150ms", 3
	case "libraries":
		m.Strategies = []string{"goroutine-per-task", "pool", "semaphore"}
		m.Implementations = append([]string(nil), client.ImplementationNames...)
		m.Workloads = []string{"cpu", "io"}
		m.Concurrency = []int{1, 2, 4, 8, 16, 32}
		m.Duration, m.Warmup, m.TrialsPerCell = "800ms", "200ms", 5
	case RatesMatrixName:
		m.Workloads = []string{"cpu", "io"}
		m.Concurrency = []int{16}
		m.Duration, m.Warmup, m.TrialsPerCell = "1s", "200ms", 1
	default:
		return nil, fmt.Errorf("matrix: unknown built-in matrix %q (want one of %v)", name, BuiltinMatrixNames)
	}
	m.fillDefaults()
	if err := m.check(); err != nil {
		panic(fmt.Sprintf("built-in matrix %q: %v", name, err))
	}
	return m, nil
}

// LoadMatrix returns the built-in matrix called nameOrPath (one of
// [BuiltinMatrixNames]), or else parses the JSON matrix file at that path
// with [ParseMatrix]. A built-in name wins over a file of the same name;
// write "./smoke" to read such a file.
func LoadMatrix(nameOrPath string) (*Matrix, error) {
	if slices.Contains(BuiltinMatrixNames, nameOrPath) {
		return BuiltinMatrix(nameOrPath)
	}
	f, err := os.Open(nameOrPath)
	if err != nil {
		return nil, fmt.Errorf("matrix: %q is neither a built-in matrix (%v) nor a readable file: %w", nameOrPath, BuiltinMatrixNames, err)
	}
	defer f.Close()
	m, err := ParseMatrix(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", nameOrPath, err)
	}
	return m, nil
}
