package profiles_test

import (
	"bytes"
	"math"
	"testing"

	"github.com/google/pprof/profile"

	"github.com/stratbench/stratbench/results/profiles"
)

// cpuProfile builds a CPU profile with known stacks, leaf first:
//
//	60 ms  sha256.block ← workload.cpu ← strategies.worker ← runtime.goexit
//	30 ms  workload.cpu ← strategies.worker ← runtime.goexit
//	10 ms  runtime.mallocgc ← strategies.spawn ← runtime.goexit
func cpuProfile(t testing.TB) []byte {
	fns := map[string]*profile.Function{}
	var locs []*profile.Location
	loc := func(name string) *profile.Location {
		f, ok := fns[name]
		if !ok {
			f = &profile.Function{ID: uint64(len(fns) + 1), Name: name}
			fns[name] = f
		}
		l := &profile.Location{ID: uint64(len(locs) + 1), Line: []profile.Line{{Function: f}}}
		locs = append(locs, l)
		return l
	}
	p := &profile.Profile{
		SampleType: []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}},
		PeriodType: &profile.ValueType{Type: "cpu", Unit: "nanoseconds"},
		Period:     10_000_000,
	}
	add := func(ms int64, stack ...string) {
		s := &profile.Sample{Value: []int64{ms / 10, ms * 1e6}}
		for _, name := range stack {
			s.Location = append(s.Location, loc(name))
		}
		p.Sample = append(p.Sample, s)
	}
	add(60, "crypto/sha256.block", "workload.cpu", "strategies.worker", "runtime.goexit")
	add(30, "workload.cpu", "strategies.worker", "runtime.goexit")
	add(10, "runtime.mallocgc", "strategies.spawn", "runtime.goexit")
	for _, f := range fns {
		p.Function = append(p.Function, f)
	}
	p.Location = locs
	var buf bytes.Buffer
	if err := p.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSummarize(t *testing.T) {
	s, err := profiles.Summarize(bytes.NewReader(cpuProfile(t)), 3)
	if err != nil {
		t.Fatal(err)
	}
	if s.SampleType != "cpu" || s.Unit != "nanoseconds" || s.Total != 100e6 {
		t.Errorf("summing %s in %s, total %d; want cpu in nanoseconds, 100e6", s.SampleType, s.Unit, s.Total)
	}
	wantFlat := []profiles.Func{
		{Name: "crypto/sha256.block", Flat: 0.6, Cum: 0.6},
		{Name: "workload.cpu", Flat: 0.3, Cum: 0.9},
		{Name: "runtime.mallocgc", Flat: 0.1, Cum: 0.1},
	}
	wantCum := []profiles.Func{
		{Name: "strategies.worker", Flat: 0, Cum: 0.9},
		{Name: "workload.cpu", Flat: 0.3, Cum: 0.9},
		{Name: "crypto/sha256.block", Flat: 0.6, Cum: 0.6},
	}
	check := func(what string, got, want []profiles.Func) {
		if len(got) != len(want) {
			t.Fatalf("%s: %+v, want %+v", what, got, want)
		}
		for i := range want {
			if got[i].Name != want[i].Name || math.Abs(got[i].Flat-want[i].Flat) > 1e-12 || math.Abs(got[i].Cum-want[i].Cum) > 1e-12 {
				t.Errorf("%s[%d] = %+v, want %+v", what, i, got[i], want[i])
			}
		}
	}
	check("ByFlat", s.ByFlat, wantFlat)
	check("ByCum", s.ByCum, wantCum)
}

func TestSummarizeRejects(t *testing.T) {
	for name, b := range map[string][]byte{
		"empty":   nil,
		"garbage": []byte("not a profile"),
		"too big": make([]byte, profiles.MaxBytes+1),
	} {
		if _, err := profiles.Summarize(bytes.NewReader(b), 5); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestFileName(t *testing.T) {
	if got := profiles.FileName("pool-cpu-p4-c8", 2, "cpu"); got != "pool-cpu-p4-c8-t2.cpu.pb.gz" {
		t.Errorf("FileName = %q", got)
	}
}

func FuzzSummarize(f *testing.F) {
	f.Add(cpuProfile(f))
	f.Add([]byte{0x1f, 0x8b})
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := profiles.Summarize(bytes.NewReader(b), 5)
		if err != nil {
			return
		}
		if len(s.ByFlat) > 5 || len(s.ByCum) > 5 {
			t.Errorf("more than 5 functions: %d, %d", len(s.ByFlat), len(s.ByCum))
		}
		for _, fn := range append(s.ByFlat, s.ByCum...) {
			if math.IsNaN(fn.Flat) || math.IsNaN(fn.Cum) {
				t.Errorf("%s: NaN share", fn.Name)
			}
		}
	})
}
