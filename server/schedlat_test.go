package server

import (
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// TestSchedLatencyRefusesCPUWork: past the scheduling-latency limit, a CPU
// job is refused while other CPU work is in flight; a job of no CPU work,
// or one arriving when none is in flight, is admitted.
func TestSchedLatencyRefusesCPUWork(t *testing.T) {
	l := DefaultLimits()
	a := newAdmission(l)
	p99 := 300 * time.Millisecond
	a.schedP99, a.maxSched = func() time.Duration { return p99 }, 250*time.Millisecond
	cpuJob := cost{tasks: 10, cpu: 10 * time.Millisecond}
	release, err := a.admit(cpuJob)
	if err != nil {
		t.Fatalf("first CPU job with none in flight: %v", err)
	}
	if _, err := a.admit(cpuJob); status.Code(err) != codes.ResourceExhausted || !strings.Contains(err.Error(), "--max-sched-latency") {
		t.Errorf("CPU job at p99 300 ms with a limit of 250 ms: %v, want RESOURCE_EXHAUSTED naming --max-sched-latency", err)
	}
	if r, err := a.admit(cost{tasks: 10}); err != nil {
		t.Errorf("I/O job: %v", err)
	} else {
		r()
	}
	p99 = 200 * time.Millisecond
	if r, err := a.admit(cpuJob); err != nil {
		t.Errorf("CPU job at p99 200 ms: %v", err)
	} else {
		r()
	}
	release()
}

func TestWindowP99(t *testing.T) {
	h := &metrics.Float64Histogram{Buckets: []float64{0, 0.001, 0.01, 0.1, 1}, Counts: []uint64{100, 0, 0, 0}}
	prev := make([]uint64, 4)
	if got := windowP99(h, prev); got != time.Millisecond {
		t.Errorf("100 waits under 1 ms: p99 %v, want 1ms", got)
	}
	copy(prev, h.Counts)
	h.Counts = []uint64{198, 0, 0, 2} // this window: 98 short, 2 between 0.1 and 1 s
	if got := windowP99(h, prev); got != time.Second {
		t.Errorf("2 of 100 waits past 100 ms: p99 %v, want 1s", got)
	}
	copy(prev, h.Counts)
	if got := windowP99(h, prev); got != 0 {
		t.Errorf("no waits: p99 %v, want 0", got)
	}
}
