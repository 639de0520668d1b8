package cell_test

import (
	"fmt"
	"github.com/stratbench/stratbench/results/internal/resultstest"
	"math"
	"testing"

	"github.com/stratbench/stratbench/results/cell"
	"github.com/stratbench/stratbench/results/record"
	"github.com/stratbench/stratbench/results/usl"
)

func TestSummarizeCell(t *testing.T) {
	rows := []record.Row{
		resultstest.CellRow("h1", 8, 1, 3000),
		resultstest.CellRow("h1", 8, 2, 3100),
		resultstest.CellRow("h1", 8, 3, 2900),
		resultstest.CellRow("h1", 8, 4, 99999), // cut short: ignored
	}
	rows[0].Errors, rows[1].Errors = 1, 2
	rows[1].ClientSaturated = true
	rows[0].P99Ms, rows[1].P99Ms, rows[2].P99Ms = 4, 8, 6
	rows[3].Complete = false
	rows[3].Errors = 100
	cs, err := cell.Summarize(rows)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 {
		t.Fatalf("got %d cells, want 1", len(cs))
	}
	c := cs[0]
	checks := []struct {
		name      string
		got, want float64
	}{
		{"Trials", float64(c.Trials), 3},
		{"Incomplete", float64(c.Incomplete), 1},
		{"TasksPerS.Median", c.TasksPerS.Median, 3000},
		{"TasksPerS.Mean", c.TasksPerS.Mean, 3000},
		{"ThroughputRPS.Median", c.ThroughputRPS.Median, 187.5},
		{"P99Ms.Median", c.P99Ms.Median, 6},
		{"P50Ms.Median", c.P50Ms.Median, 1.5},
		{"Errors", float64(c.Errors), 3},
		// min(4,16) × 8 jobs = 32 tasks at once, min(32, 2) cores × 1e9 / (1000 × 500ns)
		{"BoundTasksPerS", c.BoundTasksPerS, 4000},
		{"Efficiency", c.Efficiency, 0.75},
		{"MaxMs", c.MaxMs, 6},
		{"ServerGOMAXPROCS", float64(c.ServerGOMAXPROCS), 2},
	}
	for _, ch := range checks {
		if math.Abs(ch.got-ch.want) > 1e-9 {
			t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
		}
	}
	if !c.Saturated {
		t.Error("Saturated = false, want true: trial 2 was saturated")
	}
	if c.Host != "h1" || c.Key != rows[0].CellKey() || c.Strategy != "pool" || c.Concurrency != 8 {
		t.Errorf("identity = %q %q %q %d", c.Host, c.Key, c.Strategy, c.Concurrency)
	}
	if c.TasksPerS.CILow >= 3000 || c.TasksPerS.CIHigh <= 3000 {
		t.Errorf("TasksPerS CI [%v, %v] does not hold the mean 3000", c.TasksPerS.CILow, c.TasksPerS.CIHigh)
	}
	if c.USL != nil {
		t.Errorf("USL = %+v for a single concurrency level, want nil", c.USL)
	}
}

func TestSummarizeOpenLoopBound(t *testing.T) {
	r := resultstest.CellRow("h", 1000, 1, 900)
	r.Workload, r.Strategy, r.Tasks, r.CPUIterations, r.IOLatencyMs = "io", "serial", 5, 0, 10
	r.Mode, r.TargetRPS, r.MeanMs = "open", 200, 50
	cs, err := cell.Summarize([]record.Row{r})
	if err != nil {
		t.Fatal(err)
	}
	// J = 200/s × 0.050 s = 10 jobs; serial: 10 tasks at once / 0.010 s = 1000
	if c := cs[0]; c.BoundTasksPerS != 1000 || c.Efficiency != 0.9 {
		t.Errorf("bound %v efficiency %v, want 1000 and 0.9", c.BoundTasksPerS, c.Efficiency)
	}
}

func TestSummarizeOrderAndGroups(t *testing.T) {
	truth := usl.Model{Sigma: 0.05, Kappa: 0.002, Lambda: 1000}
	var rows []record.Row
	// Host h2 first and concurrencies shuffled: Summarize must sort.
	for _, host := range []string{"h2", "h1"} {
		for _, c := range []int{32, 1, 16, 2, 8, 4, 24} {
			for i := 1; i <= 2; i++ {
				rows = append(rows, resultstest.CellRow(host, c, i, truth.Predict(float64(c))))
			}
		}
	}
	// A second group on h1 with only 5 levels gets no fit.
	for _, c := range []int{1, 2, 4, 8, 16} {
		r := resultstest.CellRow("h1", c, 1, truth.Predict(float64(c)))
		r.Parallelism = 2
		rows = append(rows, r)
	}
	// A cell with no complete trial is left out.
	lost := resultstest.CellRow("h1", 64, 1, 1)
	lost.Complete = false
	rows = append(rows, lost)

	cs, err := cell.Summarize(rows)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 7+7+5 {
		t.Fatalf("got %d cells, want 19", len(cs))
	}
	for i := 1; i < len(cs); i++ {
		a, b := cs[i-1], cs[i]
		if a.Host > b.Host || a.Host == b.Host && a.Parallelism == b.Parallelism && a.Concurrency >= b.Concurrency {
			t.Errorf("cells %d and %d out of order: %s c=%d p=%d, %s c=%d p=%d",
				i-1, i, a.Host, a.Concurrency, a.Parallelism, b.Host, b.Concurrency, b.Parallelism)
		}
	}
	for _, c := range cs {
		switch {
		case c.Parallelism == 2 && c.USL != nil:
			t.Errorf("%s c=%d: USL fitted over 5 levels, want nil", c.Host, c.Concurrency)
		case c.Parallelism == 4 && c.USL == nil:
			t.Errorf("%s c=%d: no USL over 7 levels", c.Host, c.Concurrency)
		case c.Parallelism == 4:
			if math.Abs(c.USL.Sigma-truth.Sigma) > 1e-6 || math.Abs(c.USL.Kappa-truth.Kappa) > 1e-8 ||
				math.Abs(c.USL.Lambda-truth.Lambda) > 1e-4 || c.USL.Points != 7 {
				t.Errorf("%s: USL %+v, want %+v on 7 points", c.Host, *c.USL, truth)
			}
		}
	}
	// h1's 5 cells at parallelism 2, its 7 at 4, then h2's 7.
	if cs[5].USL != cs[11].USL || cs[5].USL == cs[12].USL {
		t.Error("cells of one group should share one fit, and other hosts' cells not")
	}
}

func TestSummarizeSharedState(t *testing.T) {
	counter := func(sync string, trial int, lost uint64) record.Row {
		r := resultstest.CellRow("h", 4, trial, 5000)
		r.Workload, r.Sync, r.LostUpdates, r.InvariantOK = "counter", sync, lost, true
		return r
	}
	transfer := func(order string, trial int, retries uint64, ok, complete bool) record.Row {
		r := resultstest.CellRow("h", 4, trial, 5000)
		r.Workload, r.LockOrder, r.Accounts = "transfer", order, 8
		r.LockRetries, r.InvariantOK, r.Complete = retries, ok, complete
		return r
	}
	rows := []record.Row{
		counter("none", 1, 300), counter("none", 2, 100), counter("none", 3, 200),
		counter("mutex", 1, 0), counter("mutex", 2, 0),
		transfer("try", 1, 40, true, true), transfer("try", 2, 60, false, true), transfer("try", 3, 1000, false, false),
		transfer("ordered", 1, 0, true, true),
	}
	rows[1].Errors = 50 // 50 of 100 jobs succeeded: 100 lost over 50 jobs
	cs, err := cell.Summarize(rows)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 4 {
		t.Fatalf("%d cells, want 4: two sync modes and two lock orders", len(cs))
	}
	byLabel := map[string]cell.Summary{}
	for _, c := range cs {
		byLabel[cell.Label(c)] = c
	}
	tests := []struct {
		label                     string
		lost, lostPerJob, retries float64
		broken                    int
	}{
		{"pool/counter/none t=16 p=4 it=1000 closed c=4", 200, 2, 0, 0},
		{"pool/counter/mutex t=16 p=4 it=1000 closed c=4", 0, 0, 0, 0},
		// The cut-short trial is left out of the medians but its broken
		// invariant is counted.
		{"pool/transfer/try/8-accounts t=16 p=4 it=1000 closed c=4", 0, 0, 50, 2},
		{"pool/transfer/ordered/8-accounts t=16 p=4 it=1000 closed c=4", 0, 0, 0, 0},
	}
	for _, tt := range tests {
		c, ok := byLabel[tt.label]
		if !ok {
			t.Errorf("no cell %q among %v", tt.label, byLabel)
			continue
		}
		if c.LostUpdates != tt.lost || c.LostPerJob != tt.lostPerJob || c.LockRetries != tt.retries || c.InvariantBroken != tt.broken {
			t.Errorf("%s: lost %v, per job %v, retries %v, broken %d; want %v, %v, %v, %d", tt.label,
				c.LostUpdates, c.LostPerJob, c.LockRetries, c.InvariantBroken, tt.lost, tt.lostPerJob, tt.retries, tt.broken)
		}
		if c.BoundTasksPerS != 0 || c.Efficiency != 0 {
			t.Errorf("%s: bound %v, efficiency %v; want 0 (unknown) for shared-state work", tt.label, c.BoundTasksPerS, c.Efficiency)
		}
	}
	if c := byLabel["pool/transfer/try/8-accounts t=16 p=4 it=1000 closed c=4"]; c.LockOrder != "try" || c.Accounts != 8 || c.Sync != "" {
		t.Errorf("transfer cell parameters: lock order %q, accounts %d, sync %q", c.LockOrder, c.Accounts, c.Sync)
	}
}

func TestSummarizeEmpty(t *testing.T) {
	cs, err := cell.Summarize(nil)
	if err != nil || len(cs) != 0 {
		t.Errorf("Summarize(nil) = %v, %v; want no cells", cs, err)
	}
}

func ExampleSummarize() {
	var rows []record.Row
	for i, tps := range []float64{2900, 3000, 3100} {
		rows = append(rows, record.Row{
			ServerHost: "box", ServerGOMAXPROCS: 2, ServerNsPerIteration: 500,
			Strategy: "pool", Workload: "cpu", Scope: "job", Tasks: 16, Parallelism: 4, CPUIterations: 1000,
			Mode: "closed", Concurrency: 8, Trial: i + 1, TasksPerS: tps, P99Ms: 4, Complete: true,
		})
	}
	cells, err := cell.Summarize(rows)
	if err != nil {
		panic(err)
	}
	c := cells[0]
	fmt.Printf("%s: %d trials, median %.0f tasks/s (95%% CI %.0f–%.0f), bound %.0f, efficiency %.2f\n",
		cell.Label(c), c.Trials, c.TasksPerS.Median, c.TasksPerS.CILow, c.TasksPerS.CIHigh,
		c.BoundTasksPerS, c.Efficiency)
	// Output: pool/cpu t=16 p=4 it=1000 closed c=8: 3 trials, median 3000 tasks/s (95% CI 2752–3248), bound 4000, efficiency 0.75
}

// TestSummarizeErrorsAndFlags checks the all-requests figures of a cell
// against rows of known counts: the error rate over every measured
// request, the 0.1% line past which latency is not comparable, the flags'
// reasons, and version 1 rows whose missing figures are absent, not zero.
func TestSummarizeErrorsAndFlags(t *testing.T) {
	row := func(i int, errors, unsent uint64, p99All float64) record.Row {
		r := resultstest.CellRow("h", 4, i, 1000)
		r.Requests, r.Errors, r.Unsent, r.P99AllMs, r.MaxAllMs, r.SendLagP99Ms = 1000, errors, unsent, p99All, 2*p99All, 0.1
		return r
	}
	tests := []struct {
		name       string
		rows       []record.Row
		rate       float64
		comparable bool
		p99All     float64 // NaN: absent
	}{
		{"no errors", []record.Row{row(1, 0, 0, 5), row(2, 0, 0, 7), row(3, 0, 0, 6)}, 0, true, 6},
		// 1 error in 3000 requests is 0.033%: comparable.
		{"a stray error", []record.Row{row(1, 1, 0, 5), row(2, 0, 0, 5), row(3, 0, 0, 5)}, 1.0 / 3000, true, 5},
		// 2 errors and 2 unsent sends in 3002 requests is 0.13%: not comparable.
		{"timeouts and unsent", []record.Row{row(1, 2, 0, 50), row(2, 0, 2, 50), row(3, 0, 0, 5)}, 4.0 / 3002, false, 50},
	}
	v1 := row(1, 2, 0, 0)
	v1.SchemaVersion = 1
	tests = append(tests, struct {
		name       string
		rows       []record.Row
		rate       float64
		comparable bool
		p99All     float64
	}{"version 1", []record.Row{v1}, 2.0 / 1000, false, math.NaN()})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, err := cell.Summarize(tt.rows)
			if err != nil || len(cs) != 1 {
				t.Fatalf("Summarize: %d cells, %v", len(cs), err)
			}
			c := cs[0]
			if math.Abs(c.ErrorRate-tt.rate) > 1e-12 || c.LatencyComparable() != tt.comparable {
				t.Errorf("ErrorRate %v, comparable %v; want %v, %v", c.ErrorRate, c.LatencyComparable(), tt.rate, tt.comparable)
			}
			if math.IsNaN(tt.p99All) != math.IsNaN(c.P99AllMs) || !math.IsNaN(tt.p99All) && c.P99AllMs != tt.p99All {
				t.Errorf("P99AllMs %v, want %v", c.P99AllMs, tt.p99All)
			}
		})
	}
	a, b := row(1, 0, 0, 5), row(2, 0, 0, 5)
	a.ServerBacklogged, a.FlagReasons = true, "server_backlogged: x"
	b.FlagReasons = "server_backlogged: x"
	cs, _ := cell.Summarize([]record.Row{a, b})
	if !cs[0].Backlogged || len(cs[0].FlagReasons) != 1 {
		t.Errorf("Backlogged %v, FlagReasons %q; want true and one distinct reason", cs[0].Backlogged, cs[0].FlagReasons)
	}
}

func TestSummarizeRuntimeMedians(t *testing.T) {
	base := record.Row{ServerHost: "h", Strategy: "pool", Workload: "cpu", Mode: "closed", Concurrency: 4,
		Tasks: 10, Parallelism: 2, CPUIterations: 100, Complete: true, TasksPerS: 100, P99Ms: 1, P50Ms: 1}
	with := func(cpu, p99 float64, complete bool) record.Row {
		r := base
		r.Complete = complete
		r.Runtime.ServerCPUUsPerTask = record.Some(cpu)
		r.Runtime.SchedLatencyP99Us = record.Some(p99)
		return r
	}
	// Three complete trials with figures, one without (a version 1 row),
	// and an incomplete one whose figures must not count.
	rows := []record.Row{with(10, 100, true), with(30, 300, true), with(20, 900, true), base, with(1000, 1000, false)}
	cs, err := cell.Summarize(rows)
	if err != nil || len(cs) != 1 {
		t.Fatalf("Summarize = %d cells, %v", len(cs), err)
	}
	rt := cs[0].Runtime
	if rt.ServerCPUUsPerTask != record.Some(20) || rt.SchedLatencyP99Us != record.Some(300) {
		t.Errorf("medians: cpu %+v, sched p99 %+v; want 20 and 300", rt.ServerCPUUsPerTask, rt.SchedLatencyP99Us)
	}
	if rt.GCCPUPct.Valid || rt.ThrottledS.Valid {
		t.Errorf("figures no trial has: gc %+v, throttled %+v; want absent", rt.GCCPUPct, rt.ThrottledS)
	}
}

// TestMeasuredWaitBound: an io cell of pool 4 × 16 tasks at c = 8 (S = 32)
// and io_latency 2 ms has the ideal bound 32 ÷ 2 ms = 16000 tasks/s. A
// server whose timers overshoot to a measured 2.5 ms wait can do at most
// 32 ÷ 2.5 ms = 12800; measuring exactly that, the cell is 80% efficient
// against the ideal bound and 100% against the bound at the measured
// wait: the strategy itself lost nothing. The split medians come through;
// a version-1 row (figures absent) leaves them absent, not 0.
func TestMeasuredWaitBound(t *testing.T) {
	var rows []record.Row
	for i, wait := range []float64{2.4, 2.5, 2.6} {
		r := resultstest.CellRow("h", 8, i+1, 12800)
		r.Workload, r.CPUIterations, r.IOLatencyMs = "io", 0, 2
		r.IOWaitMeanMs = wait
		r.ServerWaitP50Ms, r.ServerWaitP99Ms, r.OverheadP50Ms, r.OverheadP99Ms = 0.1*float64(i+1), 1, 0.3, 0.9
		rows = append(rows, r)
	}
	old := resultstest.CellRow("h", 8, 4, 12800)
	old.Workload, old.CPUIterations, old.IOLatencyMs = "io", 0, 2
	old.IOWaitMeanMs, old.ServerWaitP50Ms, old.ServerWaitP99Ms, old.OverheadP50Ms, old.OverheadP99Ms =
		math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN()
	rows = append(rows, old)
	cs, err := cell.Summarize(rows)
	if err != nil || len(cs) != 1 {
		t.Fatalf("%d cells, %v", len(cs), err)
	}
	c := cs[0]
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Abs(b) }
	if !near(c.BoundTasksPerS, 16000) || !near(c.Efficiency, 0.8) {
		t.Errorf("ideal bound %v efficiency %v, want 16000 and 0.8", c.BoundTasksPerS, c.Efficiency)
	}
	if c.IOWaitMeanMs != 2.5 || !near(c.BoundMeasuredTasksPerS, 12800) || !near(c.EfficiencyMeasured, 1) {
		t.Errorf("measured wait %v, bound %v, efficiency %v; want 2.5, 12800, 1", c.IOWaitMeanMs, c.BoundMeasuredTasksPerS, c.EfficiencyMeasured)
	}
	if !near(c.ServerWaitP50Ms, 0.2) || c.ServerWaitP99Ms != 1 || c.OverheadP50Ms != 0.3 || c.OverheadP99Ms != 0.9 {
		t.Errorf("split medians %v %v %v %v", c.ServerWaitP50Ms, c.ServerWaitP99Ms, c.OverheadP50Ms, c.OverheadP99Ms)
	}
	only, err := cell.Summarize([]record.Row{old})
	if err != nil {
		t.Fatal(err)
	}
	if o := only[0]; !math.IsNaN(o.IOWaitMeanMs) || !math.IsNaN(o.OverheadP99Ms) || o.BoundMeasuredTasksPerS != 0 {
		t.Errorf("version-1 cell: wait %v overhead %v measured bound %v; want absent, absent, 0", o.IOWaitMeanMs, o.OverheadP99Ms, o.BoundMeasuredTasksPerS)
	}
}
