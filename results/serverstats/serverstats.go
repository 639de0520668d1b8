// Package serverstats turns two readings of a server's cumulative runtime
// counters, taken at the start and the end of a trial's measured window, into
// the trial's runtime figures: the server's CPU per task, scheduler latency,
// GC share, allocations, mutex wait, goroutine and heap peaks, and CPU
// throttling. It is pure arithmetic on plain values; the server fills a
// Snapshot from runtime/metrics and the client carries it over gRPC.
package serverstats

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Bucket is one bucket of a histogram of durations: Count events lasted from
// Lower (inclusive) to Upper (exclusive) seconds. Lower may be -Inf and Upper
// +Inf, as in runtime/metrics.
type Bucket struct {
	Lower, Upper float64
	Count        uint64
}

// Throttling is a cgroup's cumulative CPU throttling.
type Throttling struct {
	// Throttled is the total time the cgroup was throttled.
	Throttled time.Duration
}

// Snapshot is one reading of a server process's runtime counters. Every
// field except Goroutines, GoroutinesPeak, HeapInuse and HeapInusePeak
// counts from the start of the process.
type Snapshot struct {
	// ProcessCPU is the process's user plus system CPU time.
	ProcessCPU time.Duration
	// BusyCPUSeconds is the runtime's estimate of CPU it used
	// (/cpu/classes/total minus /cpu/classes/idle), the denominator of GC
	// CPU: the runtime's CPU classes are comparable only with each other.
	BusyCPUSeconds float64
	// GCCPUSeconds is /cpu/classes/gc/total:cpu-seconds.
	GCCPUSeconds float64
	// AllocBytes and AllocObjects are /gc/heap/allocs:bytes and :objects.
	AllocBytes, AllocObjects uint64
	// GCCycles is /gc/cycles/total:gc-cycles.
	GCCycles uint64
	// MutexWaitSeconds is /sync/mutex/wait/total:seconds.
	MutexWaitSeconds float64
	// Goroutines is the number of goroutines at the reading;
	// GoroutinesPeak the most since the previous reading.
	Goroutines, GoroutinesPeak uint64
	// HeapInuse is the heap bytes occupied by objects at the reading;
	// HeapInusePeak the most since the previous reading.
	HeapInuse, HeapInusePeak uint64
	// SchedLatency is /sched/latencies:seconds; only non-empty buckets need
	// be present, in increasing order.
	SchedLatency []Bucket
	// Throttling is nil when the server has no cgroup CPU quota.
	Throttling *Throttling
}

// Figures are one trial's runtime figures. A float that does not exist for
// the trial (no tasks, no scheduling events, no CPU quota) is NaN.
type Figures struct {
	// ServerCPUSeconds is the server process's CPU time over the window.
	ServerCPUSeconds float64
	// ServerCPUMicrosPerTask is ServerCPUSeconds in microseconds divided by
	// the window's tasks.
	ServerCPUMicrosPerTask float64
	// SchedLatencyP50Micros and SchedLatencyP99Micros are percentiles of
	// the scheduler latencies of the window, in microseconds, interpolated
	// linearly inside the runtime's bucket (four per power of two above
	// 512 ns, so within 25%); NaN when no goroutine was scheduled.
	SchedLatencyP50Micros, SchedLatencyP99Micros float64
	// GCCPUPercent is GC CPU as a percentage of the CPU the runtime used
	// over the window. The runtime updates its CPU classes only when a GC
	// cycle ends, so this covers the cycles that ended inside the window;
	// NaN when none did.
	GCCPUPercent float64
	// AllocsPerTask and BytesPerTask are heap allocations over the window
	// divided by its tasks.
	AllocsPerTask, BytesPerTask float64
	// MutexWaitMillis is the time goroutines spent blocked on mutexes over
	// the window, summed over goroutines, in milliseconds.
	MutexWaitMillis float64
	// GoroutinesPeak is the most goroutines seen in the window.
	GoroutinesPeak uint64
	// HeapPeakMB is the most heap in use seen in the window, in megabytes
	// (10^6 bytes).
	HeapPeakMB float64
	// ThrottledSeconds is the time the server's cgroup was throttled over
	// the window; NaN without a CPU quota.
	ThrottledSeconds float64
}

// ErrRestarted is wrapped by Delta's error when a counter went backwards:
// the two snapshots come from different server processes.
var ErrRestarted = errors.New("serverstats: a counter went backwards (server restarted between readings?)")

// Delta returns the figures of the window from start to end, during which
// tasks tasks ran. end must be read after start from the same process, and
// its peaks must cover the window: no other reading between them resets
// them. It returns an error wrapping ErrRestarted when a cumulative counter
// of end is below start's.
func Delta(start, end Snapshot, tasks uint64) (Figures, error) {
	if end.ProcessCPU < start.ProcessCPU || end.AllocBytes < start.AllocBytes ||
		end.AllocObjects < start.AllocObjects || end.GCCycles < start.GCCycles ||
		end.GCCPUSeconds < start.GCCPUSeconds || end.BusyCPUSeconds < start.BusyCPUSeconds ||
		end.MutexWaitSeconds < start.MutexWaitSeconds {
		return Figures{}, ErrRestarted
	}
	sched, err := subtract(end.SchedLatency, start.SchedLatency)
	if err != nil {
		return Figures{}, err
	}
	cpu := (end.ProcessCPU - start.ProcessCPU).Seconds()
	f := Figures{
		ServerCPUSeconds:       cpu,
		ServerCPUMicrosPerTask: perTask(cpu*1e6, tasks),
		SchedLatencyP50Micros:  Quantile(sched, 0.50) * 1e6,
		SchedLatencyP99Micros:  Quantile(sched, 0.99) * 1e6,
		GCCPUPercent:           math.NaN(),
		AllocsPerTask:          perTask(float64(end.AllocObjects-start.AllocObjects), tasks),
		BytesPerTask:           perTask(float64(end.AllocBytes-start.AllocBytes), tasks),
		MutexWaitMillis:        (end.MutexWaitSeconds - start.MutexWaitSeconds) * 1e3,
		GoroutinesPeak:         max(end.GoroutinesPeak, end.Goroutines),
		HeapPeakMB:             float64(max(end.HeapInusePeak, end.HeapInuse)) / 1e6,
		ThrottledSeconds:       math.NaN(),
	}
	if busy := end.BusyCPUSeconds - start.BusyCPUSeconds; busy > 0 {
		f.GCCPUPercent = min((end.GCCPUSeconds-start.GCCPUSeconds)/busy*100, 100)
	}
	if start.Throttling != nil && end.Throttling != nil {
		if end.Throttling.Throttled < start.Throttling.Throttled {
			return Figures{}, ErrRestarted
		}
		f.ThrottledSeconds = (end.Throttling.Throttled - start.Throttling.Throttled).Seconds()
	}
	return f, nil
}

// perTask divides v by tasks; NaN when tasks is 0.
func perTask(v float64, tasks uint64) float64 {
	if tasks == 0 {
		return math.NaN()
	}
	return v / float64(tasks)
}

// subtract returns end minus start bucket by bucket, buckets matched by their
// bounds; empty buckets are left out. A bucket of start missing from end, or
// with a larger count, is an error wrapping ErrRestarted.
func subtract(end, start []Bucket) ([]Bucket, error) {
	type bounds struct{ lo, hi float64 }
	before := make(map[bounds]uint64, len(start))
	for _, b := range start {
		before[bounds{b.Lower, b.Upper}] += b.Count
	}
	out := make([]Bucket, 0, len(end))
	for _, b := range end {
		k := bounds{b.Lower, b.Upper}
		n, ok := before[k]
		if n > b.Count {
			return nil, fmt.Errorf("%w: sched latency bucket [%g, %g) fell from %d to %d", ErrRestarted, b.Lower, b.Upper, n, b.Count)
		}
		if ok {
			delete(before, k)
		}
		if b.Count > n {
			out = append(out, Bucket{b.Lower, b.Upper, b.Count - n})
		}
	}
	for k, n := range before {
		if n > 0 {
			return nil, fmt.Errorf("%w: sched latency bucket [%g, %g) vanished", ErrRestarted, k.lo, k.hi)
		}
	}
	return out, nil
}

// Quantile returns the q-quantile (0 < q ≤ 1) of the events counted in
// buckets, which must be in increasing order, interpolating linearly inside
// the bucket that holds it. A -Inf lower bound counts as 0 (durations are not
// negative); in a bucket with a +Inf upper bound it returns the lower bound.
// It returns NaN when the buckets hold no events.
func Quantile(buckets []Bucket, q float64) float64 {
	var total uint64
	for _, b := range buckets {
		total += b.Count
	}
	if total == 0 {
		return math.NaN()
	}
	rank := q * float64(total)
	var below float64
	for _, b := range buckets {
		if b.Count == 0 {
			continue
		}
		if below+float64(b.Count) >= rank {
			lo, hi := b.Lower, b.Upper
			if math.IsInf(lo, -1) {
				lo = min(0, hi)
			}
			if math.IsInf(hi, 1) {
				return lo
			}
			return lo + (hi-lo)*(rank-below)/float64(b.Count)
		}
		below += float64(b.Count)
	}
	return buckets[len(buckets)-1].Lower
}

// MaxBuckets is the most scheduler-latency buckets a Snapshot may hold; the
// Go runtime has about 160.
const MaxBuckets = 1000

// maxSeconds bounds every duration of a Snapshot: about 31 years.
const maxSeconds = 1e9

// Validate checks a Snapshot that came from another host: every float
// finite and from 0 to about 31 years (10^9 s), every duration from 0 to
// the same, at most MaxBuckets latency buckets in increasing order, each
// with Lower < Upper, finite bounds from 0 to 10^9 s, -Inf allowed only
// as the first Lower and +Inf only as the last Upper, and counts summing
// without overflow.
func (s Snapshot) Validate() error {
	for _, f := range []struct {
		name string
		v    float64
	}{
		{"process_cpu", s.ProcessCPU.Seconds()}, {"busy_cpu_seconds", s.BusyCPUSeconds},
		{"gc_cpu_seconds", s.GCCPUSeconds}, {"mutex_wait_seconds", s.MutexWaitSeconds},
	} {
		if !(f.v >= 0 && f.v <= maxSeconds) {
			return fmt.Errorf("serverstats: %s is %v; must be from 0 to %g s", f.name, f.v, float64(maxSeconds))
		}
	}
	if s.Throttling != nil {
		if t := s.Throttling.Throttled.Seconds(); !(t >= 0 && t <= maxSeconds) {
			return fmt.Errorf("serverstats: throttled is %v s; must be from 0 to %g s", t, float64(maxSeconds))
		}
	}
	if len(s.SchedLatency) > MaxBuckets {
		return fmt.Errorf("serverstats: %d latency buckets, limit %d", len(s.SchedLatency), MaxBuckets)
	}
	var total uint64
	for i, b := range s.SchedLatency {
		lowOK := (b.Lower >= 0 && b.Lower <= maxSeconds) || (i == 0 && math.IsInf(b.Lower, -1))
		highOK := (b.Upper >= 0 && b.Upper <= maxSeconds) || (i == len(s.SchedLatency)-1 && math.IsInf(b.Upper, 1))
		if !lowOK || !highOK || !(b.Lower < b.Upper) || (i > 0 && b.Lower < s.SchedLatency[i-1].Upper) {
			return fmt.Errorf("serverstats: latency bucket %d [%v, %v): bounds must increase, finite from 0 to %g s (only the first lower may be -Inf, the last upper +Inf)", i, b.Lower, b.Upper, float64(maxSeconds))
		}
		if total+b.Count < total {
			return fmt.Errorf("serverstats: latency bucket counts overflow at bucket %d", i)
		}
		total += b.Count
	}
	return nil
}
