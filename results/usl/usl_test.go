package usl_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stratbench/stratbench/results/usl"
)

var uslLevels = []float64{1, 2, 4, 8, 12, 16, 24, 32, 48, 64}

// sseOf returns the sum of squared errors of f on the points.
func sseOf(f usl.Model, n, x []float64) float64 {
	var s float64
	for i := range n {
		d := f.Predict(n[i]) - x[i]
		s += d * d
	}
	return s
}

func TestFitExact(t *testing.T) {
	tests := []usl.Model{
		{Sigma: 0.05, Kappa: 0.0005, Lambda: 1000},
		{Sigma: 0.2, Kappa: 0.01, Lambda: 5e4},
		{Sigma: 0, Kappa: 0, Lambda: 7},      // linear scaling
		{Sigma: 0.1, Kappa: 0, Lambda: 1e6},  // Amdahl: no peak
		{Sigma: 0, Kappa: 0.001, Lambda: 20}, // coherency only
	}
	for _, truth := range tests {
		t.Run(fmt.Sprintf("σ=%g,κ=%g,λ=%g", truth.Sigma, truth.Kappa, truth.Lambda), func(t *testing.T) {
			x := make([]float64, len(uslLevels))
			for i, n := range uslLevels {
				x[i] = truth.Predict(n)
			}
			f, err := usl.Fit(uslLevels, x)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(f.Sigma-truth.Sigma) > 1e-6 || math.Abs(f.Kappa-truth.Kappa) > 1e-8 ||
				math.Abs(f.Lambda/truth.Lambda-1) > 1e-6 {
				t.Errorf("fit %+v, want σ %g κ %g λ %g", f, truth.Sigma, truth.Kappa, truth.Lambda)
			}
			if f.R2 < 1-1e-9 || f.Points != len(uslLevels) {
				t.Errorf("R2 %v Points %d, want 1 and %d", f.R2, f.Points, len(uslLevels))
			}
			wantPeak := math.Inf(1)
			if truth.Kappa > 0 {
				wantPeak = math.Sqrt((1 - truth.Sigma) / truth.Kappa)
			}
			if !(math.IsInf(wantPeak, 1) && math.IsInf(f.PeakN, 1)) && math.Abs(f.PeakN/wantPeak-1) > 1e-4 {
				t.Errorf("PeakN %v, want %v", f.PeakN, wantPeak)
			}
		})
	}
}

// TestFitNoisy recovers known parameters from throughputs with 2%
// Gaussian multiplicative noise, ten seeds per truth. The tolerances (σ
// within 0.03, κ within 30% + 2e-4, λ within 10%, N* within 25%) are about
// 1.3× the worst error seen over 200 seeds of the same set-up; the fit must
// also be a least-squares minimum: no worse than the truth itself on the
// noisy points, and not improved by nudging any free parameter.
func TestFitNoisy(t *testing.T) {
	truths := []usl.Model{
		{Sigma: 0.05, Kappa: 0.0005, Lambda: 1000},
		{Sigma: 0.2, Kappa: 0.01, Lambda: 5e4},
		{Sigma: 0.02, Kappa: 0, Lambda: 300},
	}
	for _, truth := range truths {
		for seed := uint64(1); seed <= 10; seed++ {
			t.Run(fmt.Sprintf("σ=%g,κ=%g/seed=%d", truth.Sigma, truth.Kappa, seed), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(seed, 42))
				x := make([]float64, len(uslLevels))
				for i, n := range uslLevels {
					x[i] = truth.Predict(n) * (1 + 0.02*rng.NormFloat64())
				}
				f, err := usl.Fit(uslLevels, x)
				if err != nil {
					t.Fatal(err)
				}
				if d := math.Abs(f.Sigma - truth.Sigma); d > 0.03 {
					t.Errorf("σ %v, want %v ± 0.03", f.Sigma, truth.Sigma)
				}
				if d := math.Abs(f.Kappa - truth.Kappa); d > 0.3*truth.Kappa+2e-4 {
					t.Errorf("κ %v, want %v ± %v", f.Kappa, truth.Kappa, 0.3*truth.Kappa+2e-4)
				}
				if d := math.Abs(f.Lambda/truth.Lambda - 1); d > 0.10 {
					t.Errorf("λ %v, want %v ± 10%%", f.Lambda, truth.Lambda)
				}
				if truth.Kappa > 0 {
					want := math.Sqrt((1 - truth.Sigma) / truth.Kappa)
					if d := math.Abs(f.PeakN/want - 1); d > 0.25 {
						t.Errorf("N* %v, want %v ± 25%%", f.PeakN, want)
					}
				}
				if f.R2 < 0.97 {
					t.Errorf("R² %v, want ≥ 0.97 at 2%% noise", f.R2)
				}
				best := sseOf(f, uslLevels, x)
				if tr := sseOf(truth, uslLevels, x); best > tr*(1+1e-9) {
					t.Errorf("fit SSE %v exceeds the truth's %v: not a minimum", best, tr)
				}
				for _, nudge := range []func(*usl.Model, float64){
					func(g *usl.Model, e float64) { g.Lambda *= 1 + e },
					func(g *usl.Model, e float64) { g.Sigma += e * 0.01 },
					func(g *usl.Model, e float64) { g.Kappa += e * 1e-4 },
				} {
					for _, e := range []float64{-1e-3, 1e-3} {
						g := f
						nudge(&g, e)
						if g.Sigma < 0 || g.Kappa < 0 {
							continue // outside the feasible set
						}
						if s := sseOf(g, uslLevels, x); s < best*(1-1e-9) {
							t.Errorf("nudged fit %+v has SSE %v below the fit's %v", g, s, best)
						}
					}
				}
			})
		}
	}
}

func TestFitErrors(t *testing.T) {
	tests := []struct {
		name string
		n, x []float64
		want string
	}{
		{"lengths", []float64{1, 2, 3}, []float64{1, 2}, "3 concurrencies but 2"},
		{"too few levels", []float64{1, 2, 2, 1}, []float64{1, 2, 2, 1}, "2 distinct concurrencies"},
		{"n below 1", []float64{0, 1, 2}, []float64{1, 2, 3}, "concurrency 0 at point 0"},
		{"NaN x", []float64{1, 2, 3}, []float64{1, math.NaN(), 3}, "throughput NaN at point 1"},
		{"negative x", []float64{1, 2, 3}, []float64{1, 2, -3}, "throughput -3 at point 2"},
		{"all zero", []float64{1, 2, 3}, []float64{0, 0, 0}, "every throughput is 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := usl.Fit(tt.n, tt.x)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Fit error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func ExampleFit() {
	truth := usl.Model{Sigma: 0.05, Kappa: 0.002, Lambda: 1000}
	n := []float64{1, 2, 4, 8, 16, 32}
	x := make([]float64, len(n))
	for i := range n {
		x[i] = truth.Predict(n[i])
	}
	f, err := usl.Fit(n, x)
	if err != nil {
		panic(err)
	}
	fmt.Printf("σ=%.3f κ=%.4f λ=%.0f peak at N=%.1f R²=%.3f\n", f.Sigma, f.Kappa, f.Lambda, f.PeakN, f.R2)
	// Output: σ=0.050 κ=0.0020 λ=1000 peak at N=21.8 R²=1.000
}

func BenchmarkFit(b *testing.B) {
	truth := usl.Model{Sigma: 0.05, Kappa: 0.0005, Lambda: 1000}
	rng := rand.New(rand.NewPCG(1, 1))
	x := make([]float64, len(uslLevels))
	for i, n := range uslLevels {
		x[i] = truth.Predict(n) * (1 + 0.02*rng.NormFloat64())
	}
	for b.Loop() {
		if _, err := usl.Fit(uslLevels, x); err != nil {
			b.Fatal(err)
		}
	}
}
