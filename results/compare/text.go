package compare

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"github.com/stratbench/stratbench/internal/errwriter"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/stratbench/stratbench/results/cell"
	"github.com/stratbench/stratbench/results/record"
)

// WriteText writes c as a terminal table: per cell, A's and B's median
// tasks/s, their ratio B/A and its p-value, the same for p99, the ratios B/A
// of server CPU per task and scheduler-latency p99, and flags: a saturated
// client, a backlogged server, and a p99 not comparable because a side's
// error rate is above cell.MaxComparableErrorRate (its p99 ratio is then
// marked "!"), and "n too small for p < 0.05" where the trial counts cannot
// reach significance; a p-value below SignificanceLevel is marked "*". A
// summary line as benchstat's follows (the geometric mean of the tasks/s
// ratios, the cells significantly faster and slower), then a legend and the
// counts of unmatched cells.
func (c *Comparison) WriteText(w io.Writer) error {
	ew := &errwriter.Writer{W: w}
	fmt.Fprintf(ew, "A: %s (server %s)\nB: %s (server %s)\n\n",
		c.A.Name, orNone(c.AHosts), c.B.Name, orNone(c.BHosts))
	if len(c.Cells) == 0 {
		fmt.Fprintln(ew, "no cell was measured on both sides")
	} else {
		tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "cell\tn\tA tasks/s\tB tasks/s\tB/A\tp\tA p99 ms\tB p99 ms\tB/A\tp\tCPU/task B/A\tsched p99 B/A\tflags\tnote")
		for _, x := range c.Cells {
			p99Ratio := FormatRatio(x.P99Ratio)
			if !x.LatencyComparable() {
				p99Ratio += " !"
			}
			note := ""
			if x.TooFew() {
				note = "\t" + TooFewNote
			}
			fmt.Fprintf(tw, "%s\t%d+%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s%s\n",
				cell.Label(x.A), x.A.Trials, x.B.Trials,
				FormatNumber(x.A.TasksPerS.Median), FormatNumber(x.B.TasksPerS.Median), FormatRatio(x.TasksRatio), pText(x.TasksP),
				FormatNumber(x.A.P99Ms.Median), FormatNumber(x.B.P99Ms.Median), p99Ratio, pText(x.P99P),
				FormatRatio(x.CPUPerTaskRatio), FormatRatio(x.SchedP99Ratio), strings.Join(x.Flags(), "; "), note)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintf(ew, "\n%s\n", c.Overall())
		fmt.Fprintf(ew, "\nMedians over complete trials; p: two-sided Mann–Whitney U over trials, * below %g.\n", SignificanceLevel)
		fmt.Fprintln(ew, "CPU/task and sched p99: the servers' CPU per task and scheduler-latency p99 (runtime evidence), B over A; – where a side lacks them.")
		fmt.Fprintln(ew, "saturated: a client on either side saturated; the figure may be the client's limit, not the server's.")
		fmt.Fprintln(ew, "backlogged: a side's server fell behind its open-loop schedule; its latencies are those of an overloaded server.")
		fmt.Fprintf(ew, "! p99 not comparable: a side's error rate (failed, timed out or unsent requests) is above %g%%, and its success-only p99 leaves them out.\n",
			100*cell.MaxComparableErrorRate)
	}
	if n := len(c.OnlyA); n > 0 {
		fmt.Fprintf(ew, "%d cells only in A\n", n)
	}
	if n := len(c.OnlyB); n > 0 {
		fmt.Fprintf(ew, "%d cells only in B\n", n)
	}
	return ew.Err
}

// Flags returns the cell's warnings for a table: "saturated",
// "backlogged", and "p99 not comparable: errors A x% B y%", or "ok" alone.
func (c Cell) Flags() []string {
	var f []string
	if c.Saturated() {
		f = append(f, "saturated")
	}
	if c.Backlogged() {
		f = append(f, "backlogged")
	}
	if !c.LatencyComparable() {
		f = append(f, fmt.Sprintf("p99 not comparable: errors A %.2g%% B %.2g%%", 100*c.A.ErrorRate, 100*c.B.ErrorRate))
	}
	if len(f) == 0 {
		f = append(f, "ok")
	}
	return f
}

// compareColumns are the columns of WriteCSV.
var compareColumns = []string{
	"strategy", "workload", "scope", "tasks", "parallelism", "cpu_iterations", "io_latency_ms",
	"mode", "concurrency", "target_rps", "connections", "warmup_s", "duration_s",
	"a_host", "b_host", "a_trials", "b_trials",
	"a_tasks_per_s", "b_tasks_per_s", "tasks_ratio", "tasks_p", "tasks_significant",
	"a_p99_ms", "b_p99_ms", "p99_ratio", "p99_p", "p99_significant",
	"a_saturated", "b_saturated",
	"sync", "lock_order", "accounts",
	"a_error_rate", "b_error_rate", "latency_comparable", "a_backlogged", "b_backlogged",
	"a_cpu_us_per_task", "b_cpu_us_per_task", "cpu_per_task_ratio",
	"a_sched_latency_p99_us", "b_sched_latency_p99_us", "sched_p99_ratio",
	"min_p",
}

// WriteCSV writes c as CSV (compare.csv): a header, then one row per cell
// measured on both sides with its job and load parameters, each side's
// server host, trial count, median tasks/s and p99, the ratios B/A, the
// p-values and whether each is below SignificanceLevel, and whether each
// side's client saturated, then the shared-state parameters sync,
// lock_order and accounts (empty, 0, for the workloads without them), then
// each side's error rate, whether the latencies are comparable (see
// Cell.LatencyComparable) and whether each side's server was backlogged,
// then each side's median server CPU per task and scheduler-latency p99 and
// their ratios B/A (empty where a side lacks the figure), then min_p, the
// smallest p-value the trial counts allow (at or above SignificanceLevel:
// the cell cannot be significant). Medians and ratios
// are rounded to 4 decimal places; p-values and error rates keep 6
// significant digits.
func (c *Comparison) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(compareColumns); err != nil {
		return err
	}
	for _, x := range c.Cells {
		a, b := x.A, x.B
		f := func(v float64) string { return record.FormatFloat(v) }
		rec := []string{
			a.Strategy, a.Workload, a.Scope, strconv.Itoa(a.Tasks), strconv.Itoa(a.Parallelism),
			strconv.FormatUint(a.CPUIterations, 10), f(a.IOLatencyMs),
			a.Mode, strconv.Itoa(a.Concurrency), f(a.TargetRPS), strconv.Itoa(a.Connections), f(a.WarmupS), f(a.DurationS),
			a.Host, b.Host, strconv.Itoa(a.Trials), strconv.Itoa(b.Trials),
			f(a.TasksPerS.Median), f(b.TasksPerS.Median), f(x.TasksRatio),
			strconv.FormatFloat(x.TasksP, 'g', 6, 64), strconv.FormatBool(x.TasksSignificant()),
			f(a.P99Ms.Median), f(b.P99Ms.Median), f(x.P99Ratio),
			strconv.FormatFloat(x.P99P, 'g', 6, 64), strconv.FormatBool(x.P99Significant()),
			strconv.FormatBool(a.Saturated), strconv.FormatBool(b.Saturated),
			a.Sync, a.LockOrder, strconv.Itoa(a.Accounts),
			strconv.FormatFloat(a.ErrorRate, 'g', 6, 64), strconv.FormatFloat(b.ErrorRate, 'g', 6, 64),
			strconv.FormatBool(x.LatencyComparable()), strconv.FormatBool(a.Backlogged), strconv.FormatBool(b.Backlogged),
			a.Runtime.ServerCPUUsPerTask.String(), b.Runtime.ServerCPUUsPerTask.String(), optRatio(x.CPUPerTaskRatio),
			a.Runtime.SchedLatencyP99Us.String(), b.Runtime.SchedLatencyP99Us.String(), optRatio(x.SchedP99Ratio),
			strconv.FormatFloat(x.MinP, 'g', 6, 64),
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// FormatNumber formats a median for a table: no decimals from 100 up, fewer
// significant digits below, never an exponent.
func FormatNumber(v float64) string {
	a := math.Abs(v)
	switch {
	case v == 0:
		return "0"
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	case a >= 1:
		return strconv.FormatFloat(v, 'f', 2, 64)
	case a >= 0.001:
		return strconv.FormatFloat(v, 'f', 4, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// FormatRatio formats a ratio B/A, "–" when A's value was 0.
func FormatRatio(r float64) string {
	if r == 0 {
		return "–"
	}
	return strconv.FormatFloat(r, 'f', 3, 64) + "×"
}

// TooFewNote is what the text and HTML comparisons print beside a cell
// whose trial counts cannot reach a p-value below SignificanceLevel.
const TooFewNote = "n too small for p < 0.05"

// String formats o as benchstat's summary line, such as "geomean B/A
// tasks/s 1.023× over 90 cells: 12 significantly faster, 3 slower, 75 not
// significant (p < 0.05)", adding how many of the last could not have
// been significant at their trial counts.
func (o Overall) String() string {
	if o.Cells == 0 {
		return "geomean B/A tasks/s: no cell with a known ratio"
	}
	s := fmt.Sprintf("geomean B/A tasks/s %s over %d cells: %d significantly faster, %d slower, %d not significant (p < %g)",
		FormatRatio(o.Geomean), o.Cells, o.Faster, o.Slower, o.Unchanged, SignificanceLevel)
	if o.TooFew > 0 {
		s += fmt.Sprintf("; %d of them have too few trials to reach it", o.TooFew)
	}
	return s
}

// pText formats a p-value with "*" when it is below SignificanceLevel.
func pText(p float64) string {
	s := strconv.FormatFloat(p, 'f', 3, 64)
	if p < 0.001 {
		s = "<0.001"
	}
	if p < SignificanceLevel {
		s += "*"
	}
	return s
}

// orNone joins hosts with ", ", or returns "none" for no host.
func orNone(hosts []string) string {
	if len(hosts) == 0 {
		return "none"
	}
	named := make([]string, len(hosts))
	for i, h := range hosts {
		named[i] = cmp.Or(h, "unknown")
	}
	return strings.Join(named, ", ")
}

// optRatio formats a ratio of runtime figures for CSV: empty when 0 (absent).
func optRatio(r float64) string {
	if r == 0 {
		return ""
	}
	return record.FormatFloat(r)
}
