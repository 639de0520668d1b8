package usl

import (
	"errors"
	"fmt"
	"math"
)

// Model is a fit of Gunther's Universal Scalability Law
//
//	X(N) = λN ÷ (1 + σ(N−1) + κN(N−1))
//
// to throughput X measured at concurrency N.
type Model struct {
	Sigma  float64 // σ, contention: the serialised fraction, in [0, 1]
	Kappa  float64 // κ, coherency: the cost of pairwise crosstalk, ≥ 0
	Lambda float64 // λ, the throughput of one unit of concurrency without contention
	PeakN  float64 // N* = √((1−σ)/κ), where X peaks; +Inf when κ = 0
	R2     float64 // coefficient of determination, 1 − SSE/SST, of the fit on the points
	Points int     // number of points fitted

	// SigmaCI, KappaCI and PeakNCI are the 95% confidence intervals of σ,
	// κ and N* from the fit's covariance (see FitUSL). A parameter whose
	// interval includes 0 is not identified by the data: its point value
	// says nothing about it being above 0. PeakNCI is unknown (NaN) unless
	// KappaCI is identified, since without a κ known to be above 0 the
	// data do not show a peak at all.
	SigmaCI, KappaCI, PeakNCI Interval
}

// PeakIdentified reports whether the data place a peak: κ's interval
// excludes 0. When it does not, print "not identified" rather than PeakN.
func (f Model) PeakIdentified() bool { return f.KappaCI.Identified() && f.PeakNCI.Known() }

// Predict returns the fitted throughput at concurrency n.
func (f Model) Predict(n float64) float64 {
	return f.Lambda * n / (1 + f.Sigma*(n-1) + f.Kappa*n*(n-1))
}

// Fit fits the Universal Scalability Law to throughputs x measured at
// concurrencies n by nonlinear least squares on x itself (no linearisation):
// projected Levenberg–Marquardt over (λ, σ, κ) with σ held in [0, 1], κ ≥ 0
// and λ > 0, started from a small grid of (σ, κ) with λ solved exactly for
// each, keeping the fit of least squared error. It needs at least 3 points
// at 3 distinct concurrencies, every n ≥ 1 and every x finite, ≥ 0 and not
// all 0; otherwise it returns an error naming the offending value. The
// intervals come from the covariance of the estimate, s²·(JᵀJ)⁻¹, with
// Student's t at m − 3 degrees of freedom for m points (Wald intervals; see
// SigmaCI); they are unknown with 3 points. It costs
// a few hundred microseconds for tens of points.
func Fit(n, x []float64) (Model, error) {
	if len(n) != len(x) {
		return Model{}, fmt.Errorf("fit USL: %d concurrencies but %d throughputs", len(n), len(x))
	}
	distinct := map[float64]bool{}
	var peak float64
	for i := range n {
		if !(n[i] >= 1) || math.IsInf(n[i], 0) {
			return Model{}, fmt.Errorf("fit USL: concurrency %v at point %d, want a finite value ≥ 1", n[i], i)
		}
		if !(x[i] >= 0) || math.IsInf(x[i], 0) {
			return Model{}, fmt.Errorf("fit USL: throughput %v at point %d, want a finite value ≥ 0", x[i], i)
		}
		distinct[n[i]] = true
		peak = math.Max(peak, x[i])
	}
	if len(distinct) < 3 {
		return Model{}, fmt.Errorf("fit USL: %d distinct concurrencies, want at least 3", len(distinct))
	}
	if peak == 0 {
		return Model{}, errors.New("fit USL: every throughput is 0")
	}
	// Work on x scaled to a peak of 1 so that the convergence tests and the
	// damping are independent of the throughput's unit.
	xs := make([]float64, len(x))
	for i := range x {
		xs[i] = x[i] / peak
	}
	nmax := 0.0
	for _, v := range n {
		nmax = math.Max(nmax, v)
	}
	best := uslParams{sse: math.Inf(1)}
	for _, s := range []float64{0, 0.01, 0.1, 0.5} {
		for _, k := range []float64{0, 0.01, 1, 10} {
			p := uslParams{sigma: s, kappa: k / (nmax * nmax)}
			p.lambda = bestLambda(n, xs, p)
			if p.lambda <= 0 {
				continue
			}
			p = levenbergMarquardt(n, xs, p)
			if p.sse < best.sse {
				best = p
			}
		}
	}
	if math.IsInf(best.sse, 1) {
		return Model{}, errors.New("fit USL: no starting point gave a positive λ")
	}
	f := Model{Sigma: best.sigma, Kappa: best.kappa, Lambda: best.lambda * peak, Points: len(n)}
	uslIntervals(&f, n, xs, best)
	f.PeakN = math.Inf(1)
	if f.Kappa > 0 {
		f.PeakN = math.Sqrt(math.Max(0, 1-f.Sigma) / f.Kappa)
	}
	var mean, sst float64
	for _, v := range xs {
		mean += v
	}
	mean /= float64(len(xs))
	for _, v := range xs {
		sst += (v - mean) * (v - mean)
	}
	switch {
	case sst > 0:
		f.R2 = 1 - best.sse/sst
	case best.sse == 0:
		f.R2 = 1
	}
	return f, nil
}

// uslParams is a point of the search and its sum of squared errors.
type uslParams struct {
	lambda, sigma, kappa, sse float64
}

// get and set address the parameters by index: 0 λ, 1 σ, 2 κ.
func (p *uslParams) get(i int) float64 { return [...]float64{p.lambda, p.sigma, p.kappa}[i] }

func (p *uslParams) set(i int, v float64) {
	switch i {
	case 0:
		p.lambda = math.Max(v, 1e-300)
	case 1:
		p.sigma = min(max(v, 0), 1)
	case 2:
		p.kappa = math.Max(v, 0)
	}
}

// atBound reports whether parameter i sits on a constraint that a step of
// sign dir would cross.
func (p *uslParams) atBound(i int, dir float64) bool {
	switch i {
	case 1:
		return p.sigma <= 0 && dir < 0 || p.sigma >= 1 && dir > 0
	case 2:
		return p.kappa <= 0 && dir < 0
	}
	return false
}

// bestLambda returns the λ minimising the squared error for p's σ and κ:
// the model is linear in λ, so it is Σxg ÷ Σg² with g = N/D.
func bestLambda(n, x []float64, p uslParams) float64 {
	var xg, gg float64
	for i := range n {
		g := n[i] / (1 + p.sigma*(n[i]-1) + p.kappa*n[i]*(n[i]-1))
		xg += x[i] * g
		gg += g * g
	}
	return xg / gg
}

// sse returns the sum of squared errors of p on the points.
func sse(n, x []float64, p uslParams) float64 {
	var s float64
	for i := range n {
		d := p.lambda*n[i]/(1+p.sigma*(n[i]-1)+p.kappa*n[i]*(n[i]-1)) - x[i]
		s += d * d
	}
	return s
}

// levenbergMarquardt refines p by projected Levenberg–Marquardt with
// Marquardt's diagonal scaling. A parameter on its bound whose step would
// leave the feasible set is held fixed for that step (an active set), so the
// other two still move; a rejected step raises the damping tenfold and an
// accepted one lowers it.
func levenbergMarquardt(n, x []float64, p uslParams) uslParams {
	p.sse = sse(n, x, p)
	mu := 1e-3
	for iter := 0; iter < 500 && mu < 1e20; iter++ {
		var jtj [3][3]float64
		var jtr [3]float64
		for i := range n {
			d := 1 + p.sigma*(n[i]-1) + p.kappa*n[i]*(n[i]-1)
			f := p.lambda * n[i] / d
			g := [3]float64{n[i] / d, -f * (n[i] - 1) / d, -f * n[i] * (n[i] - 1) / d}
			r := x[i] - f
			for a := range 3 {
				jtr[a] += g[a] * r
				for b := range 3 {
					jtj[a][b] += g[a] * g[b]
				}
			}
		}
		var fixed [3]bool
		var step [3]float64
		ok := false
		// At most one re-solve per parameter that hits its bound.
		for range 3 {
			var a [3][3]float64
			var b [3]float64
			for r := range 3 {
				b[r] = jtr[r]
				for c := range 3 {
					a[r][c] = jtj[r][c]
				}
				a[r][r] += mu * math.Max(jtj[r][r], 1e-30)
				if fixed[r] {
					a[r] = [3]float64{}
					a[r][r] = 1
					b[r] = 0
					for c := range 3 {
						if c != r {
							a[c][r] = 0
						}
					}
				}
			}
			step, ok = solve3(a, b)
			if !ok {
				break
			}
			changed := false
			for i := range 3 {
				if !fixed[i] && p.atBound(i, step[i]) {
					fixed[i], changed = true, true
				}
			}
			if !changed {
				break
			}
		}
		if !ok {
			mu *= 10
			continue
		}
		q := p
		for i := range 3 {
			q.set(i, p.get(i)+step[i])
		}
		q.sse = sse(n, x, q)
		if !(q.sse < p.sse) {
			mu *= 10
			continue
		}
		done := p.sse-q.sse <= 1e-15*p.sse+1e-30
		p = q
		mu = math.Max(mu/10, 1e-12)
		if done {
			break
		}
	}
	return p
}

// solve3 solves a·s = b by Gaussian elimination with partial pivoting,
// reporting false when a is singular.
func solve3(a [3][3]float64, b [3]float64) ([3]float64, bool) {
	for c := range 3 {
		piv := c
		for r := c + 1; r < 3; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[piv][c]) {
				piv = r
			}
		}
		if a[piv][c] == 0 || math.IsNaN(a[piv][c]) {
			return [3]float64{}, false
		}
		a[c], a[piv] = a[piv], a[c]
		b[c], b[piv] = b[piv], b[c]
		for r := c + 1; r < 3; r++ {
			m := a[r][c] / a[c][c]
			for k := c; k < 3; k++ {
				a[r][k] -= m * a[c][k]
			}
			b[r] -= m * b[c]
		}
	}
	var s [3]float64
	for r := 2; r >= 0; r-- {
		v := b[r]
		for k := r + 1; k < 3; k++ {
			v -= a[r][k] * s[k]
		}
		s[r] = v / a[r][r]
	}
	return s, true
}
