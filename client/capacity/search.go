package capacity

import (
	"context"
	"errors"
	"fmt"
	"math"
)

// Errors of a search that found no capacity; Result.Probes still holds the
// trace.
var (
	// ErrClientLimited: a probe was limited by the load client, so the
	// rate it would set is the client's, not the server's.
	ErrClientLimited = errors.New("capacity: the load client limited a probe")
	// ErrNoPassingRate: the objective failed even at the lowest rate tried.
	ErrNoPassingRate = errors.New("capacity: the objective failed at every rate tried")
	// ErrAboveMaxRate: the objective held at the highest rate allowed.
	ErrAboveMaxRate = errors.New("capacity: the objective held at the highest rate allowed")
	// ErrProbeLimit: the search used its most probes without converging.
	ErrProbeLimit = errors.New("capacity: probe limit reached")
)

// Search is how a capacity is searched for. Its zero value is usable: a
// zero field takes the default documented on it.
type Search struct {
	// Start is the first offered rate; default 10 requests/s.
	Start float64
	// Growth is the factor between rates while growing (and shrinking);
	// default 2, at least 1.1.
	Growth float64
	// Precision is the relative width the bisection stops at: the answer
	// lo and the lowest failing rate hi satisfy hi ≤ lo × (1+Precision);
	// default 0.05, in [0.001, 1].
	Precision float64
	// Trials is how many passing trials the answer needs; default 3.
	Trials int
	// MinRate and MaxRate bound the rates tried; defaults Start ÷ 1024 and
	// 1e6.
	MinRate, MaxRate float64
	// MaxProbes bounds the probes of one search; default 64.
	MaxProbes int
}

// withDefaults returns s with its zero fields defaulted, or an error
// naming a field out of range.
func (s Search) withDefaults() (Search, error) {
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&s.Start, 10)
	def(&s.Growth, 2)
	def(&s.Precision, 0.05)
	def(&s.MinRate, s.Start/1024)
	def(&s.MaxRate, 1e6)
	if s.Trials == 0 {
		s.Trials = 3
	}
	if s.MaxProbes == 0 {
		s.MaxProbes = 64
	}
	switch {
	case !(s.Start > 0) || math.IsInf(s.Start, 0):
		return s, fmt.Errorf("capacity: start rate %v is not above 0", s.Start)
	case !(s.Growth >= 1.1) || math.IsInf(s.Growth, 0):
		return s, fmt.Errorf("capacity: growth %v is below 1.1", s.Growth)
	case !(s.Precision >= 0.001 && s.Precision <= 1):
		return s, fmt.Errorf("capacity: precision %v is outside [0.001, 1]", s.Precision)
	case s.Trials < 1 || s.Trials > 100:
		return s, fmt.Errorf("capacity: trials %d is outside [1, 100]", s.Trials)
	case !(s.MinRate > 0 && s.MinRate <= s.Start):
		return s, fmt.Errorf("capacity: min rate %v is outside (0, start %v]", s.MinRate, s.Start)
	case !(s.MaxRate >= s.Start) || math.IsInf(s.MaxRate, 0):
		return s, fmt.Errorf("capacity: max rate %v is below the start rate %v", s.MaxRate, s.Start)
	case s.MaxProbes < 1 || s.MaxProbes > 10_000:
		return s, fmt.Errorf("capacity: max probes %d is outside [1, 10000]", s.MaxProbes)
	}
	return s, nil
}

// Result is a search's outcome: the capacity found, or 0 with the error
// that says why none was, and every probe in order.
type Result struct {
	// Capacity is the highest rate found whose Trials trials all passed,
	// in requests per second; 0 when the search failed.
	Capacity float64
	Probes   []Probe
}

// MaxProbesPlanned returns the most probes a search with s's settings
// makes before it stops: growing from Start to MaxRate or shrinking to
// MinRate, bisecting a factor of Growth down to Precision, and the
// confirmation trials, with one failed confirmation re-bisected. It bounds
// a search's time: each probe is one trial.
func (s Search) MaxProbesPlanned() (int, error) {
	s, err := s.withDefaults()
	if err != nil {
		return 0, err
	}
	steps := func(ratio, by float64) int { return int(math.Ceil(math.Log(ratio)/math.Log(by) - 1e-9)) }
	move := max(steps(s.MaxRate/s.Start, s.Growth), steps(s.Start/s.MinRate, s.Growth)) + 1
	bisect := max(steps(math.Log(s.Growth)/math.Log1p(s.Precision), 2), 0)
	n := move + 2*(bisect+s.Trials)
	return min(n, s.MaxProbes), nil
}

// Run searches for the highest rate at which obj holds, probing with p.
// Rates grow by Growth from Start until a probe fails; if Start itself
// fails they shrink by Growth until one passes. The highest passing rate
// lo and the lowest failing rate hi are then bisected (geometrically)
// until hi ≤ lo × (1+Precision), and lo is repeated until Trials trials at
// it have passed. A confirmation that fails makes lo the new hi and the
// search goes on below it. So every rate above the answer that was tried
// failed at least once, and the answer passed every trial.
//
// Run stops with a partial Result and an error when a probe is client
// limited ([ErrClientLimited]), when nothing passes down to MinRate
// ([ErrNoPassingRate]), when MaxRate passes ([ErrAboveMaxRate]), after
// MaxProbes probes ([ErrProbeLimit]), or when p fails or ctx ends (p's
// error).
func (s Search) Run(ctx context.Context, p Prober, obj Objective) (Result, error) {
	s, err := s.withDefaults()
	if err != nil {
		return Result{}, err
	}
	if err := obj.Validate(); err != nil {
		return Result{}, err
	}
	r := &searchRun{s: s, p: p, obj: obj}
	err = r.run(ctx)
	return r.res, err
}

// searchRun is the state of one Search.Run.
type searchRun struct {
	s   Search
	p   Prober
	obj Objective
	res Result
}

// probe runs one probe at rate in phase ph and reports whether it passed.
func (r *searchRun) probe(ctx context.Context, ph Phase, rate float64) (bool, error) {
	if len(r.res.Probes) >= r.s.MaxProbes {
		return false, fmt.Errorf("%w: %d probes", ErrProbeLimit, r.s.MaxProbes)
	}
	pr, err := r.p.Probe(ctx, rate)
	if err != nil {
		return false, fmt.Errorf("capacity: probe at %.4g requests/s: %w", rate, err)
	}
	pr.Step, pr.Phase, pr.Rate = len(r.res.Probes)+1, ph, rate
	pr.Verdict, pr.Reason = r.obj.judge(pr)
	r.res.Probes = append(r.res.Probes, pr)
	if pr.Verdict == ClientLimited {
		return false, fmt.Errorf("%w at %.4g requests/s (%s); no capacity is reported", ErrClientLimited, rate, pr.ClientLimit)
	}
	return pr.Verdict == Pass, nil
}

// highestPassBelow returns the highest rate below hi whose probes all
// passed, or 0.
func (r *searchRun) highestPassBelow(hi float64) float64 {
	failed := map[float64]bool{}
	for _, p := range r.res.Probes {
		if p.Verdict != Pass {
			failed[p.Rate] = true
		}
	}
	best := 0.0
	for _, p := range r.res.Probes {
		if p.Verdict == Pass && p.Rate < hi && !failed[p.Rate] && p.Rate > best {
			best = p.Rate
		}
	}
	return best
}

// passesAt counts the passing probes at rate.
func (r *searchRun) passesAt(rate float64) int {
	n := 0
	for _, p := range r.res.Probes {
		if p.Rate == rate && p.Verdict == Pass {
			n++
		}
	}
	return n
}

func (r *searchRun) run(ctx context.Context) error {
	s := r.s
	var lo, hi float64 // the highest passing and the lowest failing rate
	for rate := s.Start; ; rate = min(rate*s.Growth, s.MaxRate) {
		ok, err := r.probe(ctx, Grow, rate)
		if err != nil {
			return err
		}
		if !ok {
			hi = rate
			break
		}
		lo = rate
		if rate >= s.MaxRate {
			return fmt.Errorf("%w: %.4g requests/s", ErrAboveMaxRate, s.MaxRate)
		}
	}
	for {
		if lo == 0 {
			var err error
			if lo, hi, err = r.shrink(ctx, hi); err != nil {
				return err
			}
		}
		for hi > lo*(1+s.Precision) {
			mid := math.Sqrt(lo * hi)
			ok, err := r.probe(ctx, Bisect, mid)
			if err != nil {
				return err
			}
			if ok {
				lo = mid
			} else {
				hi = mid
			}
		}
		confirmed := true
		for r.passesAt(lo) < s.Trials {
			ok, err := r.probe(ctx, Confirm, lo)
			if err != nil {
				return err
			}
			if !ok {
				confirmed = false
				break
			}
		}
		if confirmed {
			r.res.Capacity = lo
			return nil
		}
		hi, lo = lo, r.highestPassBelow(lo)
	}
}

// shrink lowers the rate geometrically below hi until a probe passes, and
// returns the passing and the last failing rate.
func (r *searchRun) shrink(ctx context.Context, hi float64) (lo, newHi float64, err error) {
	for rate := hi / r.s.Growth; ; rate /= r.s.Growth {
		if rate < r.s.MinRate {
			return 0, hi, fmt.Errorf("%w: down to %.4g requests/s", ErrNoPassingRate, hi)
		}
		ok, err := r.probe(ctx, Shrink, rate)
		if err != nil {
			return 0, hi, err
		}
		if ok {
			return rate, hi, nil
		}
		hi = rate
	}
}
