package histogram

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"os"

	"github.com/stratbench/stratbench/internal/atomicfile"
)

// histogramMagic starts every encoded histogram; histogramVersion follows it.
const (
	histogramMagic   = "SBH1"
	histogramVersion = 1
)

// ErrFormat is wrapped by every error that reports a malformed or
// inconsistent histogram or trial file, so callers can tell bad input from
// I/O failure with errors.Is.
var ErrFormat = errors.New("malformed stratbench file")

// MarshalBinary encodes h in the SBH1 format described in FORMAT.md: the
// magic "SBH1", the format version, the bucket parameters, min, max, sum,
// count and overflow, then the non-empty buckets as (index, count) pairs, all
// integers as uvarints. The encoding is deterministic and never fails.
func (h *Histogram) MarshalBinary() ([]byte, error) {
	nonEmpty := 0
	for _, c := range &h.counts {
		if c != 0 {
			nonEmpty++
		}
	}
	b := make([]byte, 0, 4+10*(9+2*nonEmpty))
	b = append(b, histogramMagic...)
	for _, v := range []uint64{
		histogramVersion, lowestNs, highestNs, subBits,
		h.min, h.max, h.sum, h.count, h.overflow, uint64(nonEmpty),
	} {
		b = binary.AppendUvarint(b, v)
	}
	for i, c := range &h.counts {
		if c != 0 {
			b = binary.AppendUvarint(b, uint64(i))
			b = binary.AppendUvarint(b, c)
		}
	}
	return b, nil
}

// UnmarshalBinary replaces h with the histogram encoded in b by
// MarshalBinary. It rejects, with an error wrapping ErrFormat, a wrong magic
// or version, bucket parameters other than this build's, bucket indices out of
// range or not strictly increasing, zero counts, trailing bytes, and
// summaries that contradict the buckets (counts that do not add up to the
// count, a min or max outside its bucket, an impossible sum or overflow). On
// error h is unchanged.
func (h *Histogram) UnmarshalBinary(b []byte) error {
	if len(b) < len(histogramMagic) || string(b[:len(histogramMagic)]) != histogramMagic {
		return fmt.Errorf("histogram: bad magic %q, want %q: %w", b[:min(len(b), 4)], histogramMagic, ErrFormat)
	}
	d := decoder{b: b[len(histogramMagic):]}
	if v := d.uvarint("version"); d.err == nil && v != histogramVersion {
		return fmt.Errorf("histogram: version %d, want %d: %w", v, histogramVersion, ErrFormat)
	}
	for _, p := range []struct {
		name string
		want uint64
	}{{"lowest trackable ns", lowestNs}, {"highest trackable ns", highestNs}, {"sub-bucket bits", subBits}} {
		if v := d.uvarint(p.name); d.err == nil && v != p.want {
			return fmt.Errorf("histogram: %s is %d, want %d: %w", p.name, v, p.want, ErrFormat)
		}
	}
	var n Histogram
	n.min, n.max, n.sum = d.uvarint("min"), d.uvarint("max"), d.uvarint("sum")
	n.count, n.overflow = d.uvarint("count"), d.uvarint("overflow")
	pairs := d.uvarint("bucket pair count")
	if d.err == nil && pairs > numBuckets {
		return fmt.Errorf("histogram: %d bucket pairs, at most %d: %w", pairs, numBuckets, ErrFormat)
	}
	var total uint64
	first, last := -1, -1
	for k := uint64(0); k < pairs && d.err == nil; k++ {
		i, c := d.uvarint("bucket index"), d.uvarint("bucket count")
		if d.err != nil {
			break
		}
		if i >= numBuckets || int(i) <= last {
			return fmt.Errorf("histogram: bucket index %d out of order or range [0, %d): %w", i, numBuckets, ErrFormat)
		}
		if c == 0 {
			return fmt.Errorf("histogram: bucket %d has count 0: %w", i, ErrFormat)
		}
		var carry uint64
		if total, carry = bits.Add64(total, c, 0); carry != 0 {
			return fmt.Errorf("histogram: bucket counts overflow uint64: %w", ErrFormat)
		}
		if first < 0 {
			first = int(i)
		}
		last = int(i)
		n.counts[i] = c
	}
	if d.err != nil {
		return fmt.Errorf("histogram: %w", d.err)
	}
	if len(d.b) != 0 {
		return fmt.Errorf("histogram: %d trailing bytes: %w", len(d.b), ErrFormat)
	}
	if err := n.check(total, first, last); err != nil {
		return fmt.Errorf("histogram: %w: %w", err, ErrFormat)
	}
	*h = n
	return nil
}

// check verifies that the summary fields agree with the bucket counts, whose
// total and first and last non-empty indices are given.
func (h *Histogram) check(total uint64, first, last int) error {
	if total != h.count {
		return fmt.Errorf("bucket counts add up to %d, count is %d", total, h.count)
	}
	if h.count == 0 {
		if h.min|h.max|h.sum|h.overflow != 0 {
			return fmt.Errorf("empty but min %d, max %d, sum %d, overflow %d", h.min, h.max, h.sum, h.overflow)
		}
		return nil
	}
	switch {
	case h.max > math.MaxInt64:
		// Values come from time.Duration, so none exceeds MaxInt64.
		return fmt.Errorf("max %d exceeds the largest duration", h.max)
	case h.min > h.max:
		return fmt.Errorf("min %d exceeds max %d", h.min, h.max)
	case bucketIndex(h.min) != first:
		return fmt.Errorf("min %d is not in the first non-empty bucket %d", h.min, first)
	case bucketIndex(h.max) != last:
		return fmt.Errorf("max %d is not in the last non-empty bucket %d", h.max, last)
	case h.count == 1 && h.min != h.max:
		return fmt.Errorf("one value but min %d differs from max %d", h.min, h.max)
	case h.overflow > h.counts[bucketIndex(highestNs)]:
		return fmt.Errorf("overflow %d exceeds the top bucket's count %d", h.overflow, h.counts[bucketIndex(highestNs)])
	case (h.overflow > 0) != (h.max > highestNs):
		return fmt.Errorf("overflow %d disagrees with max %d", h.overflow, h.max)
	case h.overflow == h.count && h.min <= highestNs:
		return fmt.Errorf("every value overflowed but min %d is trackable", h.min)
	}
	// The exact sum lies between min·count and max·count; a saturated sum
	// is math.MaxUint64.
	if lo := mulSat(h.min, h.count); h.sum < lo {
		return fmt.Errorf("sum %d below min·count %d", h.sum, lo)
	}
	if hi := mulSat(h.max, h.count); h.sum > hi {
		return fmt.Errorf("sum %d above max·count %d", h.sum, hi)
	}
	return nil
}

// mulSat returns a·b, saturating at math.MaxUint64.
func mulSat(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	if hi != 0 {
		return math.MaxUint64
	}
	return lo
}

// decoder reads uvarints from b, remembering the first error.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uvarint(what string) uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = fmt.Errorf("truncated or oversized uvarint for %s: %w", what, ErrFormat)
		return 0
	}
	d.b = d.b[n:]
	return v
}

// WriteFile writes h to path in the SBH1 format, atomically: the
// bytes go to a temporary file in the same directory, which is synced and
// then renamed over path, so readers see the old file or the new one, never
// part of one.
func WriteFile(path string, h *Histogram) error {
	b, err := h.MarshalBinary()
	if err != nil {
		return fmt.Errorf("encode histogram for %s: %w", path, err)
	}
	return atomicfile.WriteFile(path, b)
}

// ReadFile reads a histogram written by WriteFile. Errors
// name the file; a malformed file's error wraps ErrFormat.
func ReadFile(path string) (*Histogram, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read histogram: %w", err)
	}
	h := new(Histogram)
	if err := h.UnmarshalBinary(b); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return h, nil
}
