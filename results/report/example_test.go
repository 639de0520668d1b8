package report_test

import (
	"math"
	"os"

	"github.com/stratbench/stratbench/results/cell"
	"github.com/stratbench/stratbench/results/record"
	"github.com/stratbench/stratbench/results/report"
	"github.com/stratbench/stratbench/results/stats"
	"github.com/stratbench/stratbench/results/usl"
)

// One cell of 6 trials, with its bound and a scalability fit that never
// peaks (κ = 0, so κ's interval reaches 0 and no peak is written), written
// as summary.csv; the server reported no split and no I/O wait, and of its
// runtime figures only CPU per task and scheduling latency (the others are
// written empty, never as zero).
func ExampleWriteSummaryCSV() {
	nan := math.NaN()
	fit := &usl.Model{Sigma: 0.05, Kappa: 0, Lambda: 1900, PeakN: math.Inf(1), R2: 0.99, Points: 6,
		SigmaCI: usl.Interval{Lo: 0.03, Hi: 0.07}, KappaCI: usl.Interval{Lo: 0, Hi: 0.0002}, PeakNCI: usl.Interval{Lo: nan, Hi: nan}}
	cells := []cell.Summary{{
		Host: "bench-1", Strategy: "pool", Implementation: "own", Workload: "cpu", Scope: "job", Mode: "closed",
		Tasks: 16, Parallelism: 4, Concurrency: 8, Connections: 1, CPUIterations: 2000,
		ServerGOMAXPROCS: 2, ServerNsPerIteration: 250, Trials: 6,
		TasksPerS:      stats.Estimate{N: 6, Median: 3800, MedianLo: 3700.25, MedianHi: 3899.75},
		P99Ms:          stats.Estimate{N: 6, Median: 41.5, MedianLo: 38, MedianHi: 45},
		BoundTasksPerS: 4000, Efficiency: 0.95, USL: fit,
		IOWaitMeanMs: nan, ServerWaitP50Ms: nan, ServerWaitP99Ms: nan, OverheadP50Ms: nan, OverheadP99Ms: nan,
		Errors: 3, ErrorRate: 3.0 / 45600,
		Runtime: record.Runtime{ServerCPUUsPerTask: record.Some(212.5), SchedLatencyP50Us: record.Some(18),
			SchedLatencyP99Us: record.Some(37.25)},
	}}
	if err := report.WriteSummaryCSV(os.Stdout, cells); err != nil {
		panic(err)
	}
	// Output:
	// host,strategy,workload,scope,tasks,parallelism,cpu_iterations,io_latency_ms,mode,concurrency,target_rps,connections,server_gomaxprocs,server_ns_per_iteration,trials,tasks_per_s_median,tasks_per_s_ci_low,tasks_per_s_ci_high,p99_ms_median,p99_ms_ci_low,p99_ms_ci_high,bound_tasks_per_s,efficiency,usl_sigma,usl_kappa,usl_lambda,usl_peak_n,usl_r2,errors,saturated,sync,lock_order,accounts,lost_updates_median,lost_per_job_median,lock_retries_median,lock_retries_per_job_median,invariant_broken_trials,implementation,usl_sigma_lo,usl_sigma_hi,usl_kappa_lo,usl_kappa_hi,usl_peak_n_lo,usl_peak_n_hi,io_wait_mean_ms,bound_measured_tasks_per_s,efficiency_measured,server_wait_p50_ms,server_wait_p99_ms,overhead_p50_ms,overhead_p99_ms,error_rate,server_cpu_s_median,server_cpu_us_per_task_median,sched_latency_p50_us_median,sched_latency_p99_us_median,gc_cpu_pct_median,allocs_per_task_median,bytes_per_task_median,mutex_wait_ms_median,goroutines_peak_median,heap_peak_mb_median,throttled_s_median
	// bench-1,pool,cpu,job,16,4,2000,0,closed,8,0,1,2,250,6,3800,3700.25,3899.75,41.5,38,45,4000,0.95,0.05,0,1900,,0.99,3,false,,,0,0,0,0,0,0,own,0.03,0.07,0,0.0002,,,,,,,,,,6.57895e-05,,212.5,18,37.25,,,,,,,
}
