package report_test

import (
	"strings"
	"testing"

	"github.com/stratbench/stratbench/results/report"
	"github.com/stratbench/stratbench/results/stats"
)

// trialsAround returns five per-trial values base, base+1, …, base+4.
func trialsAround(base float64) []float64 {
	return []float64{base, base + 1, base + 2, base + 3, base + 4}
}

// TestImplementationsSection compares three pool implementations whose
// per-trial figures are known: ants is clearly slower than own at every
// level (five trials each, no overlap: Mann–Whitney p ≈ 0.008), pond
// draws the same values as own (p = 1). The section must mark ants, and
// only ants, as significant, and say so in its verdicts.
func TestImplementationsSection(t *testing.T) {
	var r report.Report
	for _, impl := range []struct {
		name string
		base float64
	}{{"own", 1000}, {"ants", 500}, {"pond", 1000}} {
		for _, n := range []int{1, 4, 16} {
			c := testCell("bench-1", "pool", "cpu", n, 5, impl.base+2)
			c.Implementation = impl.name
			c.TasksTrials = trialsAround(impl.base)
			c.P99Trials = trialsAround(2e5 / impl.base) // own 200 ms, ants 400 ms: no overlap
			var err error
			if c.TasksPerS, err = stats.NewEstimate(c.TasksTrials); err != nil {
				t.Fatal(err)
			}
			if c.P99Ms, err = stats.NewEstimate(c.P99Trials); err != nil {
				t.Fatal(err)
			}
			r.Cells = append(r.Cells, c)
		}
	}
	// A strategy with one implementation gets no table.
	r.Cells = append(r.Cells, testCell("bench-1", "serial", "cpu", 1, 5, 900))
	page := render(t, r)
	i := strings.Index(page, `<section id="implementations">`)
	if i < 0 {
		t.Fatal("no implementations section")
	}
	sec := page[i : i+strings.Index(page[i:], "</section>")]
	for _, want := range []string{
		`<h3>pool, cpu workload</h3>`,
		"pool/ants: significantly faster than own at 0 and slower at 3 of 3 levels",
		"pool/pond: significantly faster than own at 0 and slower at 0 of 3 levels",
		`<span class="sat">0.501×</span>`, // ants' tasks/s: 502 over 1002
	} {
		if !strings.Contains(sec, want) {
			t.Errorf("section lacks %q", want)
		}
	}
	if n := strings.Count(sec[strings.Index(sec, "<table>"):], `<span class="sat">*</span>`); n != 6 {
		t.Errorf("%d significance marks, want 6 (ants' tasks/s and p99 at 3 levels)", n)
	}
	if strings.Contains(sec, "<h3>serial") {
		t.Error("serial, with one implementation, has a table")
	}
	if !strings.Contains(page, `href="#implementations"`) {
		t.Error("no link to the section")
	}
	// A report without libraries has neither.
	if p := render(t, fixture()); strings.Contains(p, "implementations") {
		t.Error("a report with own cells only mentions implementations")
	}
}
