package serverstats_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/stratbench/stratbench/results/serverstats"
)

// us is a bucket bound in seconds from microseconds.
func us(v float64) float64 { return v / 1e6 }

func TestDelta(t *testing.T) {
	nan := math.NaN()
	inf := math.Inf(1)
	base := serverstats.Snapshot{
		ProcessCPU: 10 * time.Second, BusyCPUSeconds: 12, GCCPUSeconds: 1,
		AllocBytes: 1 << 30, AllocObjects: 1e6, GCCycles: 40, MutexWaitSeconds: 0.5,
		Goroutines: 10, GoroutinesPeak: 12, HeapInuse: 4e6, HeapInusePeak: 5e6,
		SchedLatency: []serverstats.Bucket{{math.Inf(-1), us(1), 500}, {us(10), us(20), 100}},
		Throttling:   &serverstats.Throttling{Throttled: 2 * time.Second},
	}
	tests := []struct {
		name  string
		end   func(s *serverstats.Snapshot)
		tasks uint64
		want  serverstats.Figures
	}{
		{
			name: "every figure",
			end: func(s *serverstats.Snapshot) {
				s.ProcessCPU += 2 * time.Second // 2 s of CPU over 1000 tasks: 2000 µs each
				s.BusyCPUSeconds += 4
				s.GCCPUSeconds += 0.5 // 0.5 of 4 busy seconds: 12.5%
				s.AllocBytes += 64_000
				s.AllocObjects += 3000
				s.GCCycles += 2
				s.MutexWaitSeconds += 0.25
				s.Goroutines, s.GoroutinesPeak = 11, 1010
				s.HeapInuse, s.HeapInusePeak = 3e6, 7.5e6
				// 100 new events in [10, 20) µs and 100 in [100, 200) µs:
				// p50 is the top of the first, p99 98% into the second.
				s.SchedLatency = []serverstats.Bucket{{math.Inf(-1), us(1), 500}, {us(10), us(20), 200}, {us(100), us(200), 100}}
				s.Throttling = &serverstats.Throttling{Throttled: 2500 * time.Millisecond}
			},
			tasks: 1000,
			want: serverstats.Figures{
				ServerCPUSeconds: 2, ServerCPUMicrosPerTask: 2000,
				SchedLatencyP50Micros: 20, SchedLatencyP99Micros: 198,
				GCCPUPercent: 12.5, AllocsPerTask: 3, BytesPerTask: 64,
				MutexWaitMillis: 250, GoroutinesPeak: 1010, HeapPeakMB: 7.5, ThrottledSeconds: 0.5,
			},
		},
		{
			name:  "idle window: nothing scheduled, no tasks",
			end:   func(s *serverstats.Snapshot) { s.Throttling = nil },
			tasks: 0,
			want: serverstats.Figures{
				ServerCPUMicrosPerTask: nan, SchedLatencyP50Micros: nan, SchedLatencyP99Micros: nan,
				GCCPUPercent: nan, AllocsPerTask: nan, BytesPerTask: nan,
				GoroutinesPeak: 12, HeapPeakMB: 5, ThrottledSeconds: nan,
			},
		},
		{
			name: "open top bucket and sub-microsecond latencies",
			end: func(s *serverstats.Snapshot) {
				s.ProcessCPU += time.Millisecond
				s.BusyCPUSeconds += 0.001
				s.SchedLatency = []serverstats.Bucket{{math.Inf(-1), us(1), 598}, {us(10), us(20), 100}, {us(1000), inf, 2}}
			},
			tasks: 4,
			// 98 new events below 1 µs, 2 from 1 ms up: p50 at 50/98 of
			// [0, 1) µs, p99 (rank 99 of 100) in the open bucket.
			want: serverstats.Figures{
				ServerCPUSeconds: 0.001, ServerCPUMicrosPerTask: 250,
				SchedLatencyP50Micros: 50.0 / 98, SchedLatencyP99Micros: 1000,
				GCCPUPercent: 0, AllocsPerTask: 0, BytesPerTask: 0,
				GoroutinesPeak: 12, HeapPeakMB: 5, ThrottledSeconds: 0,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			end := base
			tt.end(&end)
			got, err := serverstats.Delta(base, end, tt.tasks)
			if err != nil {
				t.Fatal(err)
			}
			if !same(got, tt.want) {
				t.Errorf("Delta =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

// same compares figures with a relative tolerance of 1e-9 for float
// rounding, NaN equal to NaN.
func same(a, b serverstats.Figures) bool {
	eq := func(x, y float64) bool {
		if math.IsNaN(x) || math.IsNaN(y) {
			return math.IsNaN(x) && math.IsNaN(y)
		}
		return math.Abs(x-y) <= 1e-9*math.Max(1, math.Abs(y))
	}
	return eq(a.ServerCPUSeconds, b.ServerCPUSeconds) && eq(a.ServerCPUMicrosPerTask, b.ServerCPUMicrosPerTask) &&
		eq(a.SchedLatencyP50Micros, b.SchedLatencyP50Micros) && eq(a.SchedLatencyP99Micros, b.SchedLatencyP99Micros) &&
		eq(a.GCCPUPercent, b.GCCPUPercent) && eq(a.AllocsPerTask, b.AllocsPerTask) && eq(a.BytesPerTask, b.BytesPerTask) &&
		eq(a.MutexWaitMillis, b.MutexWaitMillis) && a.GoroutinesPeak == b.GoroutinesPeak &&
		eq(a.HeapPeakMB, b.HeapPeakMB) && eq(a.ThrottledSeconds, b.ThrottledSeconds)
}

func TestDeltaRestarted(t *testing.T) {
	start := serverstats.Snapshot{
		ProcessCPU:   time.Second,
		SchedLatency: []serverstats.Bucket{{0, us(1), 10}},
		Throttling:   &serverstats.Throttling{Throttled: time.Second},
	}
	for name, change := range map[string]func(s *serverstats.Snapshot){
		"cpu":             func(s *serverstats.Snapshot) { s.ProcessCPU = 0 },
		"bucket fell":     func(s *serverstats.Snapshot) { s.SchedLatency = []serverstats.Bucket{{0, us(1), 9}} },
		"bucket vanished": func(s *serverstats.Snapshot) { s.SchedLatency = []serverstats.Bucket{{us(1), us(2), 20}} },
		"throttling":      func(s *serverstats.Snapshot) { s.Throttling = &serverstats.Throttling{} },
	} {
		t.Run(name, func(t *testing.T) {
			end := start
			change(&end)
			if _, err := serverstats.Delta(start, end, 1); !errors.Is(err, serverstats.ErrRestarted) {
				t.Errorf("Delta error = %v, want ErrRestarted", err)
			}
		})
	}
}

func TestQuantile(t *testing.T) {
	b := []serverstats.Bucket{{0, 1, 1}, {1, 2, 0}, {2, 4, 3}}
	for _, tt := range []struct{ q, want float64 }{
		{0.25, 1}, {0.5, 2 + 2.0/3}, {1, 4}, {0.01, 0.04},
	} {
		if got := serverstats.Quantile(b, tt.q); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("Quantile(%v) = %v, want %v", tt.q, got, tt.want)
		}
	}
	if got := serverstats.Quantile(nil, 0.5); !math.IsNaN(got) {
		t.Errorf("Quantile(nil) = %v, want NaN", got)
	}
}

func TestValidate(t *testing.T) {
	inf := math.Inf(1)
	ok := serverstats.Snapshot{
		ProcessCPU:   time.Second,
		SchedLatency: []serverstats.Bucket{{math.Inf(-1), 0, 1}, {0, us(1), 2}, {us(1), inf, 3}},
	}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid snapshot: %v", err)
	}
	for name, change := range map[string]func(s *serverstats.Snapshot){
		"negative cpu":      func(s *serverstats.Snapshot) { s.ProcessCPU = -1 },
		"NaN gc":            func(s *serverstats.Snapshot) { s.GCCPUSeconds = math.NaN() },
		"infinite busy":     func(s *serverstats.Snapshot) { s.BusyCPUSeconds = inf },
		"huge mutex wait":   func(s *serverstats.Snapshot) { s.MutexWaitSeconds = 1e12 },
		"negative throttle": func(s *serverstats.Snapshot) { s.Throttling = &serverstats.Throttling{Throttled: -time.Second} },
		"NaN bound":         func(s *serverstats.Snapshot) { s.SchedLatency = []serverstats.Bucket{{0, math.NaN(), 1}} },
		"empty bucket":      func(s *serverstats.Snapshot) { s.SchedLatency = []serverstats.Bucket{{1, 1, 1}} },
		"out of order": func(s *serverstats.Snapshot) {
			s.SchedLatency = []serverstats.Bucket{{us(1), us(2), 1}, {0, us(1), 1}}
		},
		"inner infinity": func(s *serverstats.Snapshot) {
			s.SchedLatency = []serverstats.Bucket{{0, inf, 1}, {us(1), us(2), 1}}
		},
		"count overflow": func(s *serverstats.Snapshot) {
			s.SchedLatency = []serverstats.Bucket{{0, 1, math.MaxUint64}, {1, 2, 1}}
		},
		"too many buckets": func(s *serverstats.Snapshot) {
			s.SchedLatency = make([]serverstats.Bucket, serverstats.MaxBuckets+1)
			for i := range s.SchedLatency {
				s.SchedLatency[i] = serverstats.Bucket{Lower: float64(i), Upper: float64(i + 1)}
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			s := ok
			change(&s)
			if err := s.Validate(); err == nil {
				t.Errorf("Validate accepted %+v", s)
			}
		})
	}
}

// FuzzDelta feeds Delta two valid snapshots built from fuzzed values and
// checks that every figure is finite or NaN where absence is allowed.
func FuzzDelta(f *testing.F) {
	f.Add(int64(1e9), int64(2e9), 0.5, 1.5, uint64(10), uint64(20), 1e-6, 2e-6, uint64(5), uint64(100))
	f.Fuzz(func(t *testing.T, cpu0, cpu1 int64, gc0, gc1 float64, n0, n1 uint64, lo, hi float64, peak, tasks uint64) {
		a := serverstats.Snapshot{ProcessCPU: time.Duration(cpu0), GCCPUSeconds: gc0, BusyCPUSeconds: gc0 * 2,
			SchedLatency: []serverstats.Bucket{{lo, hi, n0}}}
		b := serverstats.Snapshot{ProcessCPU: time.Duration(cpu1), GCCPUSeconds: gc1, BusyCPUSeconds: gc1 * 2,
			GoroutinesPeak: peak, SchedLatency: []serverstats.Bucket{{lo, hi, n1}}}
		if a.Validate() != nil || b.Validate() != nil {
			return
		}
		got, err := serverstats.Delta(a, b, tasks)
		if err != nil {
			return
		}
		for name, v := range map[string]float64{
			"cpu": got.ServerCPUSeconds, "per task": got.ServerCPUMicrosPerTask, "p50": got.SchedLatencyP50Micros,
			"p99": got.SchedLatencyP99Micros, "gc": got.GCCPUPercent, "allocs": got.AllocsPerTask,
			"bytes": got.BytesPerTask, "mutex": got.MutexWaitMillis, "heap": got.HeapPeakMB,
		} {
			if math.IsInf(v, 0) || v < 0 {
				t.Errorf("%s = %v", name, v)
			}
		}
		if got.GCCPUPercent > 100 {
			t.Errorf("gc %v%% > 100", got.GCCPUPercent)
		}
	})
}
