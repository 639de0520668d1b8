package report_test

import (
	"strings"
	"testing"

	"github.com/stratbench/stratbench/results/report"
)

// sharedFixture is fixture with shared-state cells added: a counter
// workload of two strategies under sync mutex and none at concurrency 1
// and 4 (none losing a quarter of its increments at 4 and a little at 1),
// and a transfer workload under both lock orders at concurrency 4, one
// trial of the try cell having broken its invariant.
func sharedFixture() report.Report {
	r := fixture()
	for _, sync := range []string{"mutex", "none"} {
		for _, s := range []string{"serial", "pool"} {
			for _, n := range []int{1, 4} {
				c := testCell("bench-1", s, "counter", n, 3, float64(n)*3000)
				c.Sync, c.CPUIterations, c.IOLatencyMs = sync, 1000, 0
				c.BoundTasksPerS, c.Efficiency = 0, 0
				if sync == "none" && s == "pool" {
					c.TasksPerS.Median *= 1.8
					c.LostPerJob = 16 * 1000 * 0.05 * float64(n)
					c.LostUpdates = c.LostPerJob * 300
				}
				r.Cells = append(r.Cells, c)
			}
		}
	}
	for _, order := range []string{"ordered", "try"} {
		for _, s := range []string{"serial", "pool"} {
			c := testCell("bench-1", s, "transfer", 4, 3, 9000)
			c.LockOrder, c.Accounts, c.CPUIterations, c.IOLatencyMs = order, 8, 1000, 0
			c.BoundTasksPerS, c.Efficiency = 0, 0
			if order == "try" {
				c.LockRetries, c.LockRetriesPerJob = 4500, 15
				if s == "pool" {
					c.InvariantBroken = 1
				}
			}
			r.Cells = append(r.Cells, c)
		}
	}
	return r
}

func TestHTMLSharedState(t *testing.T) {
	page := render(t, sharedFixture())
	charts := svgElement.FindAllString(page, -1)
	// fixture's 8, then counter/mutex, counter/none, transfer/ordered and
	// transfer/try panels with throughput, latency and split charts but no
	// efficiency (no bound), then one lost-updates chart per level.
	if len(charts) != 8+4*3+2 {
		t.Errorf("%d SVG charts, want 22", len(charts))
	}
	var lost []string
	for _, c := range charts {
		if strings.Contains(c, `aria-label="Throughput against lost updates per sync mode`) {
			lost = append(lost, c)
		}
	}
	if len(lost) != 2 || !strings.Contains(lost[0], "Counter workload at concurrency 1") {
		t.Fatalf("%d lost-updates charts, want 2, the first at concurrency 1", len(lost))
	}
	for _, want := range []string{
		"Counter workload at concurrency 4", `class="lostzone"`, `class="marker none"`, "none: loses updates", "sync mutex",
		"pool, sync none, concurrency 4", "20% of increments lost", "serial, sync mutex, concurrency 4", "0% of increments lost",
	} {
		if !strings.Contains(lost[1], want) {
			t.Errorf("lost-updates chart lacks %q", want)
		}
	}
	if n := strings.Count(lost[1], `class="marker none"`); n != 3 {
		t.Errorf("%d none markers, want 2 cells and the legend's", n)
	}
	for _, want := range []string{
		`<section id="shared">`, `<a href="#shared">`, "Transfers: invariant and lock retries", "BROKEN in 1 trial",
		"held in every trial", "counter workload, sync none", "transfer workload, lock order try",
		"1000 transfers per task between 8 accounts", "1000 increments per task", "Bound, shared-state work",
		">counter/none<", ">transfer/try<",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, "increments per task · 0 ms I/O") || strings.Contains(page, "0 ms I/O per task") {
		t.Error("a shared-state panel names an I/O wait")
	}
	if plain := render(t, fixture()); strings.Contains(plain, `id="shared"`) || strings.Contains(plain, `href="#shared"`) {
		t.Error("a report without shared-state cells has a shared-state section")
	}
}
