package usl_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stratbench/stratbench/results/usl"
)

// noisyUSL returns truth's throughput at uslLevels, each multiplied by
// 1 + ε with ε normal of standard deviation rel.
func noisyUSL(truth usl.Model, rel float64, rng *rand.Rand) []float64 {
	x := make([]float64, len(uslLevels))
	for i, n := range uslLevels {
		x[i] = truth.Predict(n) * (1 + rel*rng.NormFloat64())
	}
	return x
}

// TestUSLIntervalsExact: on exact USL data the residuals are 0, so every
// interval collapses onto the true value (within rounding).
func TestUSLIntervalsExact(t *testing.T) {
	truth := usl.Model{Sigma: 0.05, Kappa: 0.002, Lambda: 1000}
	x := noisyUSL(truth, 0, rand.New(rand.NewPCG(1, 1)))
	f, err := usl.Fit(uslLevels, x)
	if err != nil {
		t.Fatal(err)
	}
	peak := math.Sqrt((1 - truth.Sigma) / truth.Kappa)
	for _, c := range []struct {
		name string
		ci   usl.Interval
		want float64
	}{{"σ", f.SigmaCI, truth.Sigma}, {"κ", f.KappaCI, truth.Kappa}, {"N*", f.PeakNCI, peak}} {
		if !c.ci.Identified() || math.Abs(c.ci.Lo/c.want-1) > 1e-4 || math.Abs(c.ci.Hi/c.want-1) > 1e-4 {
			t.Errorf("%s interval %+v, want collapsed on %g", c.name, c.ci, c.want)
		}
	}
	if !f.PeakIdentified() {
		t.Error("peak not identified on exact data")
	}
}

// TestUSLIntervalsCoverage: over 300 synthetic sweeps with 2% noise around
// known σ = 0.05, κ = 0.002 (peak N* ≈ 21.8), the 95% intervals contain
// the true σ, κ and N* in 88–99% of sweeps (Wald intervals of a nonlinear
// fit on 10 points are close to, not exactly at, their nominal level).
// The seed is fixed, so the test is deterministic.
func TestUSLIntervalsCoverage(t *testing.T) {
	truth := usl.Model{Sigma: 0.05, Kappa: 0.002, Lambda: 1000}
	peak := math.Sqrt((1 - truth.Sigma) / truth.Kappa)
	rng := rand.New(rand.NewPCG(10, 20))
	const sweeps = 300
	var inSigma, inKappa, inPeak int
	for range sweeps {
		f, err := usl.Fit(uslLevels, noisyUSL(truth, 0.02, rng))
		if err != nil {
			t.Fatal(err)
		}
		if f.SigmaCI.Lo <= truth.Sigma && truth.Sigma <= f.SigmaCI.Hi {
			inSigma++
		}
		if f.KappaCI.Lo <= truth.Kappa && truth.Kappa <= f.KappaCI.Hi {
			inKappa++
		}
		if f.PeakNCI.Lo <= peak && peak <= f.PeakNCI.Hi {
			inPeak++
		}
	}
	t.Logf("coverage σ %d, κ %d, N* %d of %d", inSigma, inKappa, inPeak, sweeps)
	for name, in := range map[string]int{"σ": inSigma, "κ": inKappa, "N*": inPeak} {
		if c := float64(in) / sweeps; c < 0.88 || c > 0.99 {
			t.Errorf("%s: coverage %.3f, want 0.88–0.99", name, c)
		}
	}
}

// TestUSLKappaNotIdentified: Amdahl data (κ = 0) with noise give a κ
// interval that includes 0, so no peak is claimed; the same with κ large
// enough to show a peak inside the levels is identified.
func TestUSLKappaNotIdentified(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	f, err := usl.Fit(uslLevels, noisyUSL(usl.Model{Sigma: 0.1, Lambda: 500}, 0.02, rng))
	if err != nil {
		t.Fatal(err)
	}
	if f.KappaCI.Identified() || f.PeakIdentified() || f.PeakNCI.Known() {
		t.Errorf("κ = 0 truth: κ %g %+v, peak %+v; want κ not identified and no peak interval", f.Kappa, f.KappaCI, f.PeakNCI)
	}
	if !f.SigmaCI.Identified() || f.SigmaCI.Lo > 0.1 || f.SigmaCI.Hi < 0.1 {
		t.Errorf("σ %+v, want an identified interval around 0.1", f.SigmaCI)
	}
	f, err = usl.Fit(uslLevels, noisyUSL(usl.Model{Sigma: 0.02, Kappa: 0.005, Lambda: 500}, 0.02, rng))
	if err != nil {
		t.Fatal(err)
	}
	if !f.PeakIdentified() || f.PeakNCI.Lo > 14 || f.PeakNCI.Hi < 14 {
		t.Errorf("peak %g interval %+v, want identified around 14", f.PeakN, f.PeakNCI)
	}
}

// TestUSLIntervalsTooFewPoints: 3 points leave no residual degree of
// freedom, so there is no interval.
func TestUSLIntervalsTooFewPoints(t *testing.T) {
	f, err := usl.Fit([]float64{1, 2, 4}, []float64{100, 190, 300})
	if err != nil {
		t.Fatal(err)
	}
	if f.SigmaCI.Known() || f.KappaCI.Known() || f.PeakNCI.Known() {
		t.Errorf("intervals %+v %+v %+v from 3 points, want none", f.SigmaCI, f.KappaCI, f.PeakNCI)
	}
}
