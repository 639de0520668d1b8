package client

import (
	"math"
	"math/bits"
	"sync/atomic"
	"time"
)

// Progress is a live snapshot of a trial's measured phase, passed to
// RunTrial's progress callback about every 250 ms and once at the end.
type Progress struct {
	// Done is the number of measured RPCs that have ended, ok or not.
	Done uint64
	// Elapsed is the time since the measured phase began; 0 during warm-up.
	Elapsed time.Duration
	// Throughput is successful RPCs per second of Elapsed.
	Throughput float64
	// P99 is the 99th percentile latency of the successful RPCs so far,
	// from a coarse histogram (within about 12%): a progress figure, not a
	// result.
	P99 time.Duration
}

// progressEvery is how often RunTrial reports progress.
const progressEvery = 250 * time.Millisecond

// liveStats is a coarse latency histogram and counters shared by every
// worker of a trial, updated with atomic adds, so a progress reporter can
// read them while the trial runs. It is only used when there is a progress
// callback; the trial's figures come from the per-worker recorders.
type liveStats struct {
	done, ok atomic.Uint64
	buckets  [liveBuckets]atomic.Uint64
}

// The live histogram splits each power of two of nanoseconds from 2^10 to
// 2^42 into four buckets.
const (
	liveSubBits = 2
	liveMinExp  = 10
	liveMaxExp  = 42
	liveBuckets = (liveMaxExp - liveMinExp + 1) << liveSubBits
)

func liveIndex(d time.Duration) int {
	v := uint64(max(d, 1<<liveMinExp))
	e := min(bits.Len64(v)-1, liveMaxExp)
	sub := int(v>>(e-liveSubBits)) & (1<<liveSubBits - 1)
	return (e-liveMinExp)<<liveSubBits | sub
}

// liveMid returns the midpoint of bucket i.
func liveMid(i int) time.Duration {
	e := i>>liveSubBits + liveMinExp
	sub := i & (1<<liveSubBits - 1)
	lo := uint64(1<<liveSubBits+sub) << (e - liveSubBits)
	return time.Duration(lo + uint64(1)<<(e-liveSubBits)/2)
}

func (s *liveStats) add(latency time.Duration, ok bool) {
	s.done.Add(1)
	if ok {
		s.ok.Add(1)
		s.buckets[liveIndex(latency)].Add(1)
	}
}

// snapshot returns the progress after elapsed of measured phase.
func (s *liveStats) snapshot(elapsed time.Duration) Progress {
	p := Progress{Done: s.done.Load(), Elapsed: elapsed}
	if elapsed > 0 {
		p.Throughput = float64(s.ok.Load()) / elapsed.Seconds()
	}
	var counts [liveBuckets]uint64
	var total uint64
	for i := range s.buckets {
		counts[i] = s.buckets[i].Load()
		total += counts[i]
	}
	rank := uint64(math.Ceil(0.99 * float64(total)))
	var seen uint64
	for i, c := range counts {
		if seen += c; c > 0 && seen >= rank {
			p.P99 = liveMid(i)
			break
		}
	}
	return p
}
