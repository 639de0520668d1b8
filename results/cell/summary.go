package cell

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	mstats "github.com/montanaflynn/stats"

	"github.com/stratbench/stratbench/internal/vocab/word"
	"github.com/stratbench/stratbench/results/record"
	"github.com/stratbench/stratbench/results/stats"
	"github.com/stratbench/stratbench/results/usl"
)

// MinUSLLevels is the fewest distinct concurrency levels a group of cells
// needs before Summarize fits the Universal Scalability Law to it.
const MinUSLLevels = 6

// Summary is one cell, the rows of one CellKey measured against one
// server host, summarised over its complete trials.
type Summary struct {
	Host string // server_host
	Key  string // record.Row.CellKey of the cell's rows

	// The cell's job and load parameters, as in its rows; Implementation
	// is "own" for rows that do not name one (schema version 1).
	Strategy, Implementation, Workload, Scope, Mode string
	Tasks, Parallelism                              int
	Concurrency, Connections                        int
	CPUIterations                                   uint64
	IOLatencyMs, TargetRPS                          float64
	WarmupS, DurationS                              float64
	// The shared-state parameters: Sync for counter cells, LockOrder and
	// Accounts for transfer cells; empty (0) for every other cell.
	Sync, LockOrder string
	Accounts        int

	// The server's figures that the bound uses: the median over trials.
	ServerGOMAXPROCS     int
	ServerNsPerIteration float64

	Trials     int // complete trials summarised
	Incomplete int // trials with complete=false, left out of every figure

	// Per-trial figures summarised by NewEstimate: Median is the median
	// over trials, MedianLo and MedianHi its 95% confidence interval (what
	// the report draws), CILow and CIHigh the 95% confidence interval of
	// the mean.
	TasksPerS, ThroughputRPS, P99Ms, P50Ms stats.Estimate
	// TasksTrials and P99Trials are the per-trial tasks_per_s and p99_ms of
	// the complete trials, in row order: what a rank test compares.
	TasksTrials, P99Trials []float64

	// Medians over trials of the per-trial values.
	MeanMs, P90Ms, P999Ms, MaxMs, ServerP50Ms, ServerP99Ms float64

	// BoundTasksPerS is Bound of the cell, with JobsInFlight taken from its
	// mode, concurrency, target rate and median mean_ms; 0 when unknown.
	BoundTasksPerS float64
	// Efficiency is TasksPerS.Median ÷ BoundTasksPerS; 0 when the bound is
	// unknown.
	Efficiency float64

	// IOWaitMeanMs is the median over trials of io_wait_mean_ms, the I/O
	// wait per task the server measured; NaN when no trial has it (CPU
	// work, version-1 files, older servers).
	IOWaitMeanMs float64
	// BoundMeasuredTasksPerS is Bound with the I/O wait the server
	// measured (IOWaitMeanMs) in place of io_latency: the bound this
	// host's timers allowed. EfficiencyMeasured is TasksPerS.Median ÷ it,
	// the strategy's own efficiency with the timers' overshoot taken out.
	// Both are 0 when unknown (no measured wait, or no bound).
	BoundMeasuredTasksPerS, EfficiencyMeasured float64
	// ServerWaitP50Ms, ServerWaitP99Ms, OverheadP50Ms and OverheadP99Ms
	// are the medians over trials of server_wait_p50_ms, server_wait_p99_ms,
	// overhead_p50_ms and overhead_p99_ms; NaN when no trial has them.
	ServerWaitP50Ms, ServerWaitP99Ms, OverheadP50Ms, OverheadP99Ms float64

	Saturated bool   // some complete trial had client_saturated
	Errors    uint64 // errors summed over complete trials

	// ErrorRate is (errors + unsent) ÷ (requests + unsent) summed over
	// the complete trials; a schema version 1 row, which has no unsent
	// column, adds its errors and requests only. Above
	// MaxComparableErrorRate the cell is not comparable on latency.
	ErrorRate float64
	// Unsent sums the complete trials' unsent sends.
	Unsent uint64
	// Backlogged reports that some complete trial had server_backlogged.
	Backlogged bool
	// FlagReasons are the distinct flag_reasons of the complete trials,
	// in row order: why client_saturated or server_backlogged was raised.
	FlagReasons []string
	// P99AllMs, MaxAllMs and SendLagP99Ms are the medians over complete
	// trials of p99_all_ms, max_all_ms and send_lag_p99_ms; NaN (absent,
	// not zero) when no trial's row has them (schema version 1).
	P99AllMs, MaxAllMs, SendLagP99Ms float64

	// LostUpdates is the median over complete trials of lost_updates, the
	// counter increments a trial's jobs lost; LostPerJob the median of
	// lost_updates ÷ the trial's successful jobs (requests − errors),
	// comparable across trials of different lengths. Both are 0 for cells
	// that lost nothing and for workloads other than counter.
	LostUpdates, LostPerJob float64
	// LockRetries and LockRetriesPerJob are the same medians of
	// lock_retries, the failed try-locks of transfer cells.
	LockRetries, LockRetriesPerJob float64
	// InvariantBroken counts the trials of a transfer cell with
	// invariant_ok false. Unlike every other figure it counts incomplete
	// trials too: a broken invariant is a fault however the trial ended.
	// It is 0 for other workloads, whose rows carry no invariant.
	InvariantBroken int

	// Runtime holds the medians over complete trials of the server's
	// runtime figures, each over the trials that have it; a figure no
	// complete trial has is absent.
	Runtime record.Runtime

	// USL is the Universal Scalability Law fit, tasks/s against
	// concurrency, of the cell's group: the closed-loop cells of the same
	// host whose key differs only in concurrency. It is nil for open-loop
	// cells and for groups with fewer than MinUSLLevels concurrency levels
	// or whose fit failed. Cells of one group share one *usl.Model.
	USL *usl.Model

	group string // host and key without concurrency; see groupKey
}

// Summarize groups rows into cells by server host and CellKey and
// summarises each over its complete trials (rows with Complete false are
// counted in Incomplete and otherwise ignored; a cell with no complete
// trial is left out). The result is ordered by host, workload, sync,
// lock_order, accounts, strategy, scope, mode, tasks, parallelism, cpu_iterations, io_latency_ms,
// target_rps, connections, the key, then concurrency, so that a group's
// cells are adjacent and in concurrency order. The only errors are values
// NewEstimate refuses, naming the cell.
func Summarize(rows []record.Row) ([]Summary, error) {
	type id struct{ host, key string }
	byCell := map[id][]record.Row{}
	var order []id
	for _, r := range rows {
		k := id{r.ServerHost, r.CellKey()}
		if _, ok := byCell[k]; !ok {
			order = append(order, k)
		}
		byCell[k] = append(byCell[k], r)
	}
	var out []Summary
	for _, k := range order {
		c, err := summarizeCell(k.host, k.key, byCell[k])
		if err != nil {
			return nil, err
		}
		if c.Trials > 0 {
			out = append(out, c)
		}
	}
	slices.SortStableFunc(out, compareCells)
	fitGroups(out)
	return out, nil
}

// compareCells orders summaries as Summarize documents.
func compareCells(a, b Summary) int {
	return cmp.Or(
		cmp.Compare(a.Host, b.Host),
		cmp.Compare(a.Workload, b.Workload),
		cmp.Compare(a.Sync, b.Sync),
		cmp.Compare(a.LockOrder, b.LockOrder),
		cmp.Compare(a.Accounts, b.Accounts),
		cmp.Compare(a.Strategy, b.Strategy),
		cmp.Compare(a.Implementation, b.Implementation),
		cmp.Compare(a.Scope, b.Scope),
		cmp.Compare(a.Mode, b.Mode),
		cmp.Compare(a.Tasks, b.Tasks),
		cmp.Compare(a.Parallelism, b.Parallelism),
		cmp.Compare(a.CPUIterations, b.CPUIterations),
		cmp.Compare(a.IOLatencyMs, b.IOLatencyMs),
		cmp.Compare(a.TargetRPS, b.TargetRPS),
		cmp.Compare(a.Connections, b.Connections),
		cmp.Compare(groupKey(a), groupKey(b)),
		cmp.Compare(a.Concurrency, b.Concurrency),
	)
}

// groupKey identifies a cell's USL group: its host and its key with
// concurrency set to 0.
func groupKey(c Summary) string { return c.group }

// MaxComparableErrorRate is the error rate above which a cell's success-only
// latency percentiles leave out too much to compare: report and compare
// mark such a cell as not comparable on latency.
const MaxComparableErrorRate = 0.001

// LatencyComparable reports whether c's latency figures may be compared:
// its error rate is at most MaxComparableErrorRate.
func (c Summary) LatencyComparable() bool { return c.ErrorRate <= MaxComparableErrorRate }

// summarizeCell summarises the rows of one cell.
func summarizeCell(host, key string, rows []record.Row) (Summary, error) {
	r0 := rows[0]
	c := Summary{
		Host: host, Key: key,
		Strategy: r0.Strategy, Implementation: r0.ImplementationName(), Workload: r0.Workload, Scope: r0.Scope, Mode: r0.Mode,
		Tasks: r0.Tasks, Parallelism: r0.Parallelism, Concurrency: r0.Concurrency, Connections: r0.Connections,
		CPUIterations: r0.CPUIterations, IOLatencyMs: r0.IOLatencyMs, TargetRPS: r0.TargetRPS,
		WarmupS: r0.WarmupS, DurationS: r0.DurationS,
		Sync: r0.Sync, LockOrder: r0.LockOrder, Accounts: r0.Accounts,
	}
	g := r0
	g.Concurrency = 0
	c.group = host + "\x00" + g.CellKey()
	var tasks, thr, p99, p50, mean, p90, p999, mx, sp50, sp99, gmp, nspi []float64
	var lost, lostPerJob, retries, retriesPerJob []float64
	var p99All, maxAll, lag []float64
	var failed, sent uint64
	var complete []record.Row
	var ioWait, sw50, sw99, ov50, ov99 []float64
	for _, r := range rows {
		if r.Workload == word.WorkloadTransfer && !r.InvariantOK {
			c.InvariantBroken++
		}
		if !r.Complete {
			c.Incomplete++
			continue
		}
		lost = append(lost, float64(r.LostUpdates))
		retries = append(retries, float64(r.LockRetries))
		if jobs := r.Requests - min(r.Errors, r.Requests); jobs > 0 {
			lostPerJob = append(lostPerJob, float64(r.LostUpdates)/float64(jobs))
			retriesPerJob = append(retriesPerJob, float64(r.LockRetries)/float64(jobs))
		}
		c.Trials++
		complete = append(complete, r)
		c.Errors += r.Errors
		c.Saturated = c.Saturated || r.ClientSaturated
		c.Backlogged = c.Backlogged || r.ServerBacklogged
		c.Unsent += r.Unsent
		failed += r.Errors + r.Unsent
		sent += r.Requests + r.Unsent
		if r.FlagReasons != "" && !slices.Contains(c.FlagReasons, r.FlagReasons) {
			c.FlagReasons = append(c.FlagReasons, r.FlagReasons)
		}
		if r.Has("p99_all_ms") {
			p99All = append(p99All, r.P99AllMs)
			maxAll = append(maxAll, r.MaxAllMs)
			lag = append(lag, r.SendLagP99Ms)
		}
		tasks = append(tasks, r.TasksPerS)
		thr = append(thr, r.ThroughputRPS)
		p99 = append(p99, r.P99Ms)
		p50 = append(p50, r.P50Ms)
		mean = append(mean, r.MeanMs)
		p90 = append(p90, r.P90Ms)
		p999 = append(p999, r.P999Ms)
		mx = append(mx, r.MaxMs)
		sp50 = append(sp50, r.ServerP50Ms)
		sp99 = append(sp99, r.ServerP99Ms)
		gmp = append(gmp, float64(r.ServerGOMAXPROCS))
		nspi = append(nspi, r.ServerNsPerIteration)
		if r.Has("io_wait_mean_ms") {
			ioWait = appendPresent(ioWait, r.IOWaitMeanMs)
			sw50, sw99 = appendPresent(sw50, r.ServerWaitP50Ms), appendPresent(sw99, r.ServerWaitP99Ms)
			ov50, ov99 = appendPresent(ov50, r.OverheadP50Ms), appendPresent(ov99, r.OverheadP99Ms)
		}
	}
	if c.Trials == 0 {
		return c, nil
	}
	for _, e := range []struct {
		name string
		xs   []float64
		dst  *stats.Estimate
	}{
		{"tasks_per_s", tasks, &c.TasksPerS},
		{"throughput_rps", thr, &c.ThroughputRPS},
		{"p99_ms", p99, &c.P99Ms},
		{"p50_ms", p50, &c.P50Ms},
	} {
		est, err := stats.NewEstimate(e.xs)
		if err != nil {
			return c, fmt.Errorf("summarize host %q cell %s: %s: %w", host, key, e.name, err)
		}
		*e.dst = est
	}
	c.TasksTrials, c.P99Trials = tasks, p99
	c.MeanMs, c.P90Ms, c.P999Ms, c.MaxMs = median(mean), median(p90), median(p999), median(mx)
	c.P99AllMs, c.MaxAllMs, c.SendLagP99Ms = medianOrNaN(p99All), medianOrNaN(maxAll), medianOrNaN(lag)
	if sent > 0 {
		c.ErrorRate = float64(failed) / float64(sent)
	}
	c.ServerP50Ms, c.ServerP99Ms = median(sp50), median(sp99)
	c.ServerGOMAXPROCS, c.ServerNsPerIteration = int(lowerMedian(gmp)), median(nspi)
	c.LostUpdates, c.LostPerJob = median(lost), median(lostPerJob)
	c.LockRetries, c.LockRetriesPerJob = median(retries), median(retriesPerJob)
	c.Runtime = runtimeMedians(complete)
	c.BoundTasksPerS = c.boundAt(c.IOLatencyMs)
	c.Efficiency = Efficiency(c.TasksPerS.Median, c.BoundTasksPerS)
	c.IOWaitMeanMs = medianOrNaN(ioWait)
	c.ServerWaitP50Ms, c.ServerWaitP99Ms = medianOrNaN(sw50), medianOrNaN(sw99)
	c.OverheadP50Ms, c.OverheadP99Ms = medianOrNaN(ov50), medianOrNaN(ov99)
	if c.IOWaitMeanMs > 0 && c.IOLatencyMs > 0 {
		c.BoundMeasuredTasksPerS = c.boundAt(c.IOWaitMeanMs)
		c.EfficiencyMeasured = Efficiency(c.TasksPerS.Median, c.BoundMeasuredTasksPerS)
	}
	return c, nil
}

// boundAt returns Bound of c with an I/O wait of ioMs per task, and
// JobsInFlight from its mode, concurrency, target rate and median mean_ms.
func (c *Summary) boundAt(ioMs float64) float64 {
	return Bound(BoundParams{
		Strategy: c.Strategy, Workload: c.Workload, Scope: c.Scope,
		Tasks: c.Tasks, Parallelism: c.Parallelism,
		CPUIterations: c.CPUIterations, IOLatencyMs: ioMs,
		ServerGOMAXPROCS: c.ServerGOMAXPROCS, ServerNsPerIteration: c.ServerNsPerIteration,
		JobsInFlight: JobsInFlight(c.Mode, c.Concurrency, c.TargetRPS, c.MeanMs),
	})
}

// appendPresent appends v to xs unless v is absent (NaN).
func appendPresent(xs []float64, v float64) []float64 {
	if math.IsNaN(v) {
		return xs
	}
	return append(xs, v)
}

// medianOrNaN returns the median of xs, or NaN (absent) when xs is empty.
func medianOrNaN(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	return median(xs)
}

// fitGroups fits the USL to every closed-loop group of adjacent cells in
// sorted cs with at least MinUSLLevels concurrency levels.
func fitGroups(cs []Summary) {
	for i := 0; i < len(cs); {
		j := i + 1
		for j < len(cs) && groupKey(cs[j]) == groupKey(cs[i]) {
			j++
		}
		if cs[i].Mode == "closed" && j-i >= MinUSLLevels {
			n := make([]float64, 0, j-i)
			x := make([]float64, 0, j-i)
			for _, c := range cs[i:j] {
				n = append(n, float64(c.Concurrency))
				x = append(x, c.TasksPerS.Median)
			}
			if f, err := usl.Fit(n, x); err == nil {
				for k := i; k < j; k++ {
					cs[k].USL = &f
				}
			}
		}
		i = j
	}
}

// median returns the median of xs, or 0 when xs is empty.
func median(xs []float64) float64 {
	m, err := mstats.Median(mstats.Float64Data(xs))
	if err != nil {
		return 0
	}
	return m
}

// lowerMedian returns the lower of the two middle values of xs (the middle
// one when len(xs) is odd), or 0 when xs is empty: a median that is one of
// the values, the nearest-rank 50th percentile.
func lowerMedian(xs []float64) float64 {
	m, err := mstats.PercentileNearestRank(mstats.Float64Data(xs), 50)
	if err != nil {
		return 0
	}
	return m
}
