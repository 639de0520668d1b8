package report

import (
	"github.com/stratbench/stratbench/results/usl"
	"math"
	"strconv"
	"strings"
)

// sig3 formats v with three significant digits and no trailing zeros after
// the decimal point: 12.3, 1.5, 250, 0.0123. Integers of four or more digits
// are kept whole.
func sig3(v float64) string {
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	decimals := max(0, 2-int(math.Floor(math.Log10(math.Abs(v)))))
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// siPrefixes are the multipliers formatSI uses, largest first.
var siPrefixes = []struct {
	factor float64
	symbol string
}{{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}}

// formatSI formats v compactly with an SI prefix and three significant
// digits: 0, 0.5, 950, 12.3k, 1.5M. It is for counts and rates, which are
// never meaningfully below one thousandth.
func formatSI(v float64) string {
	a := math.Abs(v)
	for _, p := range siPrefixes {
		// Compare after rounding, so that 999,960 is "1M" and not "1000k".
		if round3(a/p.factor) >= 1 {
			return sig3(v/p.factor) + p.symbol
		}
	}
	return sig3(v)
}

// round3 returns v rounded to three significant digits, as sig3 shows it.
func round3(v float64) float64 {
	f, _ := strconv.ParseFloat(sig3(v), 64)
	return f
}

// formatRate formats a rate with its unit: "12.3k tasks/s".
func formatRate(v float64, unit string) string {
	return formatSI(v) + " " + unit
}

// formatMs formats a duration given in milliseconds in the unit that keeps
// it between 1 and 1000 where possible: "250 µs", "1.23 ms", "1.5 s".
func formatMs(ms float64) string {
	switch a := math.Abs(ms); {
	case a == 0:
		return "0 ms"
	case round3(a) < 1:
		return sig3(ms*1000) + " µs"
	case round3(a) < 1000:
		return sig3(ms) + " ms"
	default:
		return sig3(ms/1000) + " s"
	}
}

// formatPct formats a fraction as a percentage: 0.874 is "87.4%".
func formatPct(f float64) string {
	return sig3(f*100) + "%"
}

// formatParam formats a fitted parameter, such as σ or κ, with two
// significant digits, in exponent form below 0.001 and as 0 below 1e-9,
// where a fit's parameter is numerically zero: 0.53, 0.0052, 2.1e-5.
func formatParam(v float64) string {
	a := math.Abs(v)
	switch {
	case a < 1e-9:
		return "0"
	case a < 1e-3:
		mant, exp, _ := strings.Cut(strconv.FormatFloat(v, 'e', 1, 64), "e")
		e, _ := strconv.Atoi(exp)
		return strings.TrimSuffix(mant, ".0") + "e" + strconv.Itoa(e)
	}
	s := strconv.FormatFloat(v, 'f', max(0, 1-int(math.Floor(math.Log10(a)))), 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// paramCI formats a USL parameter with its 95% interval, "0.031 [0.02–0.04]",
// or bare when it has no interval. An interval whose low end is 0 shows that
// the data cannot tell the parameter from 0.
func paramCI(v float64, ci usl.Interval) string {
	if !ci.Known() {
		return formatParam(v)
	}
	return formatParam(v) + " [" + formatParam(ci.Lo) + "–" + formatParam(ci.Hi) + "]"
}

// peakText formats the USL peak N* with its 95% interval, "26 [18–40]", or
// "not identified" when κ's interval includes 0 and the data place no peak.
func peakText(u *usl.Model) string {
	if !u.PeakIdentified() {
		return "not identified"
	}
	return sig3(u.PeakN) + " [" + sig3(u.PeakNCI.Lo) + "–" + sig3(u.PeakNCI.Hi) + "]"
}
