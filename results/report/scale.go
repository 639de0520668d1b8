package report

import "math"

// scale maps data values in [lo, hi] linearly, or logarithmically when log
// is set, onto pixel positions in [from, to]. A log scale needs 0 < lo < hi.
type scale struct {
	lo, hi   float64
	from, to float64
	log      bool
}

// linearScale returns a linear scale of [lo, hi] onto [from, to].
func linearScale(lo, hi, from, to float64) scale {
	return scale{lo: lo, hi: hi, from: from, to: to}
}

// logScale returns a logarithmic scale of [lo, hi] onto [from, to]; equal
// ratios take equal distances, whatever the base of the ticks.
func logScale(lo, hi, from, to float64) scale {
	return scale{lo: lo, hi: hi, from: from, to: to, log: true}
}

// pos returns the pixel position of v. Values outside the domain map
// outside the range; on a log scale a value ≤ 0 maps to the lo end, since
// it has no position of its own.
func (s scale) pos(v float64) float64 {
	lo, hi := s.lo, s.hi
	if s.log {
		if v <= 0 {
			return s.from
		}
		v, lo, hi = math.Log(v), math.Log(lo), math.Log(hi)
	}
	if hi == lo {
		return (s.from + s.to) / 2
	}
	return s.from + (v-lo)/(hi-lo)*(s.to-s.from)
}

// clampPos is pos held inside the range, for marks that must stay on the
// plot, such as a bar whose value lies beyond the axis.
func (s scale) clampPos(v float64) float64 {
	p := s.pos(v)
	lo, hi := math.Min(s.from, s.to), math.Max(s.from, s.to)
	return math.Max(lo, math.Min(hi, p))
}

// niceStep returns the "nice" step, 1, 2 or 5 times a power of ten, closest
// above raw/1.5 so that a span divided by it gives about the wanted count.
// It is niceNumber with rounding, after Heckbert's "Nice numbers for graph
// labels" (Graphics Gems, 1990).
func niceStep(raw float64) (mantissa int, exp int) {
	exp = int(math.Floor(math.Log10(raw)))
	f := raw / math.Pow(10, float64(exp))
	switch {
	case f < 1.5:
		mantissa = 1
	case f < 3:
		mantissa = 2
	case f < 7:
		mantissa = 5
	default:
		mantissa, exp = 1, exp+1
	}
	return mantissa, exp
}

// times returns k × mantissa × 10^exp, exactly when that is representable:
// dividing by an exact power of ten, rather than multiplying by an inexact
// one, gives 0.3 and not 0.30000000000000004.
func times(k int, mantissa, exp int) float64 {
	if exp >= 0 {
		return float64(k*mantissa) * math.Pow(10, float64(exp))
	}
	return float64(k*mantissa) / math.Pow(10, float64(-exp))
}

// niceTicks returns about n evenly spaced round values (steps of 1, 2 or 5
// times a power of ten) covering [lo, hi]: the first tick is at or below
// lo and the last at or above hi, so the ticks' ends make a nice axis
// domain. It returns [lo] when lo == hi and nil for n < 2, hi < lo or a
// non-finite bound.
func niceTicks(lo, hi float64, n int) []float64 {
	if n < 2 || hi < lo || math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return nil
	}
	if lo == hi {
		return []float64{lo}
	}
	m, e := niceStep((hi - lo) / float64(n-1))
	step := times(1, m, e)
	first := int(math.Floor(lo/step + 1e-9))
	last := int(math.Ceil(hi/step - 1e-9))
	ticks := make([]float64, 0, last-first+1)
	for k := first; k <= last; k++ {
		ticks = append(ticks, times(k, m, e))
	}
	return ticks
}

// log2Ticks returns the powers of two from the largest at or below lo to the
// smallest at or above hi; when there are more than max (max ≥ 2), only
// every second, fourth, ... one from the first, so that the last may fall
// short of hi. It returns nil unless 0 < lo ≤ hi.
func log2Ticks(lo, hi float64, max int) []float64 {
	if !(lo > 0 && lo <= hi) || math.IsInf(hi, 0) || max < 2 {
		return nil
	}
	a := int(math.Floor(math.Log2(lo) + 1e-9))
	b := int(math.Ceil(math.Log2(hi) - 1e-9))
	every := 1
	for (b-a)/every+1 > max {
		every *= 2
	}
	var ticks []float64
	for k := a; k <= b; k += every {
		ticks = append(ticks, math.Ldexp(1, k))
	}
	return ticks
}

// log10Ticks returns ticks for a log axis over [lo, hi]: powers of ten,
// with 2 and 5 times each power between them when the span is at most
// three decades, from the largest tick at or below lo to the smallest at or
// above hi, and at least two. It returns nil unless 0 < lo ≤ hi.
func log10Ticks(lo, hi float64) []float64 {
	if !(lo > 0 && lo <= hi) || math.IsInf(hi, 0) {
		return nil
	}
	a := int(math.Floor(math.Log10(lo) + 1e-9))
	b := int(math.Ceil(math.Log10(hi) - 1e-9))
	if a == b {
		b++
	}
	var ticks []float64
	for e := a; e <= b; e++ {
		ticks = append(ticks, times(1, 1, e))
		if e < b && b-a <= 3 {
			ticks = append(ticks, times(2, 1, e), times(5, 1, e))
		}
	}
	// Trim to the ticks that bracket [lo, hi]; the tolerance keeps a tick
	// equal to lo or hi despite rounding.
	first, last := 0, len(ticks)-1
	for first+1 < len(ticks) && ticks[first+1] <= lo*(1+1e-9) {
		first++
	}
	for last-1 > first && ticks[last-1] >= hi*(1-1e-9) {
		last--
	}
	if last == first {
		last++
	}
	return ticks[first : last+1]
}
