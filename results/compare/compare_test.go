package compare_test

import (
	"bytes"
	"github.com/stratbench/stratbench/results/internal/resultstest"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stratbench/stratbench/internal/golden"
	"github.com/stratbench/stratbench/results/compare"
	"github.com/stratbench/stratbench/results/record"
)

// trialRows returns n complete trials of the pool/cpu cell at concurrency c
// on host, tasks/s drawn from N(mean, sd) and p99 from N(p99, p99/50).
func trialRows(rng *rand.Rand, host string, c, n int, mean, sd, p99 float64) []record.Row {
	rows := make([]record.Row, n)
	for i := range rows {
		rows[i] = resultstest.CellRow(host, c, i+1, mean+sd*rng.NormFloat64())
		rows[i].P99Ms = p99 * (1 + 0.02*rng.NormFloat64())
	}
	return rows
}

func TestCompareSignificance(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var a, b []record.Row
	// c=1: B clearly faster with a shorter tail; c=2: same distributions;
	// c=4 only in A, c=8 only in B.
	a = append(a, trialRows(rng, "host-a", 1, 8, 1000, 20, 5)...)
	b = append(b, trialRows(rng, "host-b", 1, 8, 1200, 20, 4)...)
	a = append(a, trialRows(rng, "host-a", 2, 8, 2000, 40, 6)...)
	b = append(b, trialRows(rng, "host-b", 2, 8, 2000, 40, 6)...)
	a = append(a, trialRows(rng, "host-a", 4, 3, 1, 0, 1)...)
	b = append(b, trialRows(rng, "host-b", 8, 3, 1, 0, 1)...)
	b[3].ClientSaturated = true // a trial of c=1 on B

	cmp, err := compare.Sides(compare.Side{Name: "A", Rows: a}, compare.Side{Name: "B", Rows: b})
	if err != nil {
		t.Fatal(err)
	}
	if len(cmp.Cells) != 2 || len(cmp.OnlyA) != 1 || len(cmp.OnlyB) != 1 {
		t.Fatalf("%d cells matched, %d only in A, %d only in B; want 2, 1, 1", len(cmp.Cells), len(cmp.OnlyA), len(cmp.OnlyB))
	}
	diff, same := cmp.Cells[0], cmp.Cells[1]
	if diff.A.Host != "host-a" || diff.B.Host != "host-b" || diff.A.Concurrency != 1 {
		t.Errorf("cell 0 is %s c=%d vs %s", diff.A.Host, diff.A.Concurrency, diff.B.Host)
	}
	// 8 vs 8 fully separated: the exact p is 2/C(16,8) = 0.000155.
	if !diff.TasksSignificant() || !diff.P99Significant() || diff.TasksP > 0.001 {
		t.Errorf("clearly different cell: tasks p %v, p99 p %v; want both < 0.05", diff.TasksP, diff.P99P)
	}
	if r := diff.TasksRatio; r < 1.15 || r > 1.25 {
		t.Errorf("tasks ratio %v, want about 1.2", r)
	}
	if r := diff.P99Ratio; r < 0.75 || r > 0.85 {
		t.Errorf("p99 ratio %v, want about 0.8", r)
	}
	if !diff.Saturated() || same.Saturated() {
		t.Errorf("Saturated = %v, %v; want true for c=1 only", diff.Saturated(), same.Saturated())
	}
	if same.TasksSignificant() || same.P99Significant() {
		t.Errorf("identical distributions flagged: tasks p %v, p99 p %v", same.TasksP, same.P99P)
	}
}

// TestCompareFalsePositiveRate draws A and B from one distribution 400
// times: at most 5% of the exact tests may fall below 0.05 in theory; allow
// 7% for the finite run (with this seed the count is fixed).
func TestCompareFalsePositiveRate(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	flagged := 0
	const runs = 400
	for range runs {
		a := trialRows(rng, "a", 1, 6, 1000, 30, 5)
		b := trialRows(rng, "b", 1, 6, 1000, 30, 5)
		cmp, err := compare.Sides(compare.Side{Name: "A", Rows: a}, compare.Side{Name: "B", Rows: b})
		if err != nil {
			t.Fatal(err)
		}
		if cmp.Cells[0].TasksSignificant() {
			flagged++
		}
	}
	if flagged > runs*7/100 {
		t.Errorf("%d of %d same-distribution comparisons flagged, want at most 7%%", flagged, runs)
	}
}

func TestCompareRefusesTwoHostsOnOneSide(t *testing.T) {
	a := []record.Row{resultstest.CellRow("h1", 1, 1, 10), resultstest.CellRow("h2", 1, 1, 11)}
	_, err := compare.Sides(compare.Side{Name: "mixed.csv", Rows: a}, compare.Side{Name: "B", Rows: a[:1]})
	if err == nil || !strings.Contains(err.Error(), "mixed.csv") || !strings.Contains(err.Error(), `"h1" and "h2"`) {
		t.Errorf("error %v, want one naming the side and both hosts", err)
	}
}

func TestCompareGolden(t *testing.T) {
	cmp := resultstest.GoldenComparison(t)
	for _, tt := range []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"compare.golden.txt", func(b *bytes.Buffer) error { return cmp.WriteText(b) }},
		{"compare.golden.csv", func(b *bytes.Buffer) error { return cmp.WriteCSV(b) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tt.write(&buf); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, tt.name, buf.Bytes())
		})
	}
}

func TestCompareRuntimeRatios(t *testing.T) {
	cmp := resultstest.GoldenComparison(t)
	if len(cmp.Cells) != 3 {
		t.Fatalf("%d cells, want 3", len(cmp.Cells))
	}
	// c=4: B's CPU per task 100 over A's 200, sched p99 400 over 50;
	// c=8 and c=16: no figures on either side.
	for i, want := range [][2]float64{{0.5, 8}, {0, 0}, {0, 0}} {
		x := cmp.Cells[i]
		if x.CPUPerTaskRatio != want[0] || x.SchedP99Ratio != want[1] {
			t.Errorf("cell %d: CPU/task ratio %v, sched p99 ratio %v; want %v", i, x.CPUPerTaskRatio, x.SchedP99Ratio, want)
		}
	}
}

// TestCompareTrialCounts: with 5 trials a side, completely separated cells
// reach benchstat's p = 2/252 ≈ 0.008 and count as significantly faster or
// slower; with 3 a side the same separation gives p = 0.1, and the cell is
// marked as having too few trials rather than as unchanged. The summary's
// geometric mean of 2× and 0.5× and 1× is 1×.
func TestCompareTrialCounts(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var a, b []record.Row
	a = append(a, trialRows(rng, "a", 1, 5, 1000, 10, 5)...)
	b = append(b, trialRows(rng, "b", 1, 5, 2000, 10, 5)...)
	a = append(a, trialRows(rng, "a", 2, 5, 2000, 10, 5)...)
	b = append(b, trialRows(rng, "b", 2, 5, 1000, 10, 5)...)
	a = append(a, trialRows(rng, "a", 4, 3, 1000, 10, 5)...)
	b = append(b, trialRows(rng, "b", 4, 3, 1000, 10, 5)...)
	cmp, err := compare.Sides(compare.Side{Name: "A", Rows: a}, compare.Side{Name: "B", Rows: b})
	if err != nil {
		t.Fatal(err)
	}
	if len(cmp.Cells) != 3 {
		t.Fatalf("%d cells", len(cmp.Cells))
	}
	for i, x := range cmp.Cells[:2] {
		if math.Abs(x.TasksP-2.0/252) > 1e-9 || !x.TasksSignificant() || x.TooFew() {
			t.Errorf("cell %d: p %v (min %v), want 0.0079 and significant", i, x.TasksP, x.MinP)
		}
	}
	if few := cmp.Cells[2]; few.MinP != 0.1 || !few.TooFew() || few.TasksSignificant() {
		t.Errorf("3 against 3: p %v min %v, want min 0.1 and too few", few.TasksP, few.MinP)
	}
	o := cmp.Overall()
	if o.Cells != 3 || o.Faster != 1 || o.Slower != 1 || o.Unchanged != 1 || o.TooFew != 1 || math.Abs(o.Geomean-1) > 0.02 {
		t.Errorf("overall %+v, want 3 cells, 1 faster, 1 slower, 1 unchanged with too few trials, geomean ≈ 1", o)
	}
	var buf bytes.Buffer
	if err := cmp.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), compare.TooFewNote); n != 1 {
		t.Errorf("%q printed %d times, want once:\n%s", compare.TooFewNote, n, buf.String())
	}
	if !strings.Contains(buf.String(), "1 significantly faster, 1 slower, 1 not significant (p < 0.05); 1 of them have too few trials") {
		t.Errorf("summary line missing:\n%s", buf.String())
	}
}
