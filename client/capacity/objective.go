package capacity

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Objective is what every trial of a sustainable rate must meet: the
// latency at Quantile at or under Bound, and the error rate at or under
// MaxErrorRate.
type Objective struct {
	// Quantile is the objective's percentile as a fraction, in [0.5, 0.999].
	Quantile float64
	// Bound is the highest latency allowed at Quantile; above 0.
	Bound time.Duration
	// MaxErrorRate is the highest fraction of failed requests allowed, in
	// [0, 1].
	MaxErrorRate float64
}

// Limits of an Objective's fields.
const (
	MinQuantile = 0.5
	MaxQuantile = 0.999
)

// ParseSLO parses a latency objective such as "p99=50ms" or "p99.9=200ms":
// a percentile from p50 to p99.9 and a Go duration above 0. The returned
// Objective's MaxErrorRate is 0; set it with [ParseErrorRate].
func ParseSLO(s string) (Objective, error) {
	name, bound, ok := strings.Cut(s, "=")
	if !ok || !strings.HasPrefix(name, "p") {
		return Objective{}, fmt.Errorf("slo %q: want PERCENTILE=DURATION such as p99=50ms", s)
	}
	pct, err := strconv.ParseFloat(name[1:], 64)
	if err != nil || math.IsNaN(pct) || pct < MinQuantile*100 || pct > MaxQuantile*100 {
		return Objective{}, fmt.Errorf("slo %q: percentile %q is not one of p50 … p99.9", s, name)
	}
	d, err := time.ParseDuration(bound)
	if err != nil || d <= 0 {
		return Objective{}, fmt.Errorf("slo %q: bound %q is not a Go duration above 0 such as 50ms", s, bound)
	}
	// Rounded so that p99.9 is 0.999, not 0.9990000000000001.
	return Objective{Quantile: math.Round(pct*1e7) / 1e9, Bound: d}, nil
}

// ParseErrorRate parses an error-rate limit given as a percentage ("0.1%")
// or a fraction ("0.001"), in [0, 1].
func ParseErrorRate(s string) (float64, error) {
	v, pct := strings.CutSuffix(strings.TrimSpace(s), "%")
	f, err := strconv.ParseFloat(v, 64)
	if err == nil && pct {
		f /= 100
	}
	if err != nil || math.IsNaN(f) || f < 0 || f > 1 {
		return 0, fmt.Errorf("max error rate %q is not a fraction in [0, 1] or a percentage such as 0.1%%", s)
	}
	return f, nil
}

// Validate reports the first field of o out of range, naming it and the
// limit.
func (o Objective) Validate() error {
	switch {
	case math.IsNaN(o.Quantile) || o.Quantile < MinQuantile || o.Quantile > MaxQuantile:
		return fmt.Errorf("objective: quantile %v is outside [%g, %g]", o.Quantile, MinQuantile, MaxQuantile)
	case o.Bound <= 0:
		return fmt.Errorf("objective: bound %v is not above 0", o.Bound)
	case math.IsNaN(o.MaxErrorRate) || o.MaxErrorRate < 0 || o.MaxErrorRate > 1:
		return fmt.Errorf("objective: max error rate %v is outside [0, 1]", o.MaxErrorRate)
	}
	return nil
}

// Name returns the percentile's name, such as "p99" or "p99.9".
func (o Objective) Name() string {
	return "p" + strconv.FormatFloat(math.Round(o.Quantile*1e9)/1e7, 'f', -1, 64)
}

// String returns o as "p99<=50ms errors<=0.1%", the form of the CSV's
// objective column.
func (o Objective) String() string {
	return fmt.Sprintf("%s<=%v errors<=%s%%", o.Name(), o.Bound, strconv.FormatFloat(o.MaxErrorRate*100, 'f', -1, 64))
}

// judge returns p's verdict under o and why, from its measured figures.
func (o Objective) judge(p Probe) (Verdict, string) {
	switch {
	case p.ClientLimit != "":
		return ClientLimited, p.ClientLimit
	case p.Requests == 0:
		return Fail, "no request ended"
	case p.ErrorRate > o.MaxErrorRate:
		return Fail, fmt.Sprintf("error rate %.3g%% > %.3g%%", p.ErrorRate*100, o.MaxErrorRate*100)
	case p.Objective > o.Bound:
		return Fail, fmt.Sprintf("%s %v > %v", o.Name(), p.Objective.Round(10*time.Microsecond), o.Bound)
	}
	return Pass, ""
}
