package stats

import (
	"math"
	"slices"

	"golang.org/x/perf/benchmath"
)

// Confidence is the level of every confidence interval and Alpha the
// significance level of every test in the results, as benchstat's defaults.
const (
	Confidence = 0.95
	Alpha      = 0.05
)

// MedianCI is the median of a cell's trials and its confidence interval,
// computed as benchstat does (benchmath.AssumeNothing): the interval is
// between two order statistics of the trials, chosen from the binomial
// distribution so that it covers the true median with at least Confidence
// probability, whatever the trials' distribution. With fewer than 6 trials
// no pair of order statistics reaches 95%, and Lo or Hi (or both) is
// infinite: Finite reports whether the interval exists.
type MedianCI struct {
	N      int     // number of trials
	Median float64 // the sample median
	Lo, Hi float64 // the interval; an end is infinite with too few trials
	// Level is the interval's actual coverage, at least Confidence when
	// the interval is finite (order statistics give discrete levels).
	Level float64
}

// Finite reports whether the interval exists (enough trials for it).
func (m MedianCI) Finite() bool { return !math.IsInf(m.Lo, 0) && !math.IsInf(m.Hi, 0) }

// NewMedianCI returns the median of xs and its Confidence interval. xs is
// not modified. An empty xs gives N 0 and NaN figures.
func NewMedianCI(xs []float64) MedianCI {
	if len(xs) == 0 {
		return MedianCI{Median: math.NaN(), Lo: math.NaN(), Hi: math.NaN(), Level: math.NaN()}
	}
	s := benchmath.AssumeNothing.Summary(benchmath.NewSample(slices.Clone(xs), &benchmath.DefaultThresholds), Confidence)
	return MedianCI{N: len(xs), Median: s.Center, Lo: s.Lo, Hi: s.Hi, Level: s.Confidence}
}

// Significance is the two-sided Mann–Whitney U test of two sets of trials,
// as benchstat computes it (benchmath.AssumeNothing.Compare): exact for
// small samples without ties, the normal approximation otherwise.
type Significance struct {
	N1, N2 int
	P      float64 // two-sided p-value; 1 when the test could not run
	// MinP is the smallest p-value the test can give at these sample
	// sizes, 2 ÷ C(N1+N2, N1): however far apart the trials are, P is not
	// below it. It is 0.1 for 3 against 3 and 0.0079 for 5 against 5.
	MinP float64
}

// Significant reports whether P < Alpha.
func (s Significance) Significant() bool { return s.P < Alpha }

// TooFew reports whether the trial counts cannot give P < Alpha at all:
// MinP ≥ Alpha. Print "n too small for p < 0.05" rather than a bare "~".
func (s Significance) TooFew() bool { return s.MinP >= Alpha }

// Test returns the Mann–Whitney U test of a against b. Neither is
// modified. An empty side gives P 1.
func Test(a, b []float64) Significance {
	s := Significance{N1: len(a), N2: len(b), P: 1, MinP: MinMannWhitneyP(len(a), len(b))}
	if len(a) == 0 || len(b) == 0 {
		return s
	}
	c := benchmath.AssumeNothing.Compare(
		benchmath.NewSample(slices.Clone(a), &benchmath.DefaultThresholds),
		benchmath.NewSample(slices.Clone(b), &benchmath.DefaultThresholds))
	s.P = c.P
	return s
}

// MinMannWhitneyP returns the smallest two-sided p-value of the
// Mann–Whitney U test with samples of n1 and n2 values, 2 ÷ C(n1+n2, n1)
// capped at 1 (the probability of the most extreme rank order, either
// way); 1 when either is 0.
func MinMannWhitneyP(n1, n2 int) float64 {
	if n1 <= 0 || n2 <= 0 {
		return 1
	}
	// C(n1+n2, n1) as a running product, exact while it fits in a float's
	// 53 bits (every trial count a cell has); it overflows to +Inf, and
	// MinP to 0, only for samples of hundreds.
	c := 1.0
	for i := 1; i <= min(n1, n2); i++ {
		c = c * float64(max(n1, n2)+i) / float64(i)
	}
	return math.Min(1, 2/c)
}

// Geomean returns the geometric mean of positive ratios, the summary
// benchstat gives of many cells' changes, and the number of ratios it
// used; ratios that are not finite and above 0 are left out. It is NaN
// when none is left.
func Geomean(ratios []float64) (float64, int) {
	var sum float64
	var n int
	for _, r := range ratios {
		if r > 0 && !math.IsInf(r, 0) {
			sum += math.Log(r)
			n++
		}
	}
	if n == 0 {
		return math.NaN(), 0
	}
	return math.Exp(sum / float64(n)), n
}
