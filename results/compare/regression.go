package compare

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/stratbench/stratbench/results/cell"
)

// Regression is a cell in which B is significantly worse than A by more
// than a threshold.
type Regression struct {
	Cell   Cell
	Metric string // "tasks/s" (B slower) or "p99" (B's tail longer)
	// Worse is how much worse B is, as a fraction: 1 − TasksRatio for
	// tasks/s, P99Ratio − 1 for p99.
	Worse float64
	P     float64 // the Mann–Whitney U p-value of the difference
}

func (r Regression) String() string {
	s := fmt.Sprintf("%s: %s %.1f%% worse (p=%.3g)", cell.Label(r.Cell.A), r.Metric, 100*r.Worse, r.P)
	if r.Cell.Saturated() {
		s += ", a load client saturated"
	}
	return s
}

// Regressions returns the cells where B is worse than A by more than
// threshold (a fraction: 0.05 for 5%) with p < SignificanceLevel: tasks/s
// below (1 − threshold) × A's median, or p99 above (1 + threshold) × A's
// median. A cell can regress on both. Cells whose trials are too few for
// any p-value below SignificanceLevel never count; TooFewTrials lists them.
func (c *Comparison) Regressions(threshold float64) []Regression {
	var out []Regression
	for _, x := range c.Cells {
		if x.A.TasksPerS.Median > 0 && x.TasksSignificant() && 1-x.TasksRatio > threshold {
			out = append(out, Regression{Cell: x, Metric: "tasks/s", Worse: 1 - x.TasksRatio, P: x.TasksP})
		}
		if x.A.P99Ms.Median > 0 && x.P99Significant() && x.P99Ratio-1 > threshold {
			out = append(out, Regression{Cell: x, Metric: "p99", Worse: x.P99Ratio - 1, P: x.P99P})
		}
	}
	return out
}

// TooFewTrials returns the keys of the cells whose trial counts cannot give
// a two-sided Mann–Whitney p-value below SignificanceLevel even when every
// trial of one side beats every trial of the other: 2 ÷ C(n+m, n) is the
// smallest such p-value (3 and 3 trials: 0.1), so at least 4 trials a side
// are needed at the 5% level.
func (c *Comparison) TooFewTrials() []string {
	var out []string
	for _, x := range c.Cells {
		if minP(x.A.Trials, x.B.Trials) >= SignificanceLevel {
			out = append(out, x.A.Key)
		}
	}
	return out
}

// minP returns 2 ÷ C(n+m, n), the smallest exact two-sided p-value of a
// Mann–Whitney U test of samples of n and m distinct values.
func minP(n, m int) float64 {
	lg := func(k int) float64 { v, _ := math.Lgamma(float64(k) + 1); return v }
	return math.Min(1, 2*math.Exp(lg(n)+lg(m)-lg(n+m)))
}

// ParseThreshold reads a regression threshold such as "5%" (or "5", a
// percentage too) and returns it as a fraction. It must be from 0 to 100%,
// exclusive of 100.
func ParseThreshold(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "%"), 64)
	if err != nil || math.IsNaN(v) || v < 0 || v >= 100 {
		return 0, fmt.Errorf("--fail-on-regression %q: want a percentage from 0%% to below 100%%, such as 5%%", s)
	}
	return v / 100, nil
}
