package capacity_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stratbench/stratbench/client/capacity"
)

// probeTime is how long one fake probe takes, on synctest's clock.
const probeTime = 1200 * time.Millisecond

// queueFake is a server of exact capacity: below or at capacity every
// request takes base; above it the backlog grows for the probe's length,
// so the latency at the end is base + (rate−capacity)/capacity × probeTime,
// and the p99 is nearly that. Each probe sleeps probeTime. With base equal
// to the objective's bound (50 ms) every rate above capacity fails.
type queueFake struct {
	capacity float64
	base     time.Duration
	calls    int
	// failAt, if > 0, makes the probes numbered failAt fail whatever the
	// rate (a noisy trial).
	failAt int
	// limitAbove, if > 0, marks probes above it client limited.
	limitAbove float64
}

func (f *queueFake) Probe(ctx context.Context, rate float64) (capacity.Probe, error) {
	f.calls++
	select {
	case <-time.After(probeTime):
	case <-ctx.Done():
		return capacity.Probe{}, ctx.Err()
	}
	lat := f.base
	if rate > f.capacity {
		lat += time.Duration((rate - f.capacity) / f.capacity * float64(probeTime))
	}
	if f.calls == f.failAt {
		lat = time.Hour
	}
	p := capacity.Probe{Requests: uint64(rate), Achieved: min(rate, f.capacity), P50: f.base, P99: lat, Max: lat, Objective: lat}
	if f.limitAbove > 0 && rate > f.limitAbove {
		p.ClientLimit = "client saturated"
	}
	return p, nil
}

func objective(t *testing.T) capacity.Objective {
	t.Helper()
	o, err := capacity.ParseSLO("p99=50ms")
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// TestSearchExactCapacity checks, for capacities across four decades and
// several start rates, that the search lands in [C ÷ (1+precision), C]
// (never above: every rate above C fails on the fake), that the answer
// passed at least Trials probes, that no probe above the answer passed,
// that the probes stay within MaxProbesPlanned, and that the search took
// exactly one probe time per probe.
func TestSearchExactCapacity(t *testing.T) {
	for _, c := range []float64{3, 47, 200, 999, 12_345} {
		for _, start := range []float64{1, 10, 150} {
			t.Run(fmt.Sprintf("C=%g/start=%g", c, start), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					f := &queueFake{capacity: c, base: 50 * time.Millisecond}
					s := capacity.Search{Start: start, Precision: 0.05}
					t0 := time.Now()
					res, err := s.Run(t.Context(), f, objective(t))
					if err != nil {
						t.Fatalf("Run: %v", err)
					}
					if took, want := time.Since(t0), time.Duration(len(res.Probes))*probeTime; took != want {
						t.Errorf("search took %v, want %d probes × %v = %v", took, len(res.Probes), probeTime, want)
					}
					if res.Capacity > c || res.Capacity < c/1.05 {
						t.Errorf("capacity %v outside [%v, %v]", res.Capacity, c/1.05, c)
					}
					checkTrace(t, res, 3)
					planned, err := s.MaxProbesPlanned()
					if err != nil {
						t.Fatal(err)
					}
					if len(res.Probes) > planned {
						t.Errorf("%d probes, more than the %d planned", len(res.Probes), planned)
					}
				})
			})
		}
	}
}

// checkTrace checks the invariants of a successful search's trace.
func checkTrace(t *testing.T, res capacity.Result, trials int) {
	t.Helper()
	passes := 0
	for i, p := range res.Probes {
		if p.Step != i+1 {
			t.Errorf("probe %d has step %d", i+1, p.Step)
		}
		if p.Rate == res.Capacity {
			if p.Verdict != capacity.Pass {
				t.Errorf("probe %d at the answer %v: %v", p.Step, p.Rate, p.Verdict)
			}
			passes++
		}
		if p.Rate > res.Capacity && p.Verdict == capacity.Pass {
			failedToo := false
			for _, q := range res.Probes {
				failedToo = failedToo || q.Rate == p.Rate && q.Verdict == capacity.Fail
			}
			if !failedToo {
				t.Errorf("probe %d passed at %v, above the answer %v, and never failed there", p.Step, p.Rate, res.Capacity)
			}
		}
	}
	if passes < trials {
		t.Errorf("%d passing trials at the answer, want at least %d", passes, trials)
	}
}

func TestSearchFailedConfirmationLowersTheAnswer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clean := &queueFake{capacity: 200, base: 50 * time.Millisecond}
		res0, err := capacity.Search{Start: 10}.Run(t.Context(), clean, objective(t))
		if err != nil {
			t.Fatal(err)
		}
		// Fail the first confirmation of the clean search's answer.
		firstConfirm := 0
		for _, p := range res0.Probes {
			if p.Phase == capacity.Confirm {
				firstConfirm = p.Step
				break
			}
		}
		if firstConfirm == 0 {
			t.Fatal("the clean search made no confirmation probe")
		}
		f := &queueFake{capacity: 200, base: 50 * time.Millisecond, failAt: firstConfirm}
		res, err := capacity.Search{Start: 10}.Run(t.Context(), f, objective(t))
		if err != nil {
			t.Fatal(err)
		}
		if res.Capacity >= res0.Capacity {
			t.Errorf("capacity %v after a failed confirmation, want below %v", res.Capacity, res0.Capacity)
		}
		if res.Probes[firstConfirm-1].Verdict != capacity.Fail {
			t.Errorf("probe %d: %v, want fail", firstConfirm, res.Probes[firstConfirm-1].Verdict)
		}
		checkTrace(t, res, 3)
	})
}

func TestSearchStops(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    *queueFake
		s    capacity.Search
		want error
	}{
		{"start fails, shrinks to capacity", &queueFake{capacity: 3, base: time.Millisecond}, capacity.Search{Start: 100}, nil},
		{"nothing passes", &queueFake{capacity: 100, base: time.Second}, capacity.Search{Start: 100}, capacity.ErrNoPassingRate},
		{"passes at max rate", &queueFake{capacity: 1e9, base: time.Millisecond}, capacity.Search{Start: 100, MaxRate: 1000}, capacity.ErrAboveMaxRate},
		{"client limited", &queueFake{capacity: 500, base: time.Millisecond, limitAbove: 300}, capacity.Search{Start: 100}, capacity.ErrClientLimited},
		{"probe limit", &queueFake{capacity: 500, base: time.Millisecond}, capacity.Search{Start: 1, MaxProbes: 4}, capacity.ErrProbeLimit},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				res, err := tc.s.Run(t.Context(), tc.f, objective(t))
				if !errors.Is(err, tc.want) {
					t.Fatalf("Run: %v, want %v", err, tc.want)
				}
				if len(res.Probes) != tc.f.calls {
					t.Errorf("%d probes in the trace, %d made", len(res.Probes), tc.f.calls)
				}
				if tc.want != nil && res.Capacity != 0 {
					t.Errorf("capacity %v reported with error %v", res.Capacity, err)
				}
				if tc.want == nil && (res.Capacity > tc.f.capacity || res.Capacity < tc.f.capacity/1.05) {
					t.Errorf("capacity %v, want within 5%% below %v", res.Capacity, tc.f.capacity)
				}
			})
		})
	}
}

func TestSearchCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 3*probeTime+probeTime/2)
		defer cancel()
		f := &queueFake{capacity: 1000, base: time.Millisecond}
		res, err := capacity.Search{Start: 1}.Run(ctx, f, objective(t))
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Run: %v, want DeadlineExceeded", err)
		}
		if len(res.Probes) != 3 || res.Capacity != 0 {
			t.Errorf("%d probes, capacity %v; want 3 probes and none", len(res.Probes), res.Capacity)
		}
	})
}

func TestSearchValidates(t *testing.T) {
	o := objective(t)
	for _, tc := range []struct {
		s    capacity.Search
		o    capacity.Objective
		want string
	}{
		{capacity.Search{Start: -1}, o, "start rate"},
		{capacity.Search{Growth: 1.01}, o, "growth"},
		{capacity.Search{Precision: 2}, o, "precision"},
		{capacity.Search{Trials: 101}, o, "trials"},
		{capacity.Search{Start: 10, MaxRate: 5}, o, "max rate"},
		{capacity.Search{}, capacity.Objective{Quantile: 0.99}, "bound"},
		{capacity.Search{}, capacity.Objective{Quantile: 0.9999, Bound: time.Second}, "quantile"},
	} {
		_, err := tc.s.Run(t.Context(), capacity.ProberFunc(func(context.Context, float64) (capacity.Probe, error) {
			t.Fatal("probed despite invalid settings")
			return capacity.Probe{}, nil
		}), tc.o)
		if err == nil || !contains(err.Error(), tc.want) {
			t.Errorf("%+v %+v: error %v, want one naming %q", tc.s, tc.o, err, tc.want)
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
