package histogram

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"time"
)

// Buckets calls yield with each non-empty bucket in ascending order: its
// value (the bucket's midpoint clamped to [Min, Max], as Quantile reports
// it) and its count. It stops when yield returns false.
func (h *Histogram) Buckets(yield func(value time.Duration, count uint64) bool) {
	for i, c := range &h.counts {
		if c == 0 {
			continue
		}
		if !yield(time.Duration(min(max(bucketMid(i), h.min), h.max)), c) {
			return
		}
	}
}

// WritePercentiles writes h as HdrHistogram's percentile distribution text
// (the .hgrm form of AbstractHistogram.outputPercentileDistribution, which
// wrk2 prints and HdrHistogram's plotFiles.html reads), values in unit
// (time.Millisecond for the usual form) with 3 decimals, and
// ticksPerHalfDistance (HdrHistogram's default is 5) percentile lines per
// halving of the distance to 100%. Like HdrHistogram's PercentileIterator
// it walks the buckets in order and prints a line each time the cumulative
// percentile reaches the next reporting level, repeating a value that
// spans several levels, then a last line at 100% with the maximum; a line's
// percentile is the level reached, not the exact one. The footer gives the
// exact mean and maximum, the standard deviation from the buckets, the
// count, and this histogram's layout (33 powers of two of 64 sub-buckets).
// An empty histogram gives the header and footer only.
func (h *Histogram) WritePercentiles(w io.Writer, ticksPerHalfDistance int, unit time.Duration) error {
	if ticksPerHalfDistance < 1 || unit <= 0 {
		return fmt.Errorf("histogram: percentile ticks %d and unit %v must be above 0", ticksPerHalfDistance, unit)
	}
	bw := bufio.NewWriter(w)
	scaled := func(d time.Duration) float64 { return float64(d) / float64(unit) }
	fmt.Fprintf(bw, "%12s %14s %10s %14s\n\n", "Value", "Percentile", "TotalCount", "1/(1-Percentile)")
	if h.count > 0 {
		level := 0.0 // percent
		var total uint64
		h.Buckets(func(v time.Duration, c uint64) bool {
			total += c
			if total == h.count {
				v = h.Max() // the last line is the exact maximum
			}
			// One line per level this bucket reaches; the last bucket
			// gets only the first, then the 100% line below.
			for 100*float64(total)/float64(h.count) >= level {
				fmt.Fprintf(bw, "%12.3f %2.12f %10d %14.2f\n", scaled(v), level/100, total, 1/(1-level/100))
				ticks := float64(ticksPerHalfDistance) * math.Pow(2, math.Floor(math.Log2(100/(100-level)))+1)
				level += 100 / ticks
				if total == h.count {
					break
				}
			}
			return true
		})
		fmt.Fprintf(bw, "%12.3f %2.12f %10d\n", scaled(h.Max()), 1.0, h.count)
	}
	mean, sd := scaled(h.Mean()), scaled(h.stdDev())
	fmt.Fprintf(bw, "#[Mean    = %12.3f, StdDeviation   = %12.3f]\n", mean, sd)
	fmt.Fprintf(bw, "#[Max     = %12.3f, Total count    = %12d]\n", scaled(h.Max()), h.count)
	fmt.Fprintf(bw, "#[Buckets = %12d, SubBuckets     = %12d]\n", maxExp-minExp+1, subBuckets)
	return bw.Flush()
}

// stdDev returns the standard deviation of the recorded values, from the
// bucket values and the exact mean, as HdrHistogram computes it; 0 when h
// is empty.
func (h *Histogram) stdDev() time.Duration {
	if h.count == 0 {
		return 0
	}
	mean := float64(h.Mean())
	var sq float64
	h.Buckets(func(v time.Duration, c uint64) bool {
		d := float64(v) - mean
		sq += d * d * float64(c)
		return true
	})
	return time.Duration(math.Sqrt(sq / float64(h.count)))
}
