package report_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stratbench/stratbench/internal/golden"
	"github.com/stratbench/stratbench/results/cell"
	"github.com/stratbench/stratbench/results/histogram"
	"github.com/stratbench/stratbench/results/report"
)

// openCell returns an open-loop cell of a server of capacity knee req/s
// offered rate req/s: below the knee p50 is 10 ms and p99 20 ms; past it
// latency grows with the backlog and the achieved rate stays at the knee.
func openCell(strategy string, rate, knee float64) cell.Summary {
	c := cell.Summary{Host: "h", Strategy: strategy, Workload: "io", Scope: "job", Mode: "open",
		Tasks: 4, Parallelism: 4, Concurrency: 1000, Connections: 1, IOLatencyMs: 2, TargetRPS: rate, Trials: 1}
	p50, p99, achieved := 10.0, 20.0, rate
	if rate > knee {
		p50, p99, achieved = 10+500*(rate/knee-1), 20+1000*(rate/knee-1), knee
	}
	c.P50Ms, c.P99Ms, c.ThroughputRPS = estimate(1, p50, 0), estimate(1, p99, 0), estimate(1, achieved, 0)
	return c
}

// latencyFixture is two strategies at five rates around their knees, and
// the histograms of one cell: corrected 1…1000 ms, uncorrected 1…100 ms.
func latencyFixture() ([]cell.Summary, []cell.Histograms) {
	var cells []cell.Summary
	for _, r := range []float64{25, 50, 100, 200, 400} {
		cells = append(cells, openCell("pool", r, 150), openCell("serial", r, 60))
	}
	lat, unc := histogram.New(), histogram.New()
	for i := 1; i <= 1000; i++ {
		lat.Record(time.Duration(i) * time.Millisecond)
		unc.Record(time.Duration(1+i/10) * time.Millisecond)
	}
	h := cell.Histograms{Cell: cells[4], Hist: histogram.Trial{Latency: lat, Uncorrected: unc}, Trials: 1}
	return cells, []cell.Histograms{h}
}

func TestLatencyHTMLGolden(t *testing.T) {
	cells, hists := latencyFixture()
	var b bytes.Buffer
	if err := report.WriteLatencyHTML(&b, cells, hists, report.Objective{Name: "p99", BoundMs: 50}); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{"<h2>io: 4 tasks, parallelism 4 on h</h2>", "p99 objective 50 ms",
		"serial p99 at 400 req/s offered: 5.69 s (achieved 60 req/s)", "<details open><summary>pool/io t=4 p=4 io=2ms open r=100 max=1000 (1 trials, 1000 requests)",
		">corrected: p50 501 ms, p99 994 ms", ">99.99%<", ">max<"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, "<script") {
		t.Error("page has a script")
	}
	golden.Check(t, "latency.golden.html", b.Bytes())
}

func TestLatencyHTMLNothing(t *testing.T) {
	closed := testCell("h", "pool", "cpu", 4, 3, 1000)
	if err := report.WriteLatencyHTML(new(bytes.Buffer), []cell.Summary{closed}, nil, report.Objective{}); !errors.Is(err, report.ErrNothingToShow) {
		t.Errorf("closed-loop cells without histograms: %v, want ErrNothingToShow", err)
	}
}
