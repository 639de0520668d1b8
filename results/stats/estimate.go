package stats

import (
	"errors"
	"fmt"
	"math"

	"github.com/montanaflynn/stats"
)

// Estimate summarizes one metric across the trials of a cell: the sample
// mean with its 95% confidence interval, the sample standard deviation, and
// the median with its own 95% confidence interval (the one to draw around
// a median).
type Estimate struct {
	N      int     // number of values
	Mean   float64 // arithmetic mean
	StdDev float64 // sample standard deviation (divisor N-1); 0 when N is 1
	CILow  float64 // lower end of the 95% confidence interval of the mean
	CIHigh float64 // upper end of the 95% confidence interval of the mean
	Median float64 // middle value, or the mean of the two middle values
	// MedianLo and MedianHi are the 95% confidence interval of the
	// median, as NewMedianCI gives it: −Inf or +Inf with fewer than 6
	// values, which cannot reach 95%.
	MedianLo, MedianHi float64
}

// MedianCIFinite reports whether the median's interval exists.
func (e Estimate) MedianCIFinite() bool {
	return !math.IsInf(e.MedianLo, 0) && !math.IsInf(e.MedianHi, 0) && !math.IsNaN(e.MedianLo) && !math.IsNaN(e.MedianHi)
}

// NewEstimate returns the Estimate of xs, one value per trial. The 95%
// confidence interval of the mean is Mean ± t·StdDev/√N, with t the 0.975
// quantile of Student's t distribution with N-1 degrees of freedom, so it
// assumes roughly normal, independent trials. With N == 1 there is no
// spread to estimate: StdDev is 0 and the interval is the single value.
// MedianLo and MedianHi come from NewMedianCI.
// NewEstimate returns an error for empty input or a NaN or infinite value;
// it does not modify xs.
func NewEstimate(xs []float64) (Estimate, error) {
	if len(xs) == 0 {
		return Estimate{}, errors.New("estimate: no values")
	}
	for i, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return Estimate{}, fmt.Errorf("estimate: value %d is %v, want a finite number", i, x)
		}
	}
	data := stats.Float64Data(xs)
	mean, err := stats.Mean(data)
	if err != nil {
		return Estimate{}, fmt.Errorf("estimate: mean of %d values: %w", len(xs), err)
	}
	median, err := stats.Median(data)
	if err != nil {
		return Estimate{}, fmt.Errorf("estimate: median of %d values: %w", len(xs), err)
	}
	mci := NewMedianCI(xs)
	e := Estimate{N: len(xs), Mean: mean, Median: median, CILow: mean, CIHigh: mean, MedianLo: mci.Lo, MedianHi: mci.Hi}
	if e.N == 1 {
		return e, nil
	}
	if e.StdDev, err = stats.StandardDeviationSample(data); err != nil {
		return Estimate{}, fmt.Errorf("estimate: standard deviation of %d values: %w", len(xs), err)
	}
	half := StudentT975(e.N-1) * e.StdDev / math.Sqrt(float64(e.N))
	e.CILow, e.CIHigh = mean-half, mean+half
	return e, nil
}

// t975 holds the 0.975 quantile of Student's t distribution for 1 to 30
// degrees of freedom.
var t975 = [...]float64{
	12.706204736, 4.302652730, 3.182446305, 2.776445105, 2.570581836,
	2.446911851, 2.364624252, 2.306004135, 2.262157163, 2.228138852,
	2.200985160, 2.178812830, 2.160368656, 2.144786688, 2.131449546,
	2.119905299, 2.109815578, 2.100922040, 2.093024054, 2.085963447,
	2.079613845, 2.073873068, 2.068657610, 2.063898562, 2.059538553,
	2.055529439, 2.051830516, 2.048407142, 2.045229642, 2.042272456,
}

// StudentT975 returns the 0.975 quantile of Student's t distribution with df
// degrees of freedom (df >= 1): from the table up to 30, beyond it from the
// Cornish–Fisher expansion around the normal quantile, accurate there to
// better than 1e-6.
func StudentT975(df int) float64 {
	if df <= len(t975) {
		return t975[df-1]
	}
	const z = 1.959963984540054 // 0.975 quantile of the standard normal
	v := float64(df)
	z2 := z * z
	g1 := z * (z2 + 1) / 4
	g2 := z * ((5*z2+16)*z2 + 3) / 96
	g3 := z * (((3*z2+19)*z2+17)*z2 - 15) / 384
	g4 := z * ((((79*z2+776)*z2+1482)*z2-1920)*z2 - 945) / 92160
	return z + g1/v + g2/(v*v) + g3/(v*v*v) + g4/(v*v*v*v)
}
