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

func sampleTrial() *histogram.Trial {
	return &histogram.Trial{
		Latency:     histogramOf([]time.Duration{time.Millisecond, 2 * time.Millisecond}),
		Uncorrected: histogramOf([]time.Duration{time.Millisecond}),
		Errors:      histogram.New(),
		Server:      histogramOf([]time.Duration{500 * time.Microsecond}),
		// Queue not recorded.
	}
}

// sameHistogram reports whether a and b are both nil or Equal.
func sameHistogram(a, b *histogram.Histogram) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(b)
}

func sameTrial(a, b *histogram.Trial) bool {
	return sameHistogram(a.Latency, b.Latency) && sameHistogram(a.Uncorrected, b.Uncorrected) &&
		sameHistogram(a.Errors, b.Errors) && sameHistogram(a.Server, b.Server) && sameHistogram(a.Queue, b.Queue)
}

func TestTrialFileRoundTrip(t *testing.T) {
	tests := map[string]*histogram.Trial{
		"partial": sampleTrial(),
		"none":    {},
		"all": {
			Latency: histogram.New(), Uncorrected: histogram.New(), Errors: histogram.New(),
			Server: histogram.New(), Queue: histogramOf([]time.Duration{3 * time.Hour}),
		},
	}
	dir := t.TempDir()
	for name, want := range tests {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name+".sbt")
			if err := histogram.WriteTrialFile(path, want); err != nil {
				t.Fatal(err)
			}
			got, err := histogram.ReadTrialFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !sameTrial(got, want) {
				t.Errorf("read back %+v, want %+v", got, want)
			}
		})
	}
}

func TestTrialFileGolden(t *testing.T) {
	b, err := sampleTrial().MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "trial.golden.sbt", b)
}

// trialBytes builds an SBT1 file from (name, histogram bytes) pairs.
func trialBytes(entries ...string) []byte {
	b := binary.AppendUvarint([]byte("SBT1"), uint64(len(entries)/2))
	for _, s := range entries {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

func TestTrialFileRejects(t *testing.T) {
	empty, _ := histogram.New().MarshalBinary()
	good := trialBytes("latency", string(empty))
	tests := []struct {
		name string
		in   []byte
	}{
		{"bad magic", append([]byte("SBT2"), good[4:]...)},
		{"unknown name", trialBytes("latencies", string(empty))},
		{"repeated name", trialBytes("latency", string(empty), "latency", string(empty))},
		{"bad histogram", trialBytes("latency", "SBH1")},
		{"too many entries", binary.AppendUvarint([]byte("SBT1"), 6)},
		{"length past end", append(binary.AppendUvarint([]byte("SBT1"), 1), 200, 1)},
		{"trailing bytes", append(good[:len(good):len(good)], 0)},
		{"truncated", good[:len(good)-1]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sampleTrial()
			if err := got.UnmarshalBinary(tt.in); !errors.Is(err, histogram.ErrFormat) {
				t.Fatalf("UnmarshalBinary = %v, want an error wrapping ErrFormat", err)
			}
			if !sameTrial(got, sampleTrial()) {
				t.Error("failed UnmarshalBinary modified the value")
			}
		})
	}
	path := filepath.Join(t.TempDir(), "bad.sbt")
	if err := os.WriteFile(path, good[:5], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := histogram.ReadTrialFile(path); !errors.Is(err, histogram.ErrFormat) {
		t.Errorf("ReadTrialFile of a corrupt file = %v, want ErrFormat", err)
	}
}

func TestTrialMerge(t *testing.T) {
	a, b := sampleTrial(), sampleTrial()
	b.Queue = histogramOf([]time.Duration{time.Microsecond})
	a.Merge(b)
	want := &histogram.Trial{
		Latency:     histogramOf([]time.Duration{time.Millisecond, 2 * time.Millisecond, time.Millisecond, 2 * time.Millisecond}),
		Uncorrected: histogramOf([]time.Duration{time.Millisecond, time.Millisecond}),
		Errors:      histogram.New(),
		Server:      histogramOf([]time.Duration{500 * time.Microsecond, 500 * time.Microsecond}),
		Queue:       histogramOf([]time.Duration{time.Microsecond}),
	}
	if !sameTrial(a, want) {
		t.Error("merged trial histograms differ from the histograms of all values")
	}
	if a.Queue == b.Queue {
		t.Error("Merge aliased o's histogram instead of copying it")
	}
}

func FuzzReadTrialFile(f *testing.F) {
	for _, tr := range []*histogram.Trial{sampleTrial(), {}} {
		b, _ := tr.MarshalBinary()
		f.Add(b)
	}
	f.Add([]byte("SBT1"))
	// ReadTrialFile is os.ReadFile plus UnmarshalBinary; fuzz the decoding
	// in memory, where it runs thousands of times faster.
	f.Fuzz(func(t *testing.T, b []byte) {
		var tr histogram.Trial
		if err := tr.UnmarshalBinary(b); err != nil {
			if !errors.Is(err, histogram.ErrFormat) {
				t.Fatalf("error %v does not wrap ErrFormat", err)
			}
			return
		}
		again, err := tr.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var tr2 histogram.Trial
		if err := tr2.UnmarshalBinary(again); err != nil {
			t.Fatalf("re-marshaled trial file rejected: %v", err)
		}
		if !sameTrial(&tr2, &tr) {
			t.Fatal("re-marshaled trial file differs")
		}
	})
}
