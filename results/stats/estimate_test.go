package stats_test

import (
	"math"
	"strings"
	"testing"

	"github.com/stratbench/stratbench/results/stats"
)

func TestNewEstimateHandComputed(t *testing.T) {
	tests := []struct {
		name string
		xs   []float64
		want stats.Estimate
	}{
		// mean 5; squares of deviations 9+1+1+9 = 20; variance 20/3;
		// sd 2.5819889; half = 3.182446305 × 2.5819889 / 2 = 4.1085205.
		{"four", []float64{2, 4, 6, 8}, stats.Estimate{N: 4, Mean: 5, StdDev: 2.581988897, CILow: 0.8914795, CIHigh: 9.1085205, Median: 5}},
		// mean 2, sd 1 (deviations 1,0,1 over 2); half = 4.302652730/√3 = 2.4841377.
		{"three", []float64{3, 1, 2}, stats.Estimate{N: 3, Mean: 2, StdDev: 1, CILow: -0.4841377, CIHigh: 4.4841377, Median: 2}},
		// mean 11, sd √2; half = 12.706204736 × √2 / √2 = 12.706204736.
		{"two", []float64{10, 12}, stats.Estimate{N: 2, Mean: 11, StdDev: math.Sqrt2, CILow: -1.706204736, CIHigh: 23.706204736, Median: 11}},
		{"one", []float64{7.5}, stats.Estimate{N: 1, Mean: 7.5, StdDev: 0, CILow: 7.5, CIHigh: 7.5, Median: 7.5}},
		{"equal values", []float64{3, 3, 3}, stats.Estimate{N: 3, Mean: 3, CILow: 3, CIHigh: 3, Median: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]float64(nil), tt.xs...)
			got, err := stats.NewEstimate(tt.xs)
			if err != nil {
				t.Fatal(err)
			}
			close := func(a, b float64) bool { return math.Abs(a-b) < 1e-6 }
			if got.N != tt.want.N || !close(got.Mean, tt.want.Mean) || !close(got.StdDev, tt.want.StdDev) ||
				!close(got.CILow, tt.want.CILow) || !close(got.CIHigh, tt.want.CIHigh) || !close(got.Median, tt.want.Median) {
				t.Errorf("NewEstimate(%v) = %+v, want %+v", tt.xs, got, tt.want)
			}
			for i := range in {
				if in[i] != tt.xs[i] {
					t.Fatalf("NewEstimate modified its input: %v, was %v", tt.xs, in)
				}
			}
		})
	}
}

func TestNewEstimateRejects(t *testing.T) {
	for _, xs := range [][]float64{nil, {1, math.NaN()}, {math.Inf(-1)}} {
		if _, err := stats.NewEstimate(xs); err == nil {
			t.Errorf("NewEstimate(%v) succeeded", xs)
		}
	}
	if _, err := stats.NewEstimate([]float64{1, math.NaN()}); err == nil || !strings.Contains(err.Error(), "value 1 is NaN") {
		t.Errorf("error %v does not name the bad value", err)
	}
}

// studentCDF integrates Student's t density with df degrees of freedom from
// 0 to x by Simpson's rule and adds the lower half.
func studentCDF(x float64, df int) float64 {
	v := float64(df)
	lg1, _ := math.Lgamma((v + 1) / 2)
	lg2, _ := math.Lgamma(v / 2)
	c := math.Exp(lg1-lg2) / math.Sqrt(v*math.Pi)
	pdf := func(t float64) float64 { return c * math.Pow(1+t*t/v, -(v+1)/2) }
	const n = 2_000
	h := x / n
	sum := pdf(0) + pdf(x)
	for i := 1; i < n; i++ {
		w := 2.0
		if i%2 == 1 {
			w = 4
		}
		sum += w * pdf(float64(i)*h)
	}
	return 0.5 + sum*h/3
}

// TestNewEstimateUsesStudentT recovers the t quantile NewEstimate used from
// its interval and checks it against the distribution: CDF(t) = 0.975 for
// N-1 degrees of freedom, through the table and the expansion beyond it.
func TestNewEstimateUsesStudentT(t *testing.T) {
	for n := 2; n <= 150; n++ {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = float64(i % 2)
		}
		e, err := stats.NewEstimate(xs)
		if err != nil {
			t.Fatal(err)
		}
		q := (e.CIHigh - e.Mean) * math.Sqrt(float64(n)) / e.StdDev
		if p := studentCDF(q, n-1); math.Abs(p-0.975) > 1e-7 {
			t.Errorf("N %d: t = %.9f has CDF %.10f for %d degrees of freedom, want 0.975", n, q, p, n-1)
		}
	}
}
