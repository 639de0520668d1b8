package histogram_test

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stratbench/stratbench/internal/golden"
	"github.com/stratbench/stratbench/results/histogram"
)

// sampleHistograms are the histograms the codec tests round-trip.
func sampleHistograms() map[string]*histogram.Histogram {
	overflow := histogramOf([]time.Duration{time.Millisecond, 2 * time.Hour})
	tiny := histogramOf([]time.Duration{0, 1, 999})
	saturated := histogram.New()
	saturated.RecordN(2*time.Hour, 1<<40) // the sum of 2^40 two-hour values exceeds 2^64 ns
	saturated.Record(time.Hour)
	return map[string]*histogram.Histogram{
		"empty":     histogram.New(),
		"one":       histogramOf([]time.Duration{1500 * time.Microsecond}),
		"random":    histogramOf(logUniform(3, 5_000, time.Microsecond, 10*time.Second)),
		"overflow":  overflow,
		"tiny":      tiny,
		"saturated": saturated,
	}
}

func TestHistogramMarshalRoundTrip(t *testing.T) {
	for name, h := range sampleHistograms() {
		t.Run(name, func(t *testing.T) {
			b, err := h.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			got := histogramOf([]time.Duration{time.Second}) // must be replaced, not merged into
			if err := got.UnmarshalBinary(b); err != nil {
				t.Fatalf("UnmarshalBinary: %v", err)
			}
			if !got.Equal(h) {
				t.Error("round-tripped histogram differs")
			}
		})
	}
}

func TestHistogramMarshalGolden(t *testing.T) {
	h := histogramOf([]time.Duration{500, time.Microsecond, 1500 * time.Microsecond, 1500 * time.Microsecond, 2 * time.Hour})
	b, err := h.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "histogram.golden.sbh", b)
}

// uvarints builds an SBH1 body from the given fields.
func uvarints(vs ...uint64) []byte {
	b := []byte("SBH1")
	for _, v := range vs {
		b = binary.AppendUvarint(b, v)
	}
	return b
}

func TestHistogramUnmarshalRejects(t *testing.T) {
	const lo, hi, sub = 1000, 3_600_000_000_000, 6
	good := histogramOf([]time.Duration{1500 * time.Microsecond, 2 * time.Millisecond})
	goodBytes, _ := good.MarshalBinary()
	// bucket index of 1000ns is 61 in this build; of 1500µs (1.5e6 ns, e=20) is 11*64+27=731.
	tests := []struct {
		name string
		in   []byte
	}{
		{"empty input", nil},
		{"bad magic", append([]byte("SBH2"), goodBytes[4:]...)},
		{"version 2", uvarints(2, lo, hi, sub, 0, 0, 0, 0, 0, 0)},
		{"lowest mismatch", uvarints(1, 1, hi, sub, 0, 0, 0, 0, 0, 0)},
		{"highest mismatch", uvarints(1, lo, 1<<40, sub, 0, 0, 0, 0, 0, 0)},
		{"sub-bucket mismatch", uvarints(1, lo, hi, 7, 0, 0, 0, 0, 0, 0)},
		{"trailing garbage", append(goodBytes[:len(goodBytes):len(goodBytes)], 0)},
		{"truncated", goodBytes[:len(goodBytes)-1]},
		{"counts do not add up", uvarints(1, lo, hi, sub, 1000, 1000, 2000, 3, 0, 1, 61, 2)},
		{"empty with a min", uvarints(1, lo, hi, sub, 5, 0, 0, 0, 0, 0)},
		{"zero bucket count", uvarints(1, lo, hi, sub, 1000, 1000, 1000, 0, 0, 1, 61, 0)},
		{"index out of range", uvarints(1, lo, hi, sub, 1000, 1000, 1000, 1, 0, 1, 1<<20, 1)},
		{"indices not increasing", uvarints(1, lo, hi, sub, 1000, 1_500_000, 1_501_000, 2, 0, 2, 731, 1, 61, 1)},
		{"too many pairs", uvarints(1, lo, hi, sub, 0, 0, 0, 0, 0, 1<<40)},
		{"min outside first bucket", uvarints(1, lo, hi, sub, 1_500_000, 1_500_000, 1_500_000, 1, 0, 1, 61, 1)},
		{"min above max", uvarints(1, lo, hi, sub, 1_500_000, 1000, 1_501_000, 2, 0, 2, 61, 1, 731, 1)},
		{"one value, min != max", uvarints(1, lo, hi, sub, 1000, 1001, 1000, 1, 0, 1, 61, 1)},
		{"sum too small", uvarints(1, lo, hi, sub, 1000, 1_500_000, 10, 2, 0, 2, 61, 1, 731, 1)},
		{"sum too large", uvarints(1, lo, hi, sub, 1000, 1_500_000, 1<<40, 2, 0, 2, 61, 1, 731, 1)},
		{"overflow without large max", uvarints(1, lo, hi, sub, 1000, 1_500_000, 1_501_000, 2, 1, 2, 61, 1, 731, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := histogramOf([]time.Duration{time.Second})
			before := histogramOf([]time.Duration{time.Second})
			err := h.UnmarshalBinary(tt.in)
			if !errors.Is(err, histogram.ErrFormat) {
				t.Fatalf("UnmarshalBinary(%x) = %v, want an error wrapping ErrFormat", tt.in, err)
			}
			if !h.Equal(before) {
				t.Error("failed UnmarshalBinary modified the histogram")
			}
		})
	}
}

func TestHistogramFileRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "h.sbh")
	h := histogramOf(logUniform(9, 1000, time.Microsecond, time.Second))
	for range 2 { // the second write replaces the first
		if err := histogram.WriteFile(path, h); err != nil {
			t.Fatal(err)
		}
	}
	got, err := histogram.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equal(h) {
		t.Error("histogram read back differs from the one written")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries after atomic writes, want 1", len(entries))
	}
	if err := os.WriteFile(path, []byte("SBH1junk"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := histogram.ReadFile(path); !errors.Is(err, histogram.ErrFormat) {
		t.Errorf("ReadFile of a corrupt file = %v, want ErrFormat", err)
	}
	if _, err := histogram.ReadFile(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ReadFile of a missing file = %v, want os.ErrNotExist", err)
	}
	if err := histogram.WriteFile(filepath.Join(dir, "no", "such", "dir"), h); err == nil {
		t.Error("WriteFile into a missing directory succeeded")
	}
}

func FuzzUnmarshalHistogram(f *testing.F) {
	for _, h := range sampleHistograms() {
		b, _ := h.MarshalBinary()
		f.Add(b)
	}
	f.Add([]byte("SBH1"))
	f.Add([]byte{})
	f.Add(uvarints(1, 1000, 3_600_000_000_000, 6, 1000, 1000, 1000, 1, 0, 1, 61, 1))
	f.Fuzz(func(t *testing.T, b []byte) {
		var h histogram.Histogram
		if err := h.UnmarshalBinary(b); err != nil {
			if !errors.Is(err, histogram.ErrFormat) {
				t.Fatalf("error %v does not wrap ErrFormat", err)
			}
			return
		}
		again, err := h.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var h2 histogram.Histogram
		if err := h2.UnmarshalBinary(again); err != nil {
			t.Fatalf("re-marshaled histogram rejected: %v", err)
		}
		if !h2.Equal(&h) {
			t.Fatal("re-marshaled histogram differs")
		}
		// Queries on any accepted histogram must not panic and stay in range.
		if q := h.Quantile(0.99); h.Count() > 0 && (q < h.Min() || q > h.Max()) {
			t.Fatalf("Quantile(0.99) = %v outside [%v, %v]", q, h.Min(), h.Max())
		}
		_ = h.Mean()
	})
}
