package server

import (
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"
)

// schedLatency watches how long runnable goroutines wait for a thread (the
// runtime's /sched/latencies:seconds histogram) over short windows. The CPU
// budget bounds the work admitted, but Go's run queues are not FIFO across
// processors: goroutines a new job starts go to the local queue and run
// before older ones in the global queue, where the network poller puts the
// goroutines that read new RPCs (health checks, refusals). A steady stream
// of admitted jobs can so starve them for many seconds within the budget;
// refusing new CPU work while the recent p99 wait is past a limit lets the
// queues drain.
type schedLatency struct {
	p99  atomic.Int64 // of the last window, nanoseconds
	stop chan struct{}
	wg   sync.WaitGroup
}

// schedWindow is how often the histogram is read: each read costs a few
// microseconds.
const schedWindow = 50 * time.Millisecond

func newSchedLatency() *schedLatency {
	s := &schedLatency{stop: make(chan struct{})}
	s.wg.Go(s.watch)
	return s
}

// P99 returns the 99th percentile of the waits that ended in the last
// window.
func (s *schedLatency) P99() time.Duration { return time.Duration(s.p99.Load()) }

func (s *schedLatency) watch() {
	sample := []metrics.Sample{{Name: "/sched/latencies:seconds"}}
	var prev []uint64
	tick := time.NewTicker(schedWindow)
	defer tick.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-tick.C:
		}
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindFloat64Histogram {
			return
		}
		h := sample[0].Value.Float64Histogram()
		if prev == nil {
			prev = make([]uint64, len(h.Counts))
		}
		s.p99.Store(int64(windowP99(h, prev)))
		copy(prev, h.Counts)
	}
}

// windowP99 returns the 99th percentile of the counts in h beyond prev
// (the upper bound of its bucket), or 0 when there are none.
func windowP99(h *metrics.Float64Histogram, prev []uint64) time.Duration {
	var total uint64
	for i, c := range h.Counts {
		total += c - prev[i]
	}
	if total == 0 {
		return 0
	}
	want := total - total/100
	var seen uint64
	for i, c := range h.Counts {
		seen += c - prev[i]
		if seen >= want {
			upper := h.Buckets[i+1]
			if upper > 3600 { // +Inf
				upper = h.Buckets[i]
			}
			return time.Duration(upper * float64(time.Second))
		}
	}
	return 0
}

// close stops the watcher and waits for it.
func (s *schedLatency) close() {
	close(s.stop)
	s.wg.Wait()
}
