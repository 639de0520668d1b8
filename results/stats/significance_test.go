package stats_test

import (
	"math"
	"testing"

	"github.com/stratbench/stratbench/results/stats"
)

// TestSignificanceKnownP: the exact two-sided Mann–Whitney p-values of
// completely separated samples are 2 ÷ C(n1+n2, n1): benchstat prints
// p=0.008 for 5 against 5, and 3 against 3 cannot go below 0.1.
func TestSignificanceKnownP(t *testing.T) {
	for _, c := range []struct {
		a, b     []float64
		p        float64
		sig, few bool
	}{
		{[]float64{10, 11, 12, 13, 14}, []float64{20, 21, 22, 23, 24}, 2.0 / 252, true, false},
		{[]float64{20, 21, 22, 23, 24}, []float64{10, 11, 12, 13, 14}, 2.0 / 252, true, false},
		{[]float64{1, 2, 3}, []float64{4, 5, 6}, 0.1, false, true},
		{[]float64{1}, []float64{2}, 1, false, true},
		{[]float64{1, 2, 3, 4, 5, 6}, []float64{7, 8, 9, 10, 11, 12}, 2.0 / 924, true, false},
		// Interleaved: U = 10 of 25; 174 of the 252 rank orders are at
		// least as far from 12.5 (counted by enumeration).
		{[]float64{1, 3, 5, 7, 9}, []float64{2, 4, 6, 8, 10}, 174.0 / 252, false, false},
	} {
		s := stats.Test(c.a, c.b)
		if math.Abs(s.P-c.p) > 5e-4 || s.Significant() != c.sig || s.TooFew() != c.few {
			t.Errorf("Test(%v, %v) = %+v, want p %.4f significant %v too few %v", c.a, c.b, s, c.p, c.sig, c.few)
		}
	}
	if s := stats.Test(nil, []float64{1}); s.P != 1 || !s.TooFew() {
		t.Errorf("empty side: %+v", s)
	}
}

func TestMinMannWhitneyP(t *testing.T) {
	for _, c := range []struct {
		n1, n2 int
		want   float64
	}{{1, 1, 1}, {2, 2, 1.0 / 3}, {3, 3, 0.1}, {4, 4, 2.0 / 70}, {5, 5, 2.0 / 252}, {3, 5, 2.0 / 56}, {0, 5, 1}, {60, 60, 0}} {
		if got := stats.MinMannWhitneyP(c.n1, c.n2); math.Abs(got-c.want) > 1e-12*math.Max(1, c.want) && !(c.want == 0 && got < 1e-30) {
			t.Errorf("MinMannWhitneyP(%d, %d) = %g, want %g", c.n1, c.n2, got, c.want)
		}
	}
}

// TestMedianCIKnown: the interval of the median is a pair of order
// statistics whose binomial coverage is at least 95%. For 10 trials that
// is the 2nd and 9th (coverage 1 − 2·11/1024 = 0.9785; the 3rd and 8th
// cover only 0.891); for 6, the 1st and 6th (1 − 2/64 = 0.969); 5 trials
// cannot reach 95% (1 − 2/32 = 0.9375), so the interval is open on the low
// side, as benchmath gives it.
func TestMedianCIKnown(t *testing.T) {
	for _, c := range []struct {
		xs          []float64
		med, lo, hi float64
		level       float64
	}{
		{[]float64{10, 1, 9, 2, 8, 3, 7, 4, 6, 5}, 5.5, 2, 9, 1 - 22.0/1024},
		{[]float64{6, 5, 4, 3, 2, 1}, 3.5, 1, 6, 1 - 2.0/64},
		{[]float64{5, 4, 3, 2, 1}, 3, math.Inf(-1), 5, 1},
	} {
		in := append([]float64(nil), c.xs...)
		m := stats.NewMedianCI(c.xs)
		if m.N != len(c.xs) || m.Median != c.med || m.Lo != c.lo || m.Hi != c.hi || m.Finite() != (!math.IsInf(c.lo, 0) && !math.IsInf(c.hi, 0)) {
			t.Errorf("NewMedianCI(%v) = %+v, want median %g in [%g, %g]", c.xs, m, c.med, c.lo, c.hi)
		}
		if m.Finite() && math.Abs(m.Level-c.level) > 1e-9 {
			t.Errorf("NewMedianCI(%v) level %v, want %v", c.xs, m.Level, c.level)
		}
		for i := range in {
			if in[i] != c.xs[i] {
				t.Fatalf("NewMedianCI modified its input: %v", c.xs)
			}
		}
	}
	if m := stats.NewMedianCI(nil); m.N != 0 || !math.IsNaN(m.Median) {
		t.Errorf("empty: %+v", m)
	}
}

func TestGeomean(t *testing.T) {
	g, n := stats.Geomean([]float64{2, 0.5, 4, 0, math.Inf(1), math.NaN()})
	if n != 3 || math.Abs(g-math.Cbrt(4)) > 1e-12 {
		t.Errorf("Geomean = %v over %d, want ∛4 over 3", g, n)
	}
	if g, n := stats.Geomean(nil); n != 0 || !math.IsNaN(g) {
		t.Errorf("Geomean(nil) = %v, %d", g, n)
	}
}
