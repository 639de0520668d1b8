package workload

import (
	"context"
	"time"

	"github.com/montanaflynn/stats"
)

// Calibrate measures the cost of one Chain step on one core, in nanoseconds.
// It times rounds of Chain of about 5 ms each and returns the median of the
// per-step costs (the mean of the middle two for an even number of rounds),
// so a preempted round does not skew it. It runs on the
// calling goroutine for about rounds × 5 ms; rounds below 1 count as 1.
func Calibrate(rounds int) float64 {
	rounds = max(rounds, 1)
	const probe = 2000
	start := time.Now()
	_, _ = Chain(context.Background(), 1, probe)
	per := float64(time.Since(start).Nanoseconds()) / probe
	n := uint64(max(5e6/max(per, 1), probe))
	costs := make([]float64, rounds)
	for r := range costs {
		start := time.Now()
		_, _ = Chain(context.Background(), uint64(r), n)
		costs[r] = float64(time.Since(start).Nanoseconds()) / float64(n)
	}
	m, _ := stats.Median(costs) // never empty: rounds ≥ 1
	return m
}
