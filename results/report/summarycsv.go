package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/stratbench/stratbench/results/cell"
	"github.com/stratbench/stratbench/results/record"
	"github.com/stratbench/stratbench/results/usl"
)

// SummaryHeader is the header of summary.csv: the cell's host and
// parameters, its trial count, the median and its 95% confidence interval
// (benchmath's; empty with fewer than 6 trials) of tasks/s and of p99
// latency across trials, the bound and the
// efficiency, the Universal Scalability Law fit of the cell's (host,
// strategy, workload) series, the errors and whether a trial was measured
// by a saturated client, then the shared-state columns: the cell's sync
// mode, lock order and accounts (empty, 0, for workloads without them),
// the medians over trials of lost updates per trial and per successful
// job, of lock retries per trial and per job, and the trials whose
// transfer invariant broke, the implementation that ran the strategy
// ("own" for rows that do not name one); then the 95% intervals of the USL
// σ, κ and peak N, the measured I/O wait with the bound and efficiency at
// it, and the medians of server wait and overhead p50 and p99 (each empty
// when unknown); then the error rate ((errors + unsent) ÷ (requests +
// unsent) over complete trials, six significant digits) and the medians
// over complete trials of the server's runtime figures of results.csv
// (record.RuntimeColumns but profile, each named with _median), empty when
// no trial has the figure, never zero.
var SummaryHeader = []string{
	"host", "strategy", "workload", "scope", "tasks", "parallelism", "cpu_iterations", "io_latency_ms",
	"mode", "concurrency", "target_rps", "connections", "server_gomaxprocs", "server_ns_per_iteration",
	"trials",
	"tasks_per_s_median", "tasks_per_s_ci_low", "tasks_per_s_ci_high",
	"p99_ms_median", "p99_ms_ci_low", "p99_ms_ci_high",
	"bound_tasks_per_s", "efficiency",
	"usl_sigma", "usl_kappa", "usl_lambda", "usl_peak_n", "usl_r2",
	"errors", "saturated",
	"sync", "lock_order", "accounts",
	"lost_updates_median", "lost_per_job_median", "lock_retries_median", "lock_retries_per_job_median",
	"invariant_broken_trials",
	"implementation",
	"usl_sigma_lo", "usl_sigma_hi", "usl_kappa_lo", "usl_kappa_hi", "usl_peak_n_lo", "usl_peak_n_hi",
	"io_wait_mean_ms", "bound_measured_tasks_per_s", "efficiency_measured",
	"server_wait_p50_ms", "server_wait_p99_ms", "overhead_p50_ms", "overhead_p99_ms",
	"error_rate",
	"server_cpu_s_median", "server_cpu_us_per_task_median", "sched_latency_p50_us_median", "sched_latency_p99_us_median",
	"gc_cpu_pct_median", "allocs_per_task_median", "bytes_per_task_median", "mutex_wait_ms_median", "goroutines_peak_median",
	"heap_peak_mb_median", "throttled_s_median",
}

// summaryRuntime are the columns of results.csv whose medians over complete
// trials end summary.csv, each named with _median: record.RuntimeColumns
// but profile, which is a file's path.
var summaryRuntime = func() []string {
	var out []string
	for _, name := range record.RuntimeColumns {
		if name != "profile" {
			out = append(out, name)
		}
	}
	return out
}()

// WriteSummaryCSV writes cells to w as summary.csv: SummaryHeader, then one
// row per cell in the order given. Floats are written as results' CSV
// writes them, rounded to four decimal places except the USL parameters,
// which keep six significant digits because κ is often below 1e-4. The
// bound and efficiency are empty when the bound is unknown (0), the usl_
// columns when the cell has no fit; usl_peak_n and its interval are empty
// when the peak is not identified (κ's interval includes 0, as when κ is
// 0).
func WriteSummaryCSV(w io.Writer, cells []cell.Summary) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = false
	if err := cw.Write(SummaryHeader); err != nil {
		return fmt.Errorf("summary: %w", err)
	}
	for _, c := range cells {
		rec := []string{
			c.Host, c.Strategy, c.Workload, c.Scope, strconv.Itoa(c.Tasks), strconv.Itoa(c.Parallelism),
			strconv.FormatUint(c.CPUIterations, 10), decimal(c.IOLatencyMs),
			c.Mode, strconv.Itoa(c.Concurrency), decimal(c.TargetRPS), strconv.Itoa(c.Connections),
			strconv.Itoa(c.ServerGOMAXPROCS), decimal(c.ServerNsPerIteration),
			strconv.Itoa(c.Trials),
			decimal(c.TasksPerS.Median), decimal(c.TasksPerS.MedianLo), decimal(c.TasksPerS.MedianHi),
			decimal(c.P99Ms.Median), decimal(c.P99Ms.MedianLo), decimal(c.P99Ms.MedianHi),
		}
		if c.BoundTasksPerS > 0 {
			rec = append(rec, decimal(c.BoundTasksPerS), decimal(c.Efficiency))
		} else {
			rec = append(rec, "", "")
		}
		if u := c.USL; u != nil {
			peak := ""
			if u.PeakIdentified() {
				peak = significant(u.PeakN)
			}
			rec = append(rec, significant(u.Sigma), significant(u.Kappa), significant(u.Lambda),
				peak, significant(u.R2))
		} else {
			rec = append(rec, "", "", "", "", "")
		}
		rec = append(rec, strconv.FormatUint(c.Errors, 10), strconv.FormatBool(c.Saturated),
			c.Sync, c.LockOrder, strconv.Itoa(c.Accounts),
			decimal(c.LostUpdates), decimal(c.LostPerJob), decimal(c.LockRetries), decimal(c.LockRetriesPerJob),
			strconv.Itoa(c.InvariantBroken), c.Implementation)
		if u := c.USL; u != nil {
			peak := usl.Interval{Lo: math.NaN(), Hi: math.NaN()}
			if u.PeakIdentified() {
				peak = u.PeakNCI
			}
			for _, ci := range []usl.Interval{u.SigmaCI, u.KappaCI, peak} {
				rec = append(rec, significant(ci.Lo), significant(ci.Hi))
			}
		} else {
			rec = append(rec, "", "", "", "", "", "")
		}
		rec = append(rec, decimal(c.IOWaitMeanMs))
		if c.BoundMeasuredTasksPerS > 0 {
			rec = append(rec, decimal(c.BoundMeasuredTasksPerS), decimal(c.EfficiencyMeasured))
		} else {
			rec = append(rec, "", "")
		}
		rec = append(rec, decimal(c.ServerWaitP50Ms), decimal(c.ServerWaitP99Ms), decimal(c.OverheadP50Ms), decimal(c.OverheadP99Ms))
		rec = append(rec, significant(c.ErrorRate))
		rt := record.Row{Runtime: c.Runtime}
		for _, col := range summaryRuntime {
			v, _ := rt.Field(col)
			o, _ := v.(record.Optional)
			rec = append(rec, o.String())
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("summary: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("summary: %w", err)
	}
	return nil
}

// decimal formats v rounded to four decimal places in its shortest form,
// as the results CSV does; "" when v is not finite.
func decimal(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	if math.Abs(v) < 1<<52/1e4 {
		v = math.Round(v*1e4) / 1e4
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// significant formats v with six significant digits: "inf" for +Inf (the
// N* of a fit with κ = 0, which never peaks) and "" for any other value
// that is not finite.
func significant(v float64) string {
	if math.IsInf(v, 1) {
		return "inf"
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}
