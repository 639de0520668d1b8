package report

// Exported for the external tests of the pure drawing functions.
var (
	NiceTicks   = niceTicks
	Log2Ticks   = log2Ticks
	Log10Ticks  = log10Ticks
	Sig3        = sig3
	FormatSI    = formatSI
	FormatMs    = formatMs
	FormatPct   = formatPct
	FormatParam = formatParam
	Split       = split
	Polyline    = polyline
)

// ScalePos returns the position of v on a linear, or log, scale of
// [lo, hi] onto [from, to].
func ScalePos(log bool, lo, hi, from, to, v float64) float64 {
	if log {
		return logScale(lo, hi, from, to).pos(v)
	}
	return linearScale(lo, hi, from, to).pos(v)
}
