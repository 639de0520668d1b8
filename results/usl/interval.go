package usl

import (
	"math"

	"github.com/stratbench/stratbench/results/stats"
)

// Interval is a two-sided 95% confidence interval. Lo and Hi are NaN when
// there is none (too few points, or a fit whose parameters cannot be told
// apart).
type Interval struct{ Lo, Hi float64 }

// Known reports whether the interval exists.
func (i Interval) Known() bool { return !math.IsNaN(i.Lo) && !math.IsNaN(i.Hi) }

// Identified reports whether the interval exists and excludes zero: the
// parameter is distinguishable from 0 at the 95% level.
func (i Interval) Identified() bool { return i.Known() && i.Lo > 0 }

// noInterval is the Interval of a figure without one.
var noInterval = Interval{math.NaN(), math.NaN()}

// uslIntervals sets f's SigmaCI, KappaCI and PeakNCI from the covariance of
// the least-squares estimate p on the points (n, x): cov = s²·(JᵀJ)⁻¹ with
// J the model's Jacobian at p and s² = SSE ÷ (m − 3) the residual variance
// of m points; each interval is the estimate ± t·√cov, t the 0.975
// quantile of Student's t with m − 3 degrees of freedom (Wald intervals).
// σ's interval is clipped to [0, 1] and κ's to [0, ∞), the values the
// model allows. The peak N* = √((1−σ)/κ) gets an interval only when κ's
// excludes 0 (otherwise the data cannot place a peak), by the delta
// method on log N*, which keeps it positive and lets it be lopsided as N*
// is. With m ≤ 3 or a singular JᵀJ every interval is unknown.
func uslIntervals(f *Model, n, x []float64, p uslParams) {
	f.SigmaCI, f.KappaCI, f.PeakNCI = noInterval, noInterval, noInterval
	m := len(n)
	if m <= 3 {
		return
	}
	var jtj [3][3]float64
	for i := range n {
		d := 1 + p.sigma*(n[i]-1) + p.kappa*n[i]*(n[i]-1)
		fi := p.lambda * n[i] / d
		g := [3]float64{n[i] / d, -fi * (n[i] - 1) / d, -fi * n[i] * (n[i] - 1) / d}
		for a := range 3 {
			for b := range 3 {
				jtj[a][b] += g[a] * g[b]
			}
		}
	}
	var cov [3][3]float64
	for c := range 3 {
		var e [3]float64
		e[c] = 1
		col, ok := solve3(jtj, e)
		if !ok {
			return
		}
		for r := range 3 {
			cov[r][c] = col[r]
		}
	}
	s2 := p.sse / float64(m-3)
	t := stats.StudentT975(m - 3)
	half := func(v float64) float64 {
		if !(v >= 0) {
			return math.NaN()
		}
		return t * math.Sqrt(s2*v)
	}
	if h := half(cov[1][1]); !math.IsNaN(h) {
		f.SigmaCI = Interval{math.Max(p.sigma-h, 0), math.Min(p.sigma+h, 1)}
	}
	if h := half(cov[2][2]); !math.IsNaN(h) {
		f.KappaCI = Interval{math.Max(p.kappa-h, 0), p.kappa + h}
	}
	if !f.KappaCI.Identified() || p.sigma >= 1 {
		return
	}
	// ∂ log N* / ∂σ = −1 / (2(1−σ)), ∂ log N* / ∂κ = −1 / (2κ).
	g := [3]float64{0, -1 / (2 * (1 - p.sigma)), -1 / (2 * p.kappa)}
	var v float64
	for a := range 3 {
		for b := range 3 {
			v += g[a] * cov[a][b] * g[b]
		}
	}
	if h := half(v); !math.IsNaN(h) {
		logPeak := 0.5 * (math.Log(1-p.sigma) - math.Log(p.kappa))
		f.PeakNCI = Interval{math.Exp(logPeak - h), math.Exp(logPeak + h)}
	}
}
