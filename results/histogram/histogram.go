package histogram

import (
	"fmt"
	"math"
	"math/bits"
	"time"
)

// Bucket layout. Values are nanoseconds. Each power of two [2^e, 2^(e+1))
// from e = minExp to e = maxExp is split into subBuckets linear buckets of
// width 2^(e-subBits), so a bucket is at most 1/64 of its lower bound wide and
// its midpoint is within 1/128 (0.78%) of any value in it.
const (
	// LowestTrackable is the smallest duration the histogram resolves; smaller
	// values are counted in the lowest bucket.
	LowestTrackable = time.Microsecond
	// HighestTrackable is the largest duration the histogram resolves; larger
	// values are counted in the top bucket and in Overflow.
	HighestTrackable = time.Hour

	subBits    = 6
	subBuckets = 1 << subBits // linear buckets per power of two
	minExp     = 9            // 2^9 = 512ns <= 1µs < 2^10
	maxExp     = 41           // 2^41 <= 1h = 3.6e12ns < 2^42
	numBuckets = (maxExp - minExp + 1) * subBuckets

	lowestNs  = uint64(LowestTrackable)
	highestNs = uint64(HighestTrackable)
)

// Histogram is a log-bucketed latency histogram (HdrHistogram-style) covering
// 1µs to 1h with relative error at most 0.78% (1/128): every power of two is
// split into 64 linear buckets, 2,112 buckets in all, held in a fixed array of
// uint64 counts, so a Histogram takes 16,936 bytes whatever it records.
//
// Besides the buckets it keeps the exact count, minimum, maximum and sum of
// the recorded values, so Min, Max, Mean and Count are exact; only
// Quantile is approximate.
//
// The zero value is an empty histogram ready to use. A Histogram is not safe
// for concurrent use: keep one per worker and Merge them at the end, which
// is exact.
type Histogram struct {
	count    uint64
	min      uint64 // ns; meaningful only when count > 0
	max      uint64 // ns, exact even above HighestTrackable
	sum      uint64 // ns, saturating at math.MaxUint64
	overflow uint64
	counts   [numBuckets]uint64
}

// New returns an empty histogram.
func New() *Histogram { return new(Histogram) }

// bucketIndex returns the bucket holding v nanoseconds, clamped to the
// trackable range.
func bucketIndex(v uint64) int {
	v = min(max(v, lowestNs), highestNs)
	e := bits.Len64(v) - 1
	sub := (v >> uint(e-subBits)) & (subBuckets - 1)
	return (e-minExp)*subBuckets + int(sub)
}

// bucketMid returns the midpoint, in nanoseconds, of bucket i.
func bucketMid(i int) uint64 {
	e := uint(i/subBuckets + minExp)
	sub := uint64(i % subBuckets)
	width := uint64(1) << (e - subBits)
	return (subBuckets+sub)<<(e-subBits) + width/2
}

// Record adds one observation of d. A negative d is recorded as 0. Values
// below LowestTrackable go to the lowest bucket and values above
// HighestTrackable to the top bucket (and are counted in Overflow); in both
// cases Count, Min, Max and Mean stay exact. Record does not allocate and
// costs a few nanoseconds.
func (h *Histogram) Record(d time.Duration) {
	v := uint64(max(d, 0))
	h.counts[bucketIndex(v)]++
	if h.count == 0 {
		h.min, h.max = v, v
	} else if v < h.min {
		h.min = v
	} else if v > h.max {
		h.max = v
	}
	h.count++
	if v > highestNs {
		h.overflow++
	}
	s, carry := bits.Add64(h.sum, v, 0)
	h.sum = s | -carry // saturate: all ones on carry
}

// RecordN adds n observations of d, as n calls to Record would. RecordN with
// n == 0 does nothing.
func (h *Histogram) RecordN(d time.Duration, n uint64) {
	if n == 0 {
		return
	}
	v := uint64(max(d, 0))
	if h.count == 0 || v < h.min {
		h.min = v
	}
	if h.count == 0 || v > h.max {
		h.max = v
	}
	if v > highestNs {
		h.overflow += n
	}
	h.counts[bucketIndex(v)] += n
	h.count += n
	hi, lo := bits.Mul64(v, n)
	h.sum = addSat(h.sum, lo, hi)
}

// addSat returns a + (hi<<64 | lo), saturating at math.MaxUint64.
func addSat(a, lo, hi uint64) uint64 {
	s, carry := bits.Add64(a, lo, 0)
	if hi != 0 || carry != 0 {
		return math.MaxUint64
	}
	return s
}

// Merge adds every observation of o to h, exactly: the result equals the
// histogram of all values recorded in either. o is not modified; h.Merge(h)
// doubles h.
func (h *Histogram) Merge(o *Histogram) {
	if o.count == 0 {
		return
	}
	if h.count == 0 || o.min < h.min {
		h.min = o.min
	}
	if h.count == 0 || o.max > h.max {
		h.max = o.max
	}
	for i, c := range &o.counts {
		h.counts[i] += c
	}
	h.count += o.count
	h.overflow += o.overflow
	h.sum = addSat(h.sum, o.sum, 0)
}

// Count returns the number of recorded observations.
func (h *Histogram) Count() uint64 { return h.count }

// Overflow returns how many observations exceeded HighestTrackable.
func (h *Histogram) Overflow() uint64 { return h.overflow }

// Min returns the smallest recorded value, exactly, or 0 when h is empty.
func (h *Histogram) Min() time.Duration { return time.Duration(h.min) }

// Max returns the largest recorded value, exactly, or 0 when h is empty.
func (h *Histogram) Max() time.Duration { return time.Duration(h.max) }

// Mean returns the arithmetic mean of the recorded values, computed from
// their exact sum and truncated to the nanosecond, or 0 when h is empty. If
// the sum exceeded math.MaxUint64 nanoseconds (about 584 years) it
// saturated and Mean is too low.
func (h *Histogram) Mean() time.Duration {
	if h.count == 0 {
		return 0
	}
	return time.Duration(h.sum / h.count)
}

// Quantile returns the q-quantile of the recorded values: an estimate of the
// nearest-rank order statistic, the value of rank ceil(q·Count()) (rank 1 for
// q = 0). The estimate is the midpoint of the bucket holding that
// observation, clamped to [Min(), Max()], so it is within 0.78% of the exact
// order statistic when that lies in [LowestTrackable, HighestTrackable].
// Quantile(0) == Min() and Quantile(1) == Max() exactly. It returns 0 when h
// is empty, and panics if q is not in [0, 1]. It costs one pass over the
// 2,112 buckets.
func (h *Histogram) Quantile(q float64) time.Duration {
	if !(q >= 0 && q <= 1) {
		panic(fmt.Sprintf("results: Histogram.Quantile(%v): q is outside [0, 1]", q))
	}
	if h.count == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(h.count)))
	switch {
	case rank <= 1:
		return h.Min()
	case rank >= h.count:
		return h.Max()
	}
	var seen uint64
	for i, c := range &h.counts {
		seen += c
		if seen >= rank {
			return time.Duration(min(max(bucketMid(i), h.min), h.max))
		}
	}
	return h.Max() // unreachable while count equals the bucket total
}

// Reset empties h, keeping its memory.
func (h *Histogram) Reset() { *h = Histogram{} }

// Equal reports whether h and o hold the same observations: the same
// bucket counts, count, overflow, minimum, maximum and sum.
func (h *Histogram) Equal(o *Histogram) bool { return *h == *o }
