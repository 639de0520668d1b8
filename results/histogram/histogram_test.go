package histogram_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
	"unsafe"

	"github.com/stratbench/stratbench/results/histogram"
)

// logUniform returns n durations spread log-uniformly over [lo, hi).
func logUniform(seed uint64, n int, lo, hi time.Duration) []time.Duration {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	a, b := math.Log(float64(lo)), math.Log(float64(hi))
	xs := make([]time.Duration, n)
	for i := range xs {
		xs[i] = time.Duration(math.Exp(a + r.Float64()*(b-a)))
	}
	return xs
}

func histogramOf(xs []time.Duration) *histogram.Histogram {
	h := histogram.New()
	for _, x := range xs {
		h.Record(x)
	}
	return h
}

// exactQuantile is the nearest-rank order statistic Quantile documents.
func exactQuantile(sorted []time.Duration, q float64) time.Duration {
	rank := int(math.Ceil(q * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

func TestHistogramQuantileWithinOnePercent(t *testing.T) {
	qs := []float64{0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 0.9999, 1}
	for _, seed := range []uint64{1, 2, 3, 42, 2024} {
		xs := logUniform(seed, 50_000, time.Microsecond, 10*time.Second)
		h := histogramOf(xs)
		sorted := slices.Sorted(slices.Values(xs))
		var sum time.Duration
		for _, x := range xs {
			sum += x
		}
		if h.Count() != uint64(len(xs)) || h.Min() != sorted[0] || h.Max() != sorted[len(sorted)-1] {
			t.Fatalf("seed %d: count, min, max = %d, %v, %v; want %d, %v, %v",
				seed, h.Count(), h.Min(), h.Max(), len(xs), sorted[0], sorted[len(sorted)-1])
		}
		if want := sum / time.Duration(len(xs)); h.Mean() != want {
			t.Errorf("seed %d: Mean() = %v, want exactly %v", seed, h.Mean(), want)
		}
		for _, q := range qs {
			got, want := h.Quantile(q), exactQuantile(sorted, q)
			if rel := math.Abs(float64(got-want)) / float64(want); rel > 0.0079 {
				t.Errorf("seed %d: Quantile(%v) = %v, exact %v, relative error %.4f%% > 0.79%%", seed, q, got, want, 100*rel)
			}
		}
		if h.Quantile(1) != h.Max() || h.Quantile(0) != h.Min() {
			t.Errorf("seed %d: Quantile(0), Quantile(1) = %v, %v; want Min %v, Max %v", seed, h.Quantile(0), h.Quantile(1), h.Min(), h.Max())
		}
	}
}

func TestHistogramMergeEqualsWhole(t *testing.T) {
	xs := logUniform(7, 20_000, 100*time.Nanosecond, 2*time.Hour)
	whole := histogramOf(xs)
	merged := histogram.New()
	merged.Merge(histogram.New()) // merging an empty histogram is a no-op
	for part := range slices.Chunk(xs, 3_000) {
		merged.Merge(histogramOf(part))
	}
	if !merged.Equal(whole) {
		t.Fatalf("merge of parts differs from whole: count %d vs %d, min %v vs %v, max %v vs %v",
			merged.Count(), whole.Count(), merged.Min(), whole.Min(), merged.Max(), whole.Max())
	}
	doubled := histogramOf(xs)
	doubled.Merge(doubled)
	twice := histogramOf(append(slices.Clone(xs), xs...))
	if !doubled.Equal(twice) {
		t.Error("h.Merge(h) differs from recording every value twice")
	}
}

func TestHistogramRecordEdges(t *testing.T) {
	// Values above 1h all read as the midpoint of the top bucket, about 1h.
	const topBucketMid = time.Duration(3_590_592_659_456)
	tests := []struct {
		name                string
		in                  []time.Duration
		wantMin, wantMax    time.Duration
		wantMean, wantP50   time.Duration
		wantOverflow, wantN uint64
	}{
		{"empty", nil, 0, 0, 0, 0, 0, 0},
		{"one value", []time.Duration{3 * time.Millisecond}, 3 * time.Millisecond, 3 * time.Millisecond, 3 * time.Millisecond, 3 * time.Millisecond, 0, 1},
		{"below 1µs exact summary", []time.Duration{10, 20, 30}, 10, 30, 20, 30, 0, 3},
		{"negative is zero", []time.Duration{-5, 5}, 0, 5, 2, 0, 0, 2},
		{"exactly 1h is not overflow", []time.Duration{time.Hour}, time.Hour, time.Hour, time.Hour, time.Hour, 0, 1},
		{"above 1h overflows", []time.Duration{time.Millisecond, 3 * time.Hour, 5 * time.Hour}, time.Millisecond, 5 * time.Hour, 8*time.Hour/3 + 333333, topBucketMid, 2, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := histogramOf(tt.in)
			if h.Count() != tt.wantN || h.Overflow() != tt.wantOverflow {
				t.Errorf("Count, Overflow = %d, %d; want %d, %d", h.Count(), h.Overflow(), tt.wantN, tt.wantOverflow)
			}
			if h.Min() != tt.wantMin || h.Max() != tt.wantMax || h.Mean() != tt.wantMean {
				t.Errorf("Min, Max, Mean = %v, %v, %v; want %v, %v, %v", h.Min(), h.Max(), h.Mean(), tt.wantMin, tt.wantMax, tt.wantMean)
			}
			if got := h.Quantile(0.5); got != tt.wantP50 {
				t.Errorf("Quantile(0.5) = %v, want %v", got, tt.wantP50)
			}
			h.Reset()
			if !h.Equal(histogram.New()) {
				t.Error("Reset histogram is not equal to a new one")
			}
		})
	}
}

func TestHistogramRecordNEqualsRepeatedRecord(t *testing.T) {
	a, b := histogram.New(), histogram.New()
	for i, d := range []time.Duration{0, 999, time.Microsecond, 17 * time.Millisecond, 2 * time.Hour} {
		n := uint64(i * 3)
		a.RecordN(d, n)
		for range n {
			b.Record(d)
		}
	}
	if !a.Equal(b) {
		t.Error("RecordN(d, n) differs from n calls to Record(d)")
	}
}

func TestHistogramQuantilePanicsOutsideUnitInterval(t *testing.T) {
	for _, q := range []float64{-0.1, 1.0001, math.NaN(), math.Inf(1)} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Quantile(%v) did not panic", q)
				}
			}()
			histogram.New().Quantile(q)
		}()
	}
}

func TestHistogramRecordDoesNotAllocate(t *testing.T) {
	h := histogram.New()
	if n := testing.AllocsPerRun(1000, func() { h.Record(1234 * time.Microsecond) }); n != 0 {
		t.Errorf("Record allocates %v times per call, want 0", n)
	}
}

func BenchmarkRecord(b *testing.B) {
	xs := logUniform(1, 1024, time.Microsecond, 10*time.Second)
	h := histogram.New()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		h.Record(xs[i&1023])
		i++
	}
}

func BenchmarkQuantile(b *testing.B) {
	h := histogramOf(logUniform(1, 100_000, time.Microsecond, 10*time.Second))
	b.ReportAllocs()
	for b.Loop() {
		h.Quantile(0.99)
	}
}

func TestHistogramSumSaturates(t *testing.T) {
	h := histogram.New()
	h.RecordN(2*time.Hour, 1<<40)
	h.Record(time.Hour)
	if got := h.Mean(); got != time.Duration(math.MaxUint64/(1<<40+1)) {
		t.Errorf("Mean() after saturation = %v, want MaxUint64 ns / count", got)
	}
}

// TestHistogramSize keeps the size stated in Histogram's doc comment honest.
func TestHistogramSize(t *testing.T) {
	if got := unsafe.Sizeof(histogram.Histogram{}); got != 16_936 {
		t.Errorf("a Histogram is %d bytes; the doc comment says 16,936", got)
	}
}
