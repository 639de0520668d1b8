package report_test

import (
	"strings"
	"testing"

	"github.com/stratbench/stratbench/results/profiles"
	"github.com/stratbench/stratbench/results/record"
	"github.com/stratbench/stratbench/results/report"
)

// TestHTMLRuntimeEvidence gives two cells runtime figures and one a
// profile: the page gets the "Why" section with a chart per figure, the
// figures in the table of all cells, and the profiled cell's hottest
// functions with the strategy's own code in bold and a link to the file.
func TestHTMLRuntimeEvidence(t *testing.T) {
	r := fixture()
	for i := range r.Cells[:2] {
		r.Cells[i].Runtime = record.Runtime{
			ServerCPUUsPerTask: record.Some(123), SchedLatencyP99Us: record.Some(4567),
			GCCPUPct: record.Some(2.5), GoroutinesPeak: record.Some(1001),
		}
	}
	c := r.Cells[0]
	r.Profiles = []report.Profile{{
		Host: c.Host, Key: c.Key, Kind: "cpu",
		Files: []report.ProfileFile{{Trial: 1, Href: "profiles/x-t1.cpu.pb.gz"}},
		Top: profiles.Summary{SampleType: "cpu", Unit: "nanoseconds", Total: 2e8,
			ByFlat: []profiles.Func{{Name: "crypto/sha256.block", Flat: 0.6, Cum: 0.6}},
			ByCum:  []profiles.Func{{Name: "github.com/stratbench/stratbench/strategies.(*pool).worker", Cum: 0.9}}},
	}}
	page := render(t, r)
	for _, want := range []string{
		`<section id="why">`, `href="#why"`, "CPU per task", "Scheduler latency p99", "GC CPU", "Goroutines",
		"123 µs", "4.57 ms", "2.5%", "1k",
		`<section id="profiles">`, `href="profiles/x-t1.cpu.pb.gz"`, "crypto/sha256.block", "60%",
		"<b>github.com/stratbench/stratbench/strategies.(*pool).worker</b>", "cpu, 200 ms",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// Without figures or profiles, neither section appears.
	plain := render(t, fixture())
	for _, absent := range []string{`id="why"`, `id="profiles"`, "Scheduler latency p99"} {
		if strings.Contains(plain, absent) {
			t.Errorf("page without runtime figures has %q", absent)
		}
	}
}
