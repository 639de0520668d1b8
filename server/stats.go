package server

import (
	"context"
	"math"
	"runtime/metrics"
	"sync"
	"time"

	"github.com/stratbench/stratbench/hostinfo"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
)

// SamplePeriod is how often a Service samples goroutines and heap in use for
// the peaks that Stats reports. One sample reads two runtime metrics, about
// a microsecond, so sampling costs about 0.1% of one core.
const SamplePeriod = time.Millisecond

// The runtime/metrics names Stats reads, in the order of statsSamples.
const (
	metricGoroutines   = "/sched/goroutines:goroutines"
	metricHeapObjects  = "/memory/classes/heap/objects:bytes"
	metricCPUTotal     = "/cpu/classes/total:cpu-seconds"
	metricCPUIdle      = "/cpu/classes/idle:cpu-seconds"
	metricGCCPU        = "/cpu/classes/gc/total:cpu-seconds"
	metricAllocBytes   = "/gc/heap/allocs:bytes"
	metricAllocObjects = "/gc/heap/allocs:objects"
	metricGCCycles     = "/gc/cycles/total:gc-cycles"
	metricMutexWait    = "/sync/mutex/wait/total:seconds"
	metricSchedLatency = "/sched/latencies:seconds"
)

// statsMetrics are read by Stats; the first two are also the sampler's.
var statsMetrics = []string{
	metricGoroutines, metricHeapObjects, metricCPUTotal, metricCPUIdle, metricGCCPU,
	metricAllocBytes, metricAllocObjects, metricGCCycles, metricMutexWait, metricSchedLatency,
}

// peaks tracks the most goroutines and heap in use since the last Stats
// call. A goroutine owned by the Service samples them every period until
// stop; Close stops it and waits.
type peaks struct {
	mu         sync.Mutex
	goroutines uint64
	heap       uint64

	stop chan struct{}
	done chan struct{}
	once sync.Once
}

// startPeaks starts sampling every period.
func startPeaks(period time.Duration) *peaks {
	p := &peaks{stop: make(chan struct{}), done: make(chan struct{})}
	p.sample(make([]metrics.Sample, 2))
	go p.run(period)
	return p
}

func (p *peaks) run(period time.Duration) {
	defer close(p.done)
	tick := time.NewTicker(period)
	defer tick.Stop()
	s := make([]metrics.Sample, 2)
	for {
		select {
		case <-p.stop:
			return
		case <-tick.C:
			p.sample(s)
		}
	}
}

// sample reads goroutines and heap into s (two samples) and raises the
// peaks.
func (p *peaks) sample(s []metrics.Sample) {
	s[0].Name, s[1].Name = metricGoroutines, metricHeapObjects
	metrics.Read(s)
	g, h := s[0].Value.Uint64(), s[1].Value.Uint64()
	p.mu.Lock()
	p.goroutines, p.heap = max(p.goroutines, g), max(p.heap, h)
	p.mu.Unlock()
}

// take returns the peaks since the last take, counting the current values
// g and h, and restarts them from g and h.
func (p *peaks) take(g, h uint64) (peakG, peakH uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	peakG, peakH = max(p.goroutines, g), max(p.heap, h)
	p.goroutines, p.heap = g, h
	return peakG, peakH
}

// close stops the sampler and waits for it. It may be called more than once.
func (p *peaks) close() {
	p.once.Do(func() { close(p.stop) })
	<-p.done
}

// Stats returns the process's cumulative runtime counters and the peaks of
// goroutines and heap in use since the previous Stats call, which it
// restarts: concurrent readers share one peak. A read costs a few tens of
// microseconds (see BenchmarkStats). It fails with INTERNAL only when the
// process CPU time cannot be read.
func (s *Service) Stats(context.Context, *pb.StatsRequest) (*pb.StatsResponse, error) {
	cpu, err := hostinfo.CPUTime()
	if err != nil {
		return nil, status.Errorf(codes.Internal, "stats: %v", err)
	}
	samples := make([]metrics.Sample, len(statsMetrics))
	for i, name := range statsMetrics {
		samples[i].Name = name
	}
	metrics.Read(samples)
	v := func(name string) metrics.Value {
		for _, s := range samples {
			if s.Name == name {
				return s.Value
			}
		}
		panic("server: metric " + name + " not in statsMetrics")
	}
	g, h := v(metricGoroutines).Uint64(), v(metricHeapObjects).Uint64()
	peakG, peakH := s.peaks.take(g, h)
	resp := &pb.StatsResponse{
		ProcessCpu:         durationpb.New(cpu),
		GcCpuSeconds:       float(v(metricGCCPU)),
		AllocBytes:         v(metricAllocBytes).Uint64(),
		AllocObjects:       v(metricAllocObjects).Uint64(),
		GcCycles:           v(metricGCCycles).Uint64(),
		MutexWaitSeconds:   float(v(metricMutexWait)),
		Goroutines:         g,
		GoroutinesPeak:     peakG,
		HeapInuseBytes:     h,
		HeapInusePeakBytes: peakH,
		SchedLatency:       latencyBuckets(v(metricSchedLatency)),
		SamplePeriod:       durationpb.New(SamplePeriod),
		BusyCpuSeconds:     max(float(v(metricCPUTotal))-float(v(metricCPUIdle)), 0),
	}
	if s.cpuStat != "" {
		if t, err := hostinfo.ReadCPUThrottling(s.cpuStat); err == nil {
			resp.Throttling = &pb.CPUThrottling{
				Periods: t.Periods, ThrottledPeriods: t.ThrottledPeriods, Throttled: durationpb.New(t.Throttled),
			}
		}
	}
	return resp, nil
}

// float returns a Float64 metric's value, 0 when the runtime does not
// support the metric.
func float(v metrics.Value) float64 {
	if v.Kind() != metrics.KindFloat64 {
		return 0
	}
	return v.Float64()
}

// latencyBuckets returns the non-empty buckets of a Float64Histogram metric.
func latencyBuckets(v metrics.Value) []*pb.LatencyBucket {
	if v.Kind() != metrics.KindFloat64Histogram {
		return nil
	}
	h := v.Float64Histogram()
	nonEmpty := 0
	for _, n := range h.Counts {
		if n > 0 {
			nonEmpty++
		}
	}
	out := make([]*pb.LatencyBucket, 0, nonEmpty)
	for i, n := range h.Counts {
		if n == 0 {
			continue
		}
		lo, hi := h.Buckets[i], h.Buckets[i+1]
		if math.IsNaN(lo) || math.IsNaN(hi) {
			continue
		}
		out = append(out, &pb.LatencyBucket{LowerSeconds: lo, UpperSeconds: hi, Count: n})
	}
	return out
}
