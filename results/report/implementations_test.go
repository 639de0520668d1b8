package report_test

import (
	"strings"
	"testing"

	"github.com/stratbench/stratbench/results/record"
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
// only ants, as significant, and say so in its verdicts. Own's server
// spends 40 µs of CPU and 2 allocations per task, ants' 60 µs and 5: ants'
// rows must show 1.500× and 2.500× of own; pond's server did not answer
// Stats, so its runtime figures and ratios are absent ("–"), never 0.
func TestImplementationsSection(t *testing.T) {
	var r report.Report
	for _, impl := range []struct {
		name        string
		base        float64
		cpu, allocs record.Optional
	}{{"own", 1000, record.Some(40), record.Some(2)}, {"ants", 500, record.Some(60), record.Some(5)}, {"pond", 1000, record.Optional{}, record.Optional{}}} {
		for _, n := range []int{1, 4, 16} {
			c := testCell("bench-1", "pool", "cpu", n, 5, impl.base+2)
			c.Implementation = impl.name
			c.Runtime.ServerCPUUsPerTask, c.Runtime.AllocsPerTask = impl.cpu, impl.allocs
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
	// The last four cells of each row: CPU/task, its ratio, allocs/task,
	// its ratio.
	tail := map[string]string{
		"pool":      `<td class="num">40 µs</td><td class="num">–</td><td class="num">2</td><td class="num">–</td></tr>`,
		"pool/ants": `<td class="num">60 µs</td><td class="num">1.500×</td><td class="num">5</td><td class="num">2.500×</td></tr>`,
		"pool/pond": `<td class="num">–</td><td class="num">–</td><td class="num">–</td><td class="num">–</td></tr>`,
	}
	rows := map[string]int{}
	for _, tr := range strings.Split(sec, "<tr>")[1:] {
		tr, _, _ = strings.Cut(tr, "</tr>")
		tr += "</tr>"
		_, name, ok := strings.Cut(tr, `<span class="dot"`)
		if !ok {
			continue // the heading
		}
		_, name, _ = strings.Cut(name, "</span>")
		name, _, _ = strings.Cut(name, "</td>")
		rows[name]++
		if want, ok := tail[name]; !ok {
			t.Errorf("row of unexpected implementation %q", name)
		} else if !strings.HasSuffix(tr, want) {
			t.Errorf("%s's row ends\n%s\nwant\n%s", name, tr[max(0, len(tr)-len(want)-40):], want)
		}
	}
	for name := range tail {
		if rows[name] != 3 {
			t.Errorf("%d rows of %s, want 3", rows[name], name)
		}
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
