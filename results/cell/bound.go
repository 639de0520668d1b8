package cell

import (
	"math"

	"github.com/stratbench/stratbench/internal/vocab/word"
)

// BoundParams are what a cell's throughput bound depends on: its job, the
// server's CPU figures and how many jobs the load keeps in flight.
type BoundParams struct {
	Strategy             string  // "serial", "goroutine-per-task", "pool", "semaphore" or "pipeline"
	Workload             string  // "cpu", "io" or "mixed"; any other has no bound
	Scope                string  // "job" or "server"
	Tasks                int     // tasks per job
	Parallelism          int     // the strategy's limit
	CPUIterations        uint64  // CPU-kernel iterations per task
	IOLatencyMs          float64 // I/O wait per task
	ServerGOMAXPROCS     int     // the server's GOMAXPROCS
	ServerNsPerIteration float64 // the server's calibrated single-core cost of one iteration
	JobsInFlight         float64 // see JobsInFlight
}

// JobsInFlight returns how many jobs a load keeps in flight on the server,
// the multiplier of the bound. In a closed loop (mode "closed") each of the
// concurrency workers has one job in flight, so it is concurrency. In an
// open loop (mode "open") it follows Little's law: targetRPS × latencyMs/1000,
// the arrival rate times the time a job spends in the system, capped by the
// load's in-flight limit, which the concurrency column holds in open loop.
// Summarize passes the cell's median mean latency (mean_ms) as latencyMs,
// since Little's law holds for the mean. Another mode returns 0.
func JobsInFlight(mode string, concurrency int, targetRPS, latencyMs float64) float64 {
	switch mode {
	case "closed":
		return float64(concurrency)
	case "open":
		l := targetRPS * latencyMs / 1000
		if concurrency > 0 {
			l = math.Min(l, float64(concurrency))
		}
		return math.Max(l, 0)
	}
	return 0
}

// Bound returns the most tasks per second p's job could complete on its
// server, the figure a measured tasks/s is divided by to give its
// efficiency, or 0 when p lacks what the bound needs (an unknown strategy
// or workload, no jobs in flight, or for CPU work no GOMAXPROCS or
// ns-per-iteration). With J = p.JobsInFlight:
//
// Tasks the strategy lets run at once, S (a parallelism of 0 stands for the
// server's GOMAXPROCS, as the server reads it):
//   - serial with scope "job": 1 per job, S = J;
//   - serial with scope "server": one task at a time server-wide (the
//     shared serial strategy admits one job at a time), S = 1;
//   - pool, semaphore with scope "job", and pipeline: min(parallelism,
//     tasks) per job, S = min(parallelism, tasks) × J;
//   - pool, semaphore with scope "server": parallelism server-wide, shared by
//     every job, S = min(parallelism, tasks × J) (no more tasks run than
//     exist);
//   - goroutine-per-task: tasks per job, S = tasks × J.
//
// Pipeline and goroutine-per-task have no server-wide form, so their scope
// is ignored.
//
// CPU work ("cpu"): min(S, GOMAXPROCS) × 1e9 ÷ (cpu_iterations ×
// ns_per_iteration): the busy cores times one core's task rate.
//
// I/O work ("io"): S ÷ (io_latency_ms / 1000): Little's law, tasks in flight
// over the time each takes.
//
// Mixed work ("mixed", each task an I/O wait of io then a CPU chain of
// cpu = cpu_iterations × ns_per_iteration on one core) depends on how the
// strategy schedules the two halves:
//   - serial, pool, semaphore and goroutine-per-task hold a task's slot (or
//     its goroutine) through the wait and then the chain, so each of the S
//     tasks in flight takes at least io + cpu: min(S ÷ (io + cpu),
//     GOMAXPROCS ÷ cpu);
//   - pipeline gives each half its own P = min(parallelism, tasks) workers
//     per job, so the halves of different tasks overlap, but only within a
//     job, which passes in W = ⌈tasks ÷ P⌉ waves: a job lasts at least
//     max(W·io + cpu, io + W·cpu) (the last wave's wait starts after the
//     previous waves' waits; the first chain starts after one wait), so
//     min(J × tasks ÷ max(W·io + cpu, io + W·cpu), GOMAXPROCS ÷ cpu). With
//     tasks ≤ parallelism (W = 1) that is the slot strategies' bound: one
//     wave has nothing to overlap with; as W grows it tends to
//     min(S ÷ max(io, cpu), GOMAXPROCS ÷ cpu).
//
// A zero-cost half (0 iterations or 0 ms) leaves the other half's bound.
// The slot strategies' figure ignores their last partial wave (tasks not a
// multiple of parallelism), so it is an upper bound, not always attained.
//
// Shared-state work ("counter", "transfer") has no bound: its cost is
// set by contention on one counter or a few locks (cache-line transfers,
// lock hand-offs, channel sends, back-off sleeps), which neither the
// calibrated kernel cost nor Little's law predicts, so Bound returns 0
// (unknown) rather than a figure that would look authoritative and be
// wrong.
func Bound(p BoundParams) float64 {
	s := slotsAtOnce(p)
	if s <= 0 {
		return 0
	}
	switch p.Workload {
	case word.WorkloadCPU, word.WorkloadIO, word.WorkloadMixed:
	default:
		return 0
	}
	// cpu and io are one task's CPU time on one core and its wait, in
	// seconds; 0 for a half the workload does not have.
	var cpu, io float64
	if p.Workload != word.WorkloadIO && p.CPUIterations > 0 {
		if p.ServerGOMAXPROCS <= 0 || !(p.ServerNsPerIteration > 0) {
			return 0
		}
		cpu = float64(p.CPUIterations) * p.ServerNsPerIteration / 1e9
	}
	if p.Workload != word.WorkloadCPU && p.IOLatencyMs > 0 {
		io = p.IOLatencyMs / 1000
	}
	cores := float64(p.ServerGOMAXPROCS)
	switch {
	case cpu > 0 && io > 0:
		return math.Min(mixedStrategyBound(p, s, io, cpu), cores/cpu)
	case cpu > 0:
		return math.Min(s, cores) / cpu
	case io > 0:
		return s / io
	}
	return 0 // a job of zero cost has no bound
}

// mixedStrategyBound returns the tasks per second p's strategy allows for
// mixed work of wait io and chain cpu (seconds), S tasks at once, before
// the cores' limit; see Bound.
func mixedStrategyBound(p BoundParams, s, io, cpu float64) float64 {
	if p.Strategy != word.StrategyPipeline {
		return s / (io + cpu)
	}
	workers := s / p.JobsInFlight // min(parallelism, tasks), per job
	waves := math.Ceil(float64(p.Tasks) / workers)
	job := math.Max(waves*io+cpu, io+waves*cpu)
	return p.JobsInFlight * float64(p.Tasks) / job
}

// slotsAtOnce returns S, the tasks p's strategy lets run at once over all
// the jobs in flight, or 0 when it is unknown.
func slotsAtOnce(p BoundParams) float64 {
	j, tasks, par := p.JobsInFlight, float64(p.Tasks), float64(p.Parallelism)
	if !(j > 0) || tasks <= 0 {
		return 0
	}
	if par == 0 {
		par = float64(p.ServerGOMAXPROCS)
	}
	server := p.Scope == word.ScopeServer
	switch p.Strategy {
	case word.StrategySerial:
		if server {
			return 1
		}
		return j
	case word.StrategyGoroutinePerTask:
		return tasks * j
	case word.StrategyPool, word.StrategySemaphore, word.StrategyPipeline:
		if par <= 0 {
			return 0
		}
		if server && p.Strategy != word.StrategyPipeline {
			return math.Min(par, tasks*j)
		}
		return math.Min(par, tasks) * j
	}
	return 0
}

// Efficiency returns measured ÷ bound, or 0 when bound is not above 0.
func Efficiency(measured, bound float64) float64 {
	if !(bound > 0) {
		return 0
	}
	return measured / bound
}
