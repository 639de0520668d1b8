package report_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stratbench/stratbench/internal/golden"
	"github.com/stratbench/stratbench/results/cell"
	"github.com/stratbench/stratbench/results/record"
	"github.com/stratbench/stratbench/results/report"
	"github.com/stratbench/stratbench/results/stats"
	"github.com/stratbench/stratbench/results/usl"
)

// estimate returns an Estimate of n trials around median with confidence
// intervals of ± spread × median: the mean's from 2 trials, the median's
// from 6 (with fewer it is open, as benchmath gives it).
func estimate(n int, median, spread float64) stats.Estimate {
	e := stats.Estimate{N: n, Mean: median, Median: median, CILow: median, CIHigh: median,
		MedianLo: math.Inf(-1), MedianHi: math.Inf(1)}
	if n > 1 {
		e.CILow, e.CIHigh = median*(1-spread), median*(1+spread)
	}
	if n >= 6 {
		e.MedianLo, e.MedianHi = median*(1-spread), median*(1+spread)
	}
	return e
}

// testCell returns a cell of host whose throughput is x tasks/s at the given
// concurrency, with latencies from Little's law and the bound computed by
// cell.Bound as Summarize does.
func testCell(host, strategy, workload string, concurrency, trials int, x float64) cell.Summary {
	c := cell.Summary{
		Host: host, Strategy: strategy, Workload: workload, Scope: "job", Mode: "closed",
		Tasks: 16, Parallelism: 4, Concurrency: concurrency, Connections: 1,
		CPUIterations: 2000, IOLatencyMs: 2, ServerGOMAXPROCS: 2, ServerNsPerIteration: 250,
		Trials: trials,
	}
	c.TasksPerS = estimate(trials, x, 0.04)
	c.ThroughputRPS = estimate(trials, x/16, 0.04)
	p50 := float64(concurrency) * 16 / x * 1000 // ms, Little's law
	c.P50Ms = estimate(trials, p50, 0.05)
	c.MeanMs, c.P90Ms, c.P999Ms, c.MaxMs = p50*1.1, p50*1.4, p50*3.5, p50*6
	c.P99Ms = estimate(trials, p50*2.2, 0.1)
	c.ServerP50Ms, c.ServerP99Ms = p50*0.8, p50*1.9
	c.ServerWaitP50Ms, c.ServerWaitP99Ms, c.OverheadP50Ms, c.OverheadP99Ms = p50*0.3, p50*0.9, p50*0.15, p50*0.4
	c.IOWaitMeanMs = math.NaN()
	c.BoundTasksPerS = cell.Bound(cell.BoundParams{
		Strategy: strategy, Workload: workload, Scope: c.Scope, Tasks: c.Tasks, Parallelism: c.Parallelism,
		CPUIterations: c.CPUIterations, IOLatencyMs: c.IOLatencyMs,
		ServerGOMAXPROCS: c.ServerGOMAXPROCS, ServerNsPerIteration: c.ServerNsPerIteration,
		JobsInFlight: float64(concurrency),
	})
	c.Efficiency = cell.Efficiency(x, c.BoundTasksPerS)
	return c
}

// fixture is a small fixed report: a cpu workload of three strategies at
// six concurrency levels with a USL fit each, and an io workload of two
// strategies at three levels, one cell measured by a saturated client and
// one with a single trial.
func fixture() report.Report {
	var cells []cell.Summary
	// Two cores of 2000 tasks/s each bound the cpu work at 4000 tasks/s.
	for _, p := range []struct {
		strategy                 string
		sigma, kappa, lambda     float64
		sigmaCI, kappaCI, peakCI usl.Interval
	}{
		{"serial", 0.55, 0, 1900, usl.Interval{Lo: 0.5, Hi: 0.6}, usl.Interval{Lo: 0, Hi: 0.0004}, usl.Interval{Lo: math.NaN(), Hi: math.NaN()}},
		{"goroutine-per-task", 0.5, 0.0008, 1850, usl.Interval{Lo: 0.45, Hi: 0.55}, usl.Interval{Lo: 0.0005, Hi: 0.0011}, usl.Interval{Lo: 20, Hi: 31}},
		{"pool", 0.5, 0.0003, 1900, usl.Interval{Lo: 0.44, Hi: 0.56}, usl.Interval{Lo: 0, Hi: 0.0007}, usl.Interval{Lo: math.NaN(), Hi: math.NaN()}},
	} {
		fit := &usl.Model{Sigma: p.sigma, Kappa: p.kappa, Lambda: p.lambda, Points: 6, R2: 0.981,
			SigmaCI: p.sigmaCI, KappaCI: p.kappaCI, PeakNCI: p.peakCI}
		fit.PeakN = math.Inf(1)
		if fit.Kappa > 0 {
			fit.PeakN = math.Sqrt((1 - fit.Sigma) / fit.Kappa)
		}
		for _, n := range []int{1, 2, 4, 8, 16, 32} {
			c := testCell("bench-1", p.strategy, "cpu", n, 6, fit.Predict(float64(n))*(1+0.02*float64(n%3-1)))
			c.USL = fit
			cells = append(cells, c)
		}
	}
	for _, s := range []string{"serial", "pool"} {
		for _, n := range []int{1, 4, 16} {
			slots := 1.0
			if s == "pool" {
				slots = 4
			}
			c := testCell("bench-1", s, "io", n, 3, 0.9*slots*float64(n)*500)
			c.Saturated = s == "pool" && n == 16
			// A version-1 cell: no measured split; the I/O wait measured
			// 2.25 ms against 2 ms asked.
			c.ServerWaitP50Ms, c.ServerWaitP99Ms, c.OverheadP50Ms, c.OverheadP99Ms = math.NaN(), math.NaN(), math.NaN(), math.NaN()
			c.IOWaitMeanMs = 2.25
			c.BoundMeasuredTasksPerS = c.BoundTasksPerS * 2 / 2.25
			c.EfficiencyMeasured = cell.Efficiency(c.TasksPerS.Median, c.BoundMeasuredTasksPerS)
			if s == "serial" && n == 16 {
				c.Trials, c.TasksPerS, c.P99Ms, c.P50Ms = 1, estimate(1, c.TasksPerS.Median, 0), estimate(1, c.P99Ms.Median, 0), estimate(1, c.P50Ms.Median, 0)
				c.Errors = 2
			}
			cells = append(cells, c)
		}
	}
	return report.Report{
		Cells: cells,
		Hosts: []report.Host{
			{Role: "server", Source: "reports/bench-1-20250102T030405Z", Fields: record.HostFields{
				{Name: "hostname", Value: "bench-1"}, {Name: "os", Value: "linux"}, {Name: "arch", Value: "amd64"},
				{Name: "cpu_model", Value: "AMD EPYC 7B13"}, {Name: "logical_cpus", Value: "2"}, {Name: "gomaxprocs", Value: "2"},
				{Name: "cgroup_cpu_quota", Value: "0"}, {Name: "total_memory_bytes", Value: "8589934592"},
				{Name: "go_version", Value: "go1.26.8"}, {Name: "grpc_version", Value: "1.85.0"},
				{Name: "stratbench_version", Value: "(devel)"}, {Name: "limits.max_tasks", Value: "1024"},
				{Name: "ns_per_iteration", Value: "250"},
			}},
			{Role: "client", Source: "reports/bench-1-20250102T030405Z", Fields: record.HostFields{
				{Name: "hostname", Value: `load<&>"1"`}, {Name: "os", Value: "linux"}, {Name: "arch", Value: "amd64"},
				{Name: "cpu_model", Value: "AMD EPYC 7B13"}, {Name: "logical_cpus", Value: "2"}, {Name: "gomaxprocs", Value: "2"},
				{Name: "cgroup_cpu_quota", Value: "1.5"}, {Name: "total_memory_bytes", Value: "0"},
				{Name: "go_version", Value: "go1.26.8"},
			}},
		},
		From:    time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		To:      time.Date(2025, 1, 2, 3, 12, 40, 0, time.UTC),
		Sources: []string{"reports/bench-1-20250102T030405Z"},
	}
}

func render(t *testing.T, r report.Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := r.WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestWriteHTMLGolden(t *testing.T) {
	golden.Check(t, "report.golden.html", []byte(render(t, sharedFixture())))
}

func TestWriteSummaryCSVGolden(t *testing.T) {
	var b bytes.Buffer
	if err := report.WriteSummaryCSV(&b, sharedFixture().Cells); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "summary.golden.csv", b.Bytes())
}

var svgElement = regexp.MustCompile(`(?s)<svg .*?</svg>`)

func TestHTMLStructure(t *testing.T) {
	page := render(t, fixture())
	svgs := svgElement.FindAllString(page, -1)
	// Two panels (cpu, io), each with a throughput, a latency, an
	// efficiency and a split chart.
	if len(svgs) != 8 {
		t.Errorf("%d SVG charts, want 8", len(svgs))
	}
	for i, s := range svgs {
		// Every chart is well-formed XML: its text was escaped.
		d := xml.NewDecoder(strings.NewReader(s))
		for {
			_, err := d.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Errorf("chart %d is not well-formed: %v", i, err)
				break
			}
		}
	}
	for _, want := range []string{
		`<section id="throughput">`, `<section id="latency">`, `<section id="efficiency">`,
		`<section id="split">`, `<section id="hosts">`, `<section id="formulas"`,
		`aria-label="Throughput against load, cpu workload"`,
		`aria-label="Latency percentiles at concurrency 32, cpu workload"`,
		`aria-label="Efficiency against the bound, io workload"`,
		`aria-label="Client latency split into server time and overhead, io workload"`,
		`class="usl"`, `class="errbar"`, `class="marker saturated"`, `class="boundline"`,
		`class="warn"`, "Saturated client", "io workload, pool, concurrency 16",
		"Measured 2025-01-02 03:04 – 03:12 UTC", "X(N) = λN ÷ (1 + σ(N − 1) + κN(N − 1))",
		"limits.max_tasks", "8.0 GiB", "1.5 CPUs",
		`load&lt;&amp;&gt;&#34;1&#34;`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, s := range []string{"serial", "goroutine-per-task", "pool"} {
		if n := strings.Count(page, ">"+s+"<"); n < 4 {
			t.Errorf("strategy %q is named %d times as text, want a legend or label in every chart", s, n)
		}
	}
	for _, bad := range []string{"http://", "https://", "<script", "<link", "@import", "url(", `load<&>"1"`} {
		if strings.Contains(page, bad) {
			t.Errorf("page holds %q", bad)
		}
	}
}

func TestHTMLWithoutSaturation(t *testing.T) {
	r := fixture()
	for i := range r.Cells {
		r.Cells[i].Saturated = false
	}
	page := render(t, r)
	if strings.Contains(page, `class="warn"`) || strings.Contains(page, "marker saturated\" fill=\"#0072B2") {
		t.Error("a report with no saturated cell shows the saturation warning")
	}
}

func TestHTMLWithoutBoundOrServerTime(t *testing.T) {
	r := fixture()
	r.Hosts = nil
	for i := range r.Cells {
		r.Cells[i].BoundTasksPerS, r.Cells[i].Efficiency, r.Cells[i].ServerP50Ms, r.Cells[i].USL = 0, 0, 0, nil
	}
	page := render(t, r)
	if n := len(svgElement.FindAllString(page, -1)); n != 4 {
		t.Errorf("%d charts, want 4: throughput and latency per panel", n)
	}
	for _, want := range []string{"No cell of this workload has a bound.", "The server's time was not recorded.", "No host fingerprint was found."} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, `class="usl"`) {
		t.Error("a USL curve is drawn without a fit")
	}
}

func TestWriteHTMLNoCells(t *testing.T) {
	if err := (report.Report{}).WriteHTML(io.Discard); err == nil {
		t.Error("WriteHTML of no cells succeeded")
	}
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	r := fixture()
	for range 2 { // the second time replaces both files
		path, err := report.Write(dir, r)
		if err != nil {
			t.Fatal(err)
		}
		if want := filepath.Join(dir, report.HTMLFile); path != want {
			t.Errorf("Write returned %q, want %q", path, want)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "report.html summary.csv" {
		t.Errorf("folder holds %v, want only report.html and summary.csv", names)
	}
	got, err := os.ReadFile(filepath.Join(dir, report.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := report.WriteSummaryCSV(&want, r.Cells); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Error("summary.csv differs from WriteSummaryCSV's output")
	}
	if _, err := report.Write(filepath.Join(dir, "missing"), r); err == nil {
		t.Error("Write into a missing folder succeeded")
	}
}

func TestHTMLManyHostsAndOpenLoop(t *testing.T) {
	r := fixture()
	var more []cell.Summary
	for _, c := range r.Cells {
		if c.Workload != "cpu" {
			continue
		}
		c.Host = "bench-2"
		c.TasksPerS.Median *= 1.5
		more = append(more, c)
	}
	for _, rate := range []float64{100, 200, 400, 800} {
		c := testCell("bench-2", "pool", "io", 64, 3, rate*16)
		c.Mode, c.TargetRPS = "open", rate
		more = append(more, c)
	}
	r.Cells = append(r.Cells, more...)
	page := render(t, r)
	for _, want := range []string{
		"cpu workload on bench-1", "cpu workload on bench-2", "io workload on bench-2",
		"target rate (requests/s), log scale", "at most 64 in flight", "open loop",
		`<th class="name">host</th>`, "800 requests/s",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if n := len(svgElement.FindAllString(page, -1)); n != 16 {
		t.Errorf("%d charts, want 16: four panels of four", n)
	}
}

// TestHTMLNotComparableAndFlags checks that a cell whose error rate is above
// the 0.1% line is marked not comparable on latency, visibly, that each
// flag's reason is shown (escaped: it comes from a CSV file), and that a
// figure the rows lack reads as absent, not zero.
func TestHTMLNotComparableAndFlags(t *testing.T) {
	r := fixture()
	r.Cells[0].ErrorRate = 0.02
	r.Cells[0].Backlogged = true
	r.Cells[0].FlagReasons = []string{"server_backlogged: 30 of 1000 sends waited <script>"}
	r.Cells[1].ErrorRate = 0.001 // at the line: still comparable
	for i := range r.Cells {
		r.Cells[i].P99AllMs = math.NaN()
	}
	r.Cells[2].P99AllMs = 123.4
	page := render(t, r)
	for _, want := range []string{
		"Latency not comparable", "error rate 2%", `class="num nc"`, "(backlogged)",
		"Flags and their reasons", "server_backlogged: 30 of 1000 sends waited &lt;script&gt;", ">123 ms<", ">–</td>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(page, "<script>") {
		t.Error("a flag reason from the CSV reached the page unescaped")
	}
	if n := strings.Count(page, "error rate 0.1%"); n != 0 {
		t.Errorf("a cell at exactly 0.1%% errors is listed as not comparable %d times", n)
	}
}

// TestSummaryHeaderEndsWithRuntimeMedians: summary.csv ends with the error
// rate and a median column for every runtime figure of results.csv, so a
// runtime column added to the record reaches the summary too.
func TestSummaryHeaderEndsWithRuntimeMedians(t *testing.T) {
	want := []string{"error_rate"}
	for _, name := range record.RuntimeColumns {
		if name != "profile" {
			want = append(want, name+"_median")
		}
	}
	if len(report.SummaryHeader) < len(want) {
		t.Fatalf("SummaryHeader has %d columns", len(report.SummaryHeader))
	}
	if got := report.SummaryHeader[len(report.SummaryHeader)-len(want):]; !slices.Equal(got, want) {
		t.Errorf("SummaryHeader ends with %v, want %v", got, want)
	}
}
