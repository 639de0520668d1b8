package report_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stratbench/stratbench/internal/golden"
	"github.com/stratbench/stratbench/results/report"
	"github.com/stratbench/stratbench/results/slo"
)

// capacityFixture is two searches under one objective: pool found 180/s
// after growing, bisecting and a failed confirmation; serial was client
// limited at its second probe.
func capacityFixture() []slo.Row {
	base := slo.Row{SchemaVersion: slo.SchemaVersion, RunID: "h-1", ServerHost: "h", Workload: "io", Scope: "job",
		Tasks: 4, Parallelism: 4, IOLatencyMs: 2, Connections: 1, MaxInFlight: 20000, WarmupS: 0.2, DurationS: 1,
		Objective: "p99<=50ms errors<=0.1%", Quantile: 0.99, BoundMs: 50, MaxErrorRate: 0.001}
	var rows []slo.Row
	add := func(strategy, outcome string, capacity float64, probes ...[3]any) {
		for i, p := range probes {
			r := base
			r.Strategy, r.Outcome, r.CapacityRPS, r.CapacityTasksPerS = strategy, outcome, capacity, 4*capacity
			r.Step, r.Phase, r.OfferedRPS, r.Verdict = i+1, p[0].(string), p[1].(float64), p[2].(string)
			r.AchievedRPS, r.Requests = r.OfferedRPS*0.98, uint64(r.OfferedRPS)
			r.P50Ms, r.P90Ms, r.P99Ms, r.P999Ms, r.MaxMs = 9, 12, 30, 41, 48
			if r.Verdict != "pass" {
				r.P99Ms, r.P999Ms, r.MaxMs, r.Reason = 120, 180, 250, "p99 120ms > 50ms"
			}
			r.ObjectiveMs = r.P99Ms
			rows = append(rows, r)
		}
	}
	add("pool", slo.OutcomeFound, 180,
		[3]any{"grow", 50.0, "pass"}, [3]any{"grow", 100.0, "pass"}, [3]any{"grow", 200.0, "fail"},
		[3]any{"bisect", 141.4, "pass"}, [3]any{"bisect", 168.2, "pass"}, [3]any{"bisect", 183.4, "pass"},
		[3]any{"bisect", 191.5, "fail"}, [3]any{"confirm", 183.4, "fail"}, [3]any{"bisect", 175.6, "pass"},
		[3]any{"confirm", 175.6, "pass"}, [3]any{"confirm", 175.6, "pass"})
	for i := range rows {
		rows[i].CapacityRPS, rows[i].CapacityTasksPerS = 175.6, 4*175.6
	}
	add("serial", slo.OutcomeClientLimited, 0, [3]any{"grow", 50.0, "pass"}, [3]any{"grow", 100.0, "client_limited"})
	return rows
}

func TestCapacityHTMLGolden(t *testing.T) {
	var b bytes.Buffer
	if err := report.WriteCapacityHTML(&b, capacityFixture()); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{"<h2>io under p99&lt;=50ms errors&lt;=0.1%</h2>", "serial/io: client_limited", "pool/io: 176 req/s (702 tasks/s)", `class="boundline"`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, "<script") {
		t.Error("page has a script")
	}
	golden.Check(t, "capacity.golden.html", b.Bytes())
}

func TestCapacityHTMLNoRows(t *testing.T) {
	if err := report.WriteCapacityHTML(new(bytes.Buffer), nil); err == nil {
		t.Error("no error for no rows")
	}
}
